import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { REQUESTED_BY_ANNOTATION, type PowerTool, type TargetStatus } from '../../api/index.ts';
import { admissionReviewRequest } from '../admission/envelope.ts';
import { mutatePowerTool, validatePowerTool, type ConfigLookup } from '../admission/review.ts';
import { activeStop, describeStop, refusalMessage, requesterOf, type LiveEmergencyStop } from './active.ts';
import { emergencyStopStatus } from './status.ts';

const ALICE = JSON.stringify({ username: 'alice@example.com', groups: ['sre'] });

function stop(name: string, created: string, extra: Partial<LiveEmergencyStop['metadata']> = {}): LiveEmergencyStop {
  return {
    apiVersion: 'toe.dev/v1alpha1',
    kind: 'EmergencyStop',
    metadata: { name, creationTimestamp: created, generation: 1, annotations: { [REQUESTED_BY_ANNOTATION]: ALICE }, ...extra },
    spec: { reason: 'checkout errors' },
  };
}

const target = (pod: string, phase: TargetStatus['phase'], more: Partial<TargetStatus> = {}): TargetStatus => ({
  pod,
  container: 'app',
  ephemeralContainer: `toe-cpu-${pod}`,
  phase,
  ...more,
});

const run = (name: string, targets: TargetStatus[], conditions: NonNullable<PowerTool['status']>['conditions'] = []): PowerTool =>
  ({
    apiVersion: 'toe.dev/v1alpha1',
    kind: 'PowerTool',
    metadata: { name, namespace: 'shop' },
    spec: { targets: { selector: {} }, tool: { name: 'cpu' } },
    status: { targets, conditions },
  }) as unknown as PowerTool;

describe('activeStop', () => {
  it('is the oldest stop not being deleted, or none', () => {
    const a = stop('later', '2026-12-07T13:05:00Z');
    const b = stop('first', '2026-12-07T13:00:00Z');
    const going = stop('going', '2026-12-07T12:00:00Z', { deletionTimestamp: '2026-12-07T13:10:00Z' });
    assert.equal(activeStop([a, b, going])?.metadata.name, 'first');
    assert.equal(activeStop([going]), undefined);
    assert.equal(activeStop([]), undefined);
  });

  it('names the stop, who pulled it, when, why, and how to clear it', () => {
    const message = refusalMessage(stop('incident-42', '2026-12-07T13:00:00Z'));
    assert.match(message, /EmergencyStop "incident-42" \(pulled by alice@example.com at 2026-12-07T13:00:00Z: "checkout errors"\)/);
    assert.match(message, /toe stop --clear/);
    assert.match(message, /kubectl delete emergencystop incident-42/);
  });

  it('does not trust an annotation that is not what admission writes', () => {
    assert.equal(requesterOf(stop('x', '', { annotations: { [REQUESTED_BY_ANNOTATION]: 'alice' } })), undefined);
    assert.match(describeStop(stop('x', '', { annotations: {} })), /pulled by an unrecorded user/);
  });
});

describe('emergencyStopStatus', () => {
  const now = new Date('2026-12-07T13:00:10Z');
  const s = stop('incident-42', '2026-12-07T13:00:00Z');

  it('lists the runs it stopped, counts tools still running, and leaves out runs an earlier stop reached', () => {
    const status = emergencyStopStatus(
      s,
      [
        run('b', [target('b-1', 'Running', { stopReason: 'EmergencyStop', stopRequestedAt: '2026-12-07T13:00:02Z' })]),
        run('a', [target('a-1', 'Stopped', { stopReason: 'EmergencyStop', stopRequestedAt: '2026-12-07T13:00:00.500Z' })]),
        run('old', [target('o-1', 'Stopped', { stopReason: 'EmergencyStop', stopRequestedAt: '2026-12-06T10:00:00Z' })]),
        run('other', [target('x-1', 'Succeeded')]),
      ],
      now,
    );
    assert.deepEqual(status.stopped, [
      { namespace: 'shop', name: 'a', stoppedAt: '2026-12-07T13:00:00.500Z', running: 0 },
      { namespace: 'shop', name: 'b', stoppedAt: '2026-12-07T13:00:02Z', running: 1 },
    ]);
    assert.equal(status.stoppedCount, 2);
    assert.equal(status.runningCount, 1);
    assert.deepEqual(status.activatedBy, { username: 'alice@example.com', groups: ['sre'] });
    assert.equal(status.activatedAt, '2026-12-07T13:00:00Z');
    assert.equal(status.conditions?.[0]?.reason, 'Stopping');
  });

  it('says AllStopped once no tool runs, and counts runs it refused', () => {
    const refused = {
      type: 'EmergencyStopped',
      status: 'True' as const,
      reason: 'NotStarted',
      message: '',
      lastTransitionTime: '2026-12-07T13:00:05Z',
    };
    const status = emergencyStopStatus(s, [run('late', [], [refused])], now);
    assert.equal(status.runningCount, 0);
    assert.equal(status.refusedCount, 1);
    assert.equal(status.conditions?.[0]?.reason, 'AllStopped');
  });
});

describe('admission during an emergency stop', () => {
  const s = stop('incident-42', '2026-12-07T13:00:00Z');
  const configs: ConfigLookup = {
    findConfig: () => undefined,
    knownTools: () => [],
    operatorNamespace: 'toe-system',
    emergencyStop: () => s,
  };
  const request = (operation: 'CREATE' | 'UPDATE', kind: string, object: unknown) =>
    admissionReviewRequest.parse({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'u1',
        kind: { group: 'toe.dev', version: 'v1alpha1', kind },
        name: 'x',
        operation,
        userInfo: { username: 'bob' },
        object,
        oldObject: operation === 'UPDATE' ? object : undefined,
      },
    }).request;
  const pt = (dryRun: boolean) => ({
    apiVersion: 'toe.dev/v1alpha1',
    kind: 'PowerTool',
    metadata: { name: 'x' },
    spec: { dryRun, tool: { name: 'cpu' } },
  });

  it('refuses a new PowerTool, naming the stop, who pulled it and how to clear it', () => {
    const response = validatePowerTool(request('CREATE', 'PowerTool', pt(false)), configs);
    assert.equal(response.allowed, false);
    assert.match(response.status?.message ?? '', /Forbidden: EmergencyStop "incident-42" \(pulled by alice@example.com/);
    assert.match(response.status?.message ?? '', /toe stop --clear/);
  });

  it('lets dry runs and updates through, so runs can still be suspended and deleted', () => {
    assert.doesNotMatch(validatePowerTool(request('CREATE', 'PowerTool', pt(true)), configs).status?.message ?? '', /EmergencyStop/);
    assert.equal(validatePowerTool(request('UPDATE', 'PowerTool', pt(false)), configs).allowed, true);
  });

  it('records who pulled a stop in the requested-by annotation, whatever the user sent', () => {
    const forged = {
      apiVersion: 'toe.dev/v1alpha1',
      kind: 'EmergencyStop',
      metadata: { name: 'x', annotations: { [REQUESTED_BY_ANNOTATION]: ALICE } },
    };
    const response = mutatePowerTool(request('CREATE', 'EmergencyStop', forged));
    const patch = JSON.parse(Buffer.from(response.patch ?? '', 'base64').toString('utf8')) as { value: string }[];
    assert.deepEqual(JSON.parse(patch[0]?.value ?? '{}'), { username: 'bob' });
    assert.ok(response.warnings?.[0]?.includes('recorded by admission'));
  });
});
