import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { powerTool, powerToolConfigSpec, type TargetStatus } from '../../api/index.ts';
import { computeStatus } from './status.ts';
import { freeze } from './resolve.ts';
import { advance, selectedTarget, targetSettled } from './target-phase.ts';
import { endedWithoutCleanResult, observeUndo, planUndo, renderUndo, undoContainerName } from './undo.ts';

const spec = powerToolConfigSpec.parse({
  tool: { name: 'network', kind: 'fault' },
  image: 'localhost/toe-network:0.1.0',
  command: ['/toe/bin/entrypoint'],
  parameters: [{ name: 'mode', flag: '--mode', type: 'enum', values: ['bandwidth'] }],
  securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } },
  undo: { args: ['--undo'] },
});
const tool = freeze({ metadata: { name: 'network' } } as never, spec, ['--mode=bandwidth', '--rate=1M']);
const pt = {
  ...powerTool.parse({
    apiVersion: 'toe.dev/v1alpha1',
    kind: 'PowerTool',
    metadata: { name: 'slow', namespace: 'shop' },
    spec: { targets: { selector: { matchLabels: { app: 'web' } } }, tool: { name: 'network' }, output: { mode: 'collector' } },
  }),
  metadata: { name: 'slow', namespace: 'shop', uid: 'run-uid' },
};
const now = new Date('2026-12-07T10:00:00.000Z');
const running: TargetStatus = {
  ...selectedTarget({ pod: 'web-1', podUID: 'u1', container: 'app' }, 'toe-network-1234abcd'),
  phase: 'Running',
};
const killed = advance(running, {
  type: 'ContainerTerminated',
  exitCode: 137,
  finished: false,
  reason: 'Error',
  message: 'exited with code 137',
  finishedAt: '2026-12-07T09:59:59.000Z',
});

function pod(undo?: { terminated?: { exitCode: number; message?: string }; running?: boolean; waiting?: string }, uid = 'u1'): V1Pod {
  const name = undoContainerName('toe-network-1234abcd');
  return {
    metadata: { name: 'web-1', uid },
    spec: {
      containers: [],
      ephemeralContainers: [{ name: 'toe-network-1234abcd' }, ...(undo ? [{ name }] : [])],
    },
    status: {
      ephemeralContainerStatuses: undo
        ? [
            {
              name,
              image: '',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: undo.terminated
                ? { terminated: { ...undo.terminated, reason: 'Completed', startedAt: now, finishedAt: new Date(now.getTime() + 1000) } }
                : undo.running
                  ? { running: { startedAt: now } }
                  : { waiting: { reason: undo.waiting } },
            },
          ]
        : [],
    },
  };
}

