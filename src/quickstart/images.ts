/**
 * The images the sample run needs, built and imported into the local cluster's containerd: the perf tool's and
 * the sample app's (samples/apps/cpu-hot/image.yaml, which the cluster's image builder also builds). Only these:
 * a broken recipe of another tool must not stop the quickstart.
 */
import { join } from 'node:path';
import { ensureImages } from '../images/images.ts';
import type { Layout } from '../cluster/layout.ts';
import { toolImages } from '../images/tool-images.ts';
import { readManifests, repoRoot } from './install.ts';

/** The image references the quickstart runs: the perf config's and demo-app's containers'. */
export async function neededImages(): Promise<string[]> {
  const [config] = (await readManifests(join(repoRoot, 'powertools/perf/config.yaml'))) as unknown as { spec: { image: string } }[];
  const [deployment] = (await readManifests(join(repoRoot, 'samples/apps/cpu-hot/deployment.yaml'))) as unknown as {
    spec: { template: { spec: { containers: { image: string }[] } } };
  }[];
  return [config?.spec.image, ...(deployment?.spec.template.spec.containers.map((c) => c.image) ?? [])].filter(
    (r): r is string => typeof r === 'string',
  );
}

export async function ensureQuickstartImages(l: Layout, onImage: (ref: string, action: string) => void): Promise<string[]> {
  const wanted = await neededImages();
  const jobs = (await toolImages(l.cacheDir)).filter((j) => wanted.includes(j.ref));
  const missing = wanted.filter((r) => !jobs.some((j) => j.ref === r));
  if (missing.length > 0)
    throw new Error(`no image recipe (powertools/*/image.yaml, samples/apps/*/image.yaml) builds ${missing.join(', ')}`);
  await ensureImages(jobs, { socket: l.containerdSocket, importedFile: join(l.stateDir, 'images.json'), onImage });
  return wanted;
}
