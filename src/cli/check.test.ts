import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkOptions, formatFindings } from './check.ts';
import { UsageError } from './command.ts';

describe('toe check options', () => {
  it('takes the namespaces, lease and output format, with the defaults the operator uses', () => {
    assert.deepEqual(checkOptions(['-n', 'shop']), {
      namespace: 'shop',
      operatorNamespace: 'toe-system',
      leaseName: 'toe-operator',
      output: 'text',
    });
    assert.equal(checkOptions(['-h']), 'help');
    const o = checkOptions(['--operator-namespace', 'toe', '-o', 'json']);
    assert.ok(o !== 'help' && o.operatorNamespace === 'toe' && o.output === 'json' && o.namespace === undefined);
  });

  it('refuses a namespace that is no DNS label and an unknown output, naming the flag', () => {
    assert.throws(
      () => checkOptions(['-n', 'Shop_1']),
      (e: unknown) => e instanceof UsageError && /--namespace must be a namespace name/.test(e.message),
    );
    assert.throws(() => checkOptions(['-o', 'yaml']), /--output must be text or json/);
  });
});

describe('toe check output', () => {
  it('prints each finding with its fix under it, and the counts', () => {
    const text = formatFindings([
      { check: 'crds', severity: 'ok', subject: 'powertools.toe.dev', message: 'installed' },
      {
        check: 'namespace',
        severity: 'fail',
        subject: 'namespace shop',
        message: 'has not opted in',
        fix: 'kubectl label namespace shop x=true',
      },
    ]);
    assert.match(text, /^ok {4}crds {9}powertools\.toe\.dev: installed$/m);
    assert.match(text, /^FAIL {2}namespace {4}namespace shop: has not opted in\n {6}fix: kubectl label namespace shop x=true$/m);
    assert.match(text, /1 failed, 0 warnings, 1 ok\n$/);
  });
});
