import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { faultWindow, requestedEffect } from './kind.ts';

describe('timeline kind', () => {
  it('takes the fault window from the result when the tool reports one, else nothing', () => {
    assert.deepEqual(faultWindow({ faultStartedAt: '2026-11-22T03:32:25Z', faultEndedAt: '2026-11-22T03:32:40Z' }), {
      window: { start: '2026-11-22T03:32:25Z', end: '2026-11-22T03:32:40Z' },
    });
    assert.deepEqual(faultWindow({ faultStartedAt: '2026-11-22T03:32:45Z', faultEndedAt: '2026-11-22T03:32:40Z' }), {});
    assert.deepEqual(faultWindow({ faultStartedAt: 'soon', faultEndedAt: '2026-11-22T03:32:40Z' }), {});
    assert.deepEqual(faultWindow({ requestedMillicores: 500 }), {});
    assert.deepEqual(faultWindow(undefined), {});
  });

  it('reads the requested effect from the result by field name', () => {
    assert.deepEqual(requestedEffect({ requestedMillicores: 500, workers: 1 }), { cpuMillicores: 500 });
    assert.deepEqual(requestedEffect({ requestedBytes: 1024 }), { memoryBytes: 1024 });
    assert.deepEqual(requestedEffect({ requestedPercent: 80, requestedBytes: 1 }), { volumeFillPercent: 80 });
    assert.equal(requestedEffect({ signal: 'TERM' }), undefined);
    assert.equal(requestedEffect('nonsense'), undefined);
  });
});
