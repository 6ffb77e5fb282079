import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// One source per fact: samples/configs/<tool>.yaml is a copy users apply, powertools/<tool>/config.yaml the source.
const root = new URL('..', import.meta.url).pathname;
const tools = readdirSync(join(root, 'powertools'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'lib')
  .map((d) => d.name)
  .sort();

describe('samples/configs', () => {
  it('has a copy of every tool config and nothing else', () => {
    assert.deepEqual(
      readdirSync(join(root, 'samples/configs')).sort(),
      tools.map((t) => `${t}.yaml`),
    );
  });
  for (const tool of tools) {
    it(`${tool}.yaml is byte-identical to powertools/${tool}/config.yaml`, () => {
      assert.ok(
        readFileSync(join(root, 'samples/configs', `${tool}.yaml`)).equals(readFileSync(join(root, 'powertools', tool, 'config.yaml'))),
        `copy it again: cp powertools/${tool}/config.yaml samples/configs/${tool}.yaml`,
      );
    });
  }
});
