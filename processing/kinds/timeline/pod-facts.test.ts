import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { podFacts } from './pod-facts.ts';

describe('podFacts', () => {
  it('reads restarts, OOM kills and the last readiness change from a pod', () => {
    const pod: V1Pod = {
      metadata: { name: 'web-1' },
      status: {
        conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: new Date('2026-11-22T03:32:29Z') }],
        containerStatuses: [
          {
            name: 'app',
            image: 'a',
            imageID: '',
            ready: false,
            restartCount: 2,
            lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: new Date('2026-11-22T03:32:30Z') } },
            state: { running: { startedAt: new Date('2026-11-22T03:32:31Z') } },
          },
          { name: 'sidecar', image: 's', imageID: '', ready: true, restartCount: 0, state: { running: {} } },
        ],
      },
    };
    assert.deepEqual(podFacts(pod), {
      pod: 'web-1',
      restarts: [{ at: '2026-11-22T03:32:30.000Z', container: 'app', reason: 'OOMKilled', exitCode: 137 }],
      oomKills: [{ at: '2026-11-22T03:32:30.000Z', container: 'app' }],
      readiness: [{ at: '2026-11-22T03:32:29.000Z', ready: false }],
    });
  });

  it('copes with a pod that has no status', () => {
    assert.deepEqual(podFacts({}), { pod: '', restarts: [], readiness: [], oomKills: [] });
  });
});
