import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { basename, dirname, join, sep } from 'node:path';
import fc from 'fast-check';
import { artifactOfUpload, artifactPaths, checkArtifactName, RefusedName, runDir } from './paths.ts';

const owner = { namespace: 'shop', powerToolUID: '0f8e2c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b', podName: 'web-0' };
const dataDir = '/var/lib/toe/collector';

// Characters that matter for paths, mixed with arbitrary text (the `binary` unit is too slow for a unit test).
const tricky = fc.oneof(
  fc.string({ maxLength: 140, unit: fc.constantFrom('a', 'Z', '0', '.', '-', '_', '/', '\\', '%', '\0', 'é', '\uff0e', ' ') }),
  fc.string({ maxLength: 140 }),
);

describe('artifactPaths', () => {
  it('derives <dataDir>/<namespace>/<uid>/<pod>/<artifact> and hidden upload files', () => {
    const p = artifactPaths(dataDir, owner, 'perf.script');
    assert.equal(p.final, `${dataDir}/shop/${owner.powerToolUID}/web-0/perf.script`);
    assert.equal(p.meta, `${p.dir}/perf.script.meta.json`);
    assert.equal(p.upload, `${p.dir}/.perf.script.upload`);
    assert.equal(p.uploadState, `${p.dir}/.perf.script.upload.json`);
    assert.equal(p.metaTemp, `${p.dir}/.perf.script.meta.json.tmp`);
  });

  for (const [label, name] of [
    ['a parent reference', '../etc'],
    ['a bare ..', '..'],
    ['a bare .', '.'],
    ['percent-encoded dots (taken literally)', '%2e%2e'],
    ['a hidden name', '.upload'],
    ['a separator', 'a/b'],
    ['a backslash', 'a\\b'],
    ['an absolute path', '/etc/passwd'],
    ['a NUL byte', 'a\0b'],
    ['non-ASCII text', 'prüfung.txt'],
    ['a full-width dot', 'a\uff0eb'],
    ['an empty name', ''],
    ['a name over 128 characters', 'a'.repeat(129)],
    ['the sidecar suffix', 'perf.script.meta.json'],
    ['a space', 'perf script'],
  ] as const) {
    it(`refuses ${label}`, () => {
      assert.throws(
        () => artifactPaths(dataDir, owner, name),
        (err: unknown) => err instanceof RefusedName && err.field === 'artifact',
      );
    });
  }

  it('accepts a 128-character name', () => {
    assert.equal(basename(artifactPaths(dataDir, owner, 'a'.repeat(128)).final), 'a'.repeat(128));
  });

  it('refuses identity segments that are not Kubernetes names', () => {
    const bad: [string, Partial<typeof owner>][] = [
      ['namespace', { namespace: '..' }],
      ['namespace', { namespace: 'Shop' }],
      ['namespace', { namespace: 'a/b' }],
      ['powerToolUID', { powerToolUID: '../../x' }],
      ['powerToolUID', { powerToolUID: '0F8E2C1A-3B4D-4E5F-8A9B-0C1D2E3F4A5B' }],
      ['pod', { podName: '..' }],
      ['pod', { podName: 'a/../../b' }],
      ['pod', { podName: 'x'.repeat(254) }],
    ];
    for (const [field, change] of bad) {
      assert.throws(
        () => artifactPaths(dataDir, { ...owner, ...change }, 'a'),
        (err: unknown) => err instanceof RefusedName && err.field === field,
        JSON.stringify(change),
      );
    }
    assert.throws(() => runDir(dataDir, 'shop', 'not-a-uid'), RefusedName);
  });

  it('never leaves the owner directory for any accepted name', () => {
    const dir = join(dataDir, 'shop', owner.powerToolUID, 'web-0');
    fc.assert(
      fc.property(tricky, (name) => {
        let p;
        try {
          p = artifactPaths(dataDir, owner, name);
        } catch (err) {
          return err instanceof RefusedName;
        }
        return dirname(p.final) === dir && basename(p.final) === name && !name.includes(sep) && !name.startsWith('.');
      }),
      { numRuns: 500 },
    );
  });
});

describe('artifactOfUpload', () => {
  it('recognises upload files only', () => {
    assert.equal(artifactOfUpload('.perf.script.upload'), 'perf.script');
    assert.equal(artifactOfUpload('perf.script'), undefined);
    assert.equal(artifactOfUpload('.perf.script.upload.json'), undefined);
    assert.equal(artifactOfUpload('...upload'), undefined);
  });

  it('round-trips every checked name', () => {
    assert.equal(artifactOfUpload(`.${checkArtifactName('capture.pcap')}.upload`), 'capture.pcap');
  });
});
