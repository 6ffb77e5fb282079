/** `npm run gen:crds`: writes crds/<plural>.toe.dev.yaml from the zod schemas and removes CRDs no kind makes. */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crdFiles } from './crd.ts';

const dir = new URL('../../crds/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
const files = crdFiles();
for (const { file, text } of files) writeFileSync(join(dir, file), text);
for (const name of readdirSync(dir)) {
  if (name.endsWith('.yaml') && !files.some((f) => f.file === name)) rmSync(join(dir, name));
}
process.stdout.write(files.map((f) => `wrote crds/${f.file}\n`).join(''));
