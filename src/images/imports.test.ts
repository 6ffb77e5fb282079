import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const src = new URL('../', import.meta.url).pathname;

// The image format and builds are the product's; the local cluster uses them, never the other way round, so the
// cluster can be dropped or replaced without touching how images are made. Both share only src/host/.
test('src/images and src/host import nothing of src/cluster (or of anything else in src/ but src/host)', () => {
  const offenders: string[] = [];
  for (const dir of ['images', 'host'])
    for (const f of readdirSync(join(src, dir)).filter((n) => n.endsWith('.ts'))) {
      const text = readFileSync(join(src, dir, f), 'utf8');
      for (const m of text.matchAll(/from '(\.\.\/[^']+)'/g))
        if (!(m[1] as string).startsWith('../host/')) offenders.push(`src/${dir}/${f} imports ${m[1]}`);
    }
  assert.deepEqual(offenders, []);
});
