import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runSpec } from './run-spec.ts';
import { parseSelector } from './selector.ts';

describe('kubectl toe -l', () => {
  it('reads key=value and key==value terms into matchLabels', () => {
    assert.deepEqual(parseSelector('app=web, tier==front,example.com/team=a_b'), { app: 'web', tier: 'front', 'example.com/team': 'a_b' });
  });

  it('refuses set-based and malformed terms by name instead of widening the selection', () => {
    assert.throws(() => parseSelector('app!=web'), /only key=value terms/);
    assert.throws(() => parseSelector('tier in (a,b)'), /only key=value terms|write key=value/);
    assert.throws(() => parseSelector('!app'), /only key=value terms/);
    assert.throws(() => parseSelector('app'), /"app": write key=value/);
    assert.throws(() => parseSelector('app=web,'), /an empty term/);
    assert.throws(() => parseSelector('app=we b'), /"we b" is not a label value/);
    assert.throws(() => parseSelector('app=a,app=b'), /app given twice/);
  });
});

describe('kubectl toe run flags to a PowerTool spec', () => {
  it('maps each flag to its field and leaves the rest to the API server defaults', () => {
    const spec = runSpec({
      tool: 'perf',
      selector: 'app=web',
      container: 'app',
      duration: '30s',
      maxTargets: '2',
      dryRun: true,
      args: ['--freq=99'],
    });
    assert.deepEqual(spec, {
      targets: { selector: { matchLabels: { app: 'web' } }, container: 'app', maxTargets: 2 },
      tool: { name: 'perf', args: ['--freq=99'], duration: '30s' },
      dryRun: true,
    });
  });

  it('refuses a bad value with the flag and the spec field it maps to', () => {
    assert.throws(
      () => runSpec({ tool: 'perf', selector: 'app=web', duration: '30 seconds', dryRun: false, args: [] }),
      /^Error: --duration \(spec\.tool\.duration\)/,
    );
    assert.throws(() => runSpec({ tool: 'Perf!', selector: 'app=web', dryRun: false, args: [] }), /TOOL \(spec\.tool\.name\)/);
    assert.throws(
      () => runSpec({ tool: 'perf', selector: 'app=web', output: 'file', dryRun: false, args: [] }),
      /--output-mode \(spec\.output\.mode\)/,
    );
    assert.throws(
      () => runSpec({ tool: 'perf', selector: 'app=web', maxTargets: '0', dryRun: false, args: [] }),
      /--max-targets \(spec\.targets\.maxTargets\)/,
    );
    assert.throws(
      () => runSpec({ tool: 'perf', selector: 'app=web', maxTargets: 'two', dryRun: false, args: [] }),
      /--max-targets must be a whole number/,
    );
  });
});
