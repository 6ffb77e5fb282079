/**
 * A tool's image filesystem, built on this host the way `toe cluster images` builds it (busybox-static, the image's
 * binaries with their libraries, its files), so that entrypoint tests can run inside exactly what the image holds.
 */
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseImageSpec, resolveSource } from '../../src/images/image-spec.ts';
import { busyboxRoot, copyHostPath, copyWithLibraries } from '../../src/images/rootfs.ts';

const powertools = new URL('../../powertools', import.meta.url).pathname;

export async function buildToolRootfs(tool: string): Promise<{ root: string; remove: () => Promise<void> }> {
  const toolDir = join(powertools, tool);
  const file = join(toolDir, 'image.yaml');
  const spec = parseImageSpec(await readFile(file, 'utf8'), file);
  if (spec.base !== 'busybox') throw new Error(`${file}: only busybox images are built here`);
  const root = await mkdtemp(join(tmpdir(), `toe-image-${tool}-`));
  await busyboxRoot(root);
  await copyWithLibraries(root, spec.binaries);
  for (const p of spec.paths) await copyHostPath(root, p);
  for (const f of spec.files) {
    const dest = join(root, f.dst);
    await mkdir(dirname(dest), { recursive: true });
    await copyFile(resolveSource(powertools, toolDir, f.src), dest);
    await chmod(dest, parseInt(f.mode, 8));
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}
