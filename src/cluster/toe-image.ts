import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseImageSpec } from './image-spec.ts';
import type { ImageJob } from './images.ts';
import { toolImage } from './tool-images.ts';

const repoRoot = new URL('../../', import.meta.url).pathname;
const recipe = new URL('./toe-image.yaml', import.meta.url).pathname;

/**
 * localhost/toe:<version>: node, the CLI's sources and their production dependencies. The sources run as they are
 * through tsx (bin/toe.js), as in a checkout, so the image needs no build step either.
 */
export async function toeImage(cacheDir: string, root = repoRoot): Promise<ImageJob> {
  const text = await readFile(recipe, 'utf8');
  const version = (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  // The recipe's folder is the repository root: its files and its package-lock.json are taken from there.
  return toolImage(cacheDir, root, text, parseImageSpec(text, recipe), version, root);
}
