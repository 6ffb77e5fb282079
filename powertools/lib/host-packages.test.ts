import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { wantedPackages } from '../../test/host-packages.ts';

const root = new URL('../..', import.meta.url).pathname;

// The tool tests run each entrypoint with the host's binaries and build each image from them, and skip when one is
// missing: a package only some later phase installs (the cluster's iptables) made a fresh machine skip them all.
describe('host packages for the tools', () => {
  it("list every package a tool image is built from, so the unit phase installs it before the tools' tests", () => {
    const wanted = new Set(wantedPackages(root));
    for (const tool of readdirSync(join(root, 'powertools'))) {
      const spec = join(root, 'powertools', tool, 'image.yaml');
      if (!existsSync(spec)) continue;
      const { packages = [] } = parse(readFileSync(spec, 'utf8')) as { packages?: string[] };
      for (const p of packages)
        assert.ok(wanted.has(p), `powertools/${tool}/image.yaml needs ${p}: add it to powertools/host-packages.txt`);
    }
  });
});