describe('undo of a fault whose tool ended abruptly', () => {
  it('names the undo container after the tool container, the same every time and within a DNS label', () => {
    const name = undoContainerName('toe-network-1234abcd');
    assert.match(name, /^toe-undo-[0-9a-f]{8}$/);
    assert.equal(undoContainerName('toe-network-1234abcd'), name);
    assert.notEqual(undoContainerName('toe-network-5678abcd'), name);
  });

  it('undoes a SIGKILLed or OOM-killed tool, an error, but not a refusal, a clean end or a container that never ran', () => {
    assert.equal(endedWithoutCleanResult(killed), true);
    assert.equal(endedWithoutCleanResult({ ...killed, reason: 'OOMKilled' }), true);
    assert.equal(endedWithoutCleanResult({ ...killed, stopRequestedAt: '2026-12-07T09:59:58.000Z', stopReason: 'Suspended' }), true);
    assert.equal(endedWithoutCleanResult({ ...killed, exitCode: 1, result: { exitReason: 'Error' } }), true);
    assert.equal(endedWithoutCleanResult({ ...killed, exitCode: 2, result: { exitReason: 'Error', message: 'refused: x' } }), false);
    assert.equal(endedWithoutCleanResult({ ...killed, phase: 'Succeeded', exitCode: 0 }), false);
    assert.equal(endedWithoutCleanResult({ ...killed, phase: 'Stopped', exitCode: 137 }), false);
    assert.equal(endedWithoutCleanResult({ ...running, phase: 'Failed', reason: 'ErrImageNeverPull' }), false);
    assert.equal(endedWithoutCleanResult({ ...killed, ephemeralContainer: '' }), false);
  });

  it('plans one undo only when the tool has one, and never a second', () => {
    assert.equal(planUndo(killed, { undo: undefined }, now).undo, undefined);
    const planned = planUndo(killed, tool, now);
    assert.deepEqual(
      [planned.phase, planned.undo?.phase, planned.undo?.container, planned.undo?.requestedAt],
      ['Failed', 'Pending', undoContainerName('toe-network-1234abcd'), now.toISOString()],
    );
    const again = planUndo({ ...planned, undo: { ...planned.undo!, phase: 'Succeeded' } }, tool, new Date(now.getTime() + 5000));
    assert.equal(again.undo?.phase, 'Succeeded');
    assert.equal(planUndo(running, tool, now).undo, undefined);
  });

  it('renders the tool container with the undo args, its TOE_ env, logs output and no target container', () => {
    const planned = planUndo(killed, tool, now);
    const c = renderUndo(pt, tool, { ...planned, undo: planned.undo! }, now);
    assert.equal(c.name, planned.undo?.container);
    assert.deepEqual([c.image, c.command, c.args], ['localhost/toe-network:0.1.0', ['/toe/bin/entrypoint'], ['--undo']]);
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    assert.deepEqual([env.TOE_RUN_ID, env.TOE_POD, env.TOE_OUTPUT_MODE], ['run-uid', 'web-1', 'logs']);
    assert.equal(env.TOE_COLLECTOR_TOKEN, undefined);
    assert.equal(c.targetContainerName, undefined);
    assert.deepEqual(c.securityContext?.capabilities?.add, ['NET_ADMIN']);
  });

  it('follows the undo container to its end, and the target settles only then', () => {
    let t = advance(planUndo(killed, tool, now), { type: 'UndoInjected' });
    assert.deepEqual([t.undo?.phase, t.undo?.attempts, targetSettled(t)], ['Injected', 1, false]);
    t = observeUndo(t, pod({ waiting: 'ContainerCreating' }));
    assert.equal(t.undo?.phase, 'Injected');
    t = observeUndo(t, pod({ running: true }));
    assert.deepEqual([t.undo?.phase, t.undo?.startedAt], ['Running', now.toISOString()]);
    const message = JSON.stringify({ exitReason: 'Completed', message: 'removed this run’s rules and qdisc' });
    t = observeUndo(t, pod({ terminated: { exitCode: 0, message } }));
    assert.deepEqual([t.phase, t.undo?.phase, t.undo?.reason, t.undo?.exitCode], ['Failed', 'Succeeded', 'FaultUndone', 0]);
    assert.match(String(t.undo?.message), /removed this run/);
    assert.equal(targetSettled(t), true);
    // Ended: a late observation cannot rewrite it.
    assert.equal(observeUndo(t, pod({ running: true })).undo?.phase, 'Succeeded');
  });

  it('records a failed undo, an undo that cannot start, and a pod that went first', () => {
    const injected = advance(planUndo(killed, tool, now), { type: 'UndoInjected' });
    const failed = observeUndo(injected, pod({ terminated: { exitCode: 1 } }));
    assert.deepEqual([failed.undo?.phase, failed.undo?.reason], ['Failed', 'UndoFailed']);
    assert.deepEqual(observeUndo(injected, pod({ waiting: 'ErrImageNeverPull' })).undo?.phase, 'Failed');
    assert.deepEqual(observeUndo(injected, undefined).undo?.phase, 'Gone');
    assert.deepEqual(observeUndo(injected, pod({ running: true }, 'u2')).undo?.phase, 'Gone');
  });

  it('retries a failed injection up to the last attempt', () => {
    const planned = planUndo(killed, tool, now);
    const retry = advance(planned, { type: 'UndoInjectFailed', message: 'boom', final: false });
    assert.deepEqual([retry.undo?.phase, retry.undo?.attempts, retry.undo?.reason], ['Pending', 1, 'InjectionRetrying']);
    const final = advance(retry, { type: 'UndoInjectFailed', message: 'boom', final: true });
    assert.deepEqual([final.undo?.phase, final.undo?.attempts, targetSettled(final)], ['Failed', 2, true]);
  });

  it('keeps the run open while an undo runs, then ends it Failed, never Succeeded, naming the undo', () => {
    const base = { prev: undefined, generation: 1, now, dryRun: false, suspended: false };
    const undoingTarget = advance(planUndo(killed, tool, now), { type: 'UndoInjected' });
    const during = computeStatus({ ...base, targets: [undoingTarget] });
    assert.equal(during.finishedAt, undefined);
    assert.equal(during.phase, 'Running');
    assert.match(String(during.conditions?.find((c) => c.type === 'Completed')?.message), /undoing the fault of 1 tool/);
    const undone = observeUndo(undoingTarget, pod({ terminated: { exitCode: 0 } }));
    const after = computeStatus({ ...base, targets: [undone] });
    assert.equal(after.phase, 'Failed');
    assert.ok(after.finishedAt);
    assert.match(String(after.conditions?.find((c) => c.type === 'Completed')?.message), /undo toe-undo-[0-9a-f]{8}: Succeeded/);
  });
});
