import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pluralOf } from '../kube/apply.ts';
import { readManifests, repoRoot } from './install.ts';

describe('quickstart manifests', () => {
  it('holds only kinds whose resource server-side apply knows', async () => {
    const files = [
      ...readdirSync(join(repoRoot, 'crds'))
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => join('crds', f)),
      ...readdirSync(join(repoRoot, 'powertools'), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => join('powertools', e.name, 'config.yaml')),
      'samples/apps/namespace.yaml',
      'samples/apps/cpu-hot/deployment.yaml',
    ];
    for (const f of files) {
      for (const d of await readManifests(join(repoRoot, f)).catch((err: NodeJS.ErrnoException) =>
        err.code === 'ENOENT' ? [] : Promise.reject(err),
      )) {
        assert.doesNotThrow(() => pluralOf(d.kind), `${f}: ${d.kind}`);
      }
    }
  });
  it('refuses a kind it does not apply', async () => {
    await assert.rejects(readManifests(join(repoRoot, 'charts/toe/Chart.yaml')), /is not something the quickstart applies/);
  });
});
