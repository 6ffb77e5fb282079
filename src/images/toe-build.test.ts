import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseImageSpec } from './image-spec.ts';
import { buildToe, imageCommand } from './toe-build.ts';

const root = new URL('../../', import.meta.url).pathname;

describe('buildToe', { timeout: 180_000 }, () => {
  it('compiles the CLI once per source tree into a tree the image recipe copies, and it runs without tsx', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'toe-build-'));
    try {
      const dir = await buildToe(cache, root);
      assert.equal(await buildToe(cache, root), dir, 'the same sources give the same build');
      const recipe = join(root, 'src/images/toe-image.yaml');
      const spec = parseImageSpec(readFileSync(recipe, 'utf8'), recipe);
      for (const f of spec.files) assert.ok(existsSync(join(dir, f.src)), `the recipe copies ${f.src}, which the build lacks`);
      assert.ok(existsSync(join(dir, 'package-lock.json')), 'the image installs production modules from the lockfile');
      assert.ok(
        existsSync(join(dir, 'processing/report/style.css')) && existsSync(join(dir, 'processing/report/client.js')),
        'report assets beside the compiled code',
      );
      assert.ok(!existsSync(join(dir, 'src/images/toe-build.test.js')), 'tests are not compiled');
      // The image's own command line, /app being the build; packages resolve from this checkout's node_modules.
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
      const help = execFileSync(process.execPath, [...(await imageCommand(dir, root)), 'validate', '--help'], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      assert.match(help, /toe validate/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
