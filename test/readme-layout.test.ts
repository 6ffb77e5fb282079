/** README's layout table names every folder a newcomer meets: each top-level folder and each package under src/. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = new URL('..', import.meta.url).pathname;
const folders = (dir: string): string[] =>
  readdirSync(join(root, dir)).filter((n) => !n.startsWith('.') && n !== 'node_modules' && statSync(join(root, dir, n)).isDirectory());

function layoutTable(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## Layout');
  assert.ok(start >= 0, 'README.md has a "## Layout" section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

test('every top-level folder and every src/ package has a row in README.md "Layout"', () => {
  const table = layoutTable();
  const named = new Set([...table.matchAll(/`([^`]+)`/g)].map((m) => (m[1] as string).replace(/\/$/, '').replace(/\/<[^>]+>$/, '')));
  const wanted = [...folders('.'), ...folders('src').map((n) => `src/${n}`)];
  const missing = wanted.filter((f) => !named.has(f) && ![...named].some((n) => n.startsWith(`${f}/`)));
  assert.deepEqual(missing, [], `add a row to README.md "Layout" for: ${missing.join(', ')}`);
});
