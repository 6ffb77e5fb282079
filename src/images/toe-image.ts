import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseImageSpec } from './image-spec.ts';
import type { ImageJob } from './images.ts';
import { buildToe } from './toe-build.ts';
import { toolImage } from './tool-images.ts';

const repoRoot = new URL('../../', import.meta.url).pathname;
const recipe = new URL('./toe-image.yaml', import.meta.url).pathname;

/** localhost/toe:<version>: node, the CLI compiled to JavaScript (toe-build.ts) and its production dependencies. */
export async function toeImage(cacheDir: string, root = repoRoot): Promise<ImageJob> {
  const text = await readFile(recipe, 'utf8');
  const version = (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  // The recipe's paths are relative to the build, which holds the compiled tree and the package-lock.json.
  const built = await buildToe(cacheDir, root);
  return toolImage(cacheDir, built, text, parseImageSpec(text, recipe), version, built);
}
