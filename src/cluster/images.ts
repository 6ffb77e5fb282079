import { join } from 'node:path';
import { ensureImages, type ImageJob } from '../images/images.ts';
import { productImages } from '../images/product-images.ts';
import { isRunning } from './daemon.ts';
import type { Layout } from './layout.ts';
import { clusterImages } from './node-images.ts';
import { step, type Progress } from './progress.ts';
import { readState } from './state.ts';

/** Which archive containerd last imported for each image ref (ensureImages re-imports a rebuilt archive). */
export function importedFile(l: Layout): string {
  return join(l.stateDir, 'images.json');
}

/**
 * `toe cluster images`: builds the node's images and the product's (src/images/), then imports them into the running
 * containerd. Without one it only builds, and `up` imports them later. Returns every image it covered.
 */
export async function images(l: Layout, progress: Progress, opts: { rebuild?: boolean } = {}): Promise<ImageJob[]> {
  const state = await readState(l.stateFile);
  const socket = (await isRunning(state?.daemons.containerd)) ? l.containerdSocket : undefined;
  if (!socket) progress.info('containerd is not running: building only; `toe cluster up` imports the images');
  const jobs = [...(await clusterImages(l.cacheDir)), ...(await productImages(l.cacheDir))];
  await step(progress, `images (${jobs.length})`, () =>
    ensureImages(jobs, {
      socket,
      importedFile: importedFile(l),
      rebuild: opts.rebuild,
      onImage: (ref, action) => progress.info(`${ref}: ${action}`),
    }),
  );
  return jobs;
}
