/**
 * `npm run gen:crds`: writes <plural>.toe.dev.yaml from the zod schemas into crds/ and into the chart's crds/ (Helm
 * installs CRDs only from inside the chart), and removes CRDs no kind makes. Both copies are checked by tests.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crdFiles } from './crd.ts';

const root = new URL('../../', import.meta.url).pathname;
const files = crdFiles();
for (const rel of ['crds', 'charts/toe/crds']) {
  const dir = join(root, rel);
  mkdirSync(dir, { recursive: true });
  for (const { file, text } of files) writeFileSync(join(dir, file), text);
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.yaml') && !files.some((f) => f.file === name)) rmSync(join(dir, name));
  }
  process.stdout.write(files.map((f) => `wrote ${rel}/${f.file}\n`).join(''));
}
