/** `npm run gen:dockerfiles`: writes each powertools/<tool>/Dockerfile from its image.yaml (src/images/dockerfile.ts). */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toolDockerfiles } from './dockerfile.ts';

const root = new URL('../../', import.meta.url).pathname;
for (const { path, text } of await toolDockerfiles(root)) {
  await writeFile(join(root, path), text);
  process.stdout.write(`wrote ${path}\n`);
}
