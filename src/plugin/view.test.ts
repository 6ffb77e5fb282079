import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CoreV1Event } from '@kubernetes/client-node';
import type { PowerTool, PowerToolProcessing } from '../api/index.ts';
import type { Live } from '../kube/resources.ts';
import { age, table } from './context.ts';
import { describePowerTool } from './describe.ts';
import { powerToolRows } from './get.ts';
import { reportsOf } from './report.ts';

const now = Date.parse('2026-12-07T12:00:00Z');
const pt = {
  apiVersion: 'toe.dev/v1alpha1',
  kind: 'PowerTool',
  metadata: { name: 'perf-1', namespace: 'shop', uid: 'u1', creationTimestamp: '2026-12-07T11:55:00Z', resourceVersion: '1' },
  spec: { targets: { selector: { matchLabels: { app: 'web' } } }, tool: { name: 'perf', args: ['--freq=99'], duration: '30s' } },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'SteadyStateHeld', status: 'False', reason: 'Breached', message: 'probe web failed 3 times', lastTransitionTime: '' },
    ],
    targets: [
      { pod: 'web-a', container: 'app', ephemeralContainer: 'toe-perf-1', phase: 'Succeeded', exitCode: 0 },
      { pod: 'web-b', container: 'app', ephemeralContainer: 'toe-perf-2', phase: 'Running' },
    ],
  },
} as unknown as Live<PowerTool>;

describe('kubectl toe views', () => {
  it('ages and tables as kubectl prints them', () => {
    assert.equal(age('2026-12-07T11:59:30Z', now), '30s');
    assert.equal(age('2026-12-07T11:55:00Z', now), '5m');
    assert.equal(age('2026-12-05T12:00:00Z', now), '2d');
    assert.equal(
      table([
        ['A', 'BB'],
        ['ccc', 'd'],
      ]),
      'A     BB\nccc   d\n',
    );
  });

  it('lists a run with its ended targets out of all and its steady-state verdict', () => {
    assert.deepEqual(powerToolRows([pt], false, now), [
      ['NAME', 'TOOL', 'PHASE', 'TARGETS', 'STEADY-STATE', 'AGE'],
      ['perf-1', 'perf', 'Running', '1/2', 'Breached', '5m'],
    ]);
    assert.equal(powerToolRows([pt], true, now)[1]?.[0], 'shop');
  });

  it('describes the spec, each target and the Events in time order', () => {
    const events = [
      {
        metadata: {},
        involvedObject: {},
        type: 'Normal',
        reason: 'Injected',
        message: 'tool added to web-b',
        eventTime: '2026-12-07T11:56:00Z',
      },
      { metadata: {}, involvedObject: {}, type: 'Normal', reason: 'Selected', message: '2 pods', eventTime: '2026-12-07T11:55:10Z' },
    ] as unknown as CoreV1Event[];
    const text = describePowerTool(pt, events, now);
    assert.match(text, /^Tool: +perf --freq=99$/m);
    assert.match(text, /^Selector: +app=web$/m);
    assert.match(text, /SteadyStateHeld=False Breached: probe web failed 3 times/);
    assert.match(text, /web-a +app +toe-perf-1 +Succeeded +0/);
    assert.ok(text.indexOf('Selected') < text.indexOf('Injected'), 'events oldest first');
  });

  it('finds the reports that cover a run across processings, oldest first', () => {
    const processing = (name: string, reports: object[]) =>
      ({ metadata: { name }, spec: {}, status: { reports } }) as unknown as Live<PowerToolProcessing>;
    const found = reportsOf('perf-1', [
      processing('nightly', [
        { id: 'a', powerTools: ['perf-1', 'perf-2'], generatedAt: '2026-12-07T11:59:00Z', findings: 2, url: 'http://r/a' },
      ]),
      processing('adhoc', [
        { id: 'b', powerTools: ['perf-1'], generatedAt: '2026-12-07T11:58:00Z', findings: 0 },
        { id: 'c', powerTools: ['other'], generatedAt: '2026-12-07T11:57:00Z', findings: 1 },
      ]),
    ]);
    assert.deepEqual(found, [
      { processing: 'adhoc', generatedAt: '2026-12-07T11:58:00Z', findings: 0 },
      { processing: 'nightly', url: 'http://r/a', generatedAt: '2026-12-07T11:59:00Z', findings: 2 },
    ]);
  });
});
