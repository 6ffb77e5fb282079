import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Namespace, V1Pod } from '@kubernetes/client-node';
import { powerTool, powerToolConfigSpec, type PowerToolConfigSpec } from '../../api/index.ts';
import { perfConfigInput } from '../../allowlist/testdata/perf.ts';
import { findCappedPod, findConflict, OPT_IN_LABEL, selectTargets, type ActiveRun } from './targets.ts';

const config = (more: Record<string, unknown> = {}): PowerToolConfigSpec => powerToolConfigSpec.parse({ ...perfConfigInput, ...more });
const optedIn: V1Namespace = { metadata: { name: 'shop', labels: { [OPT_IN_LABEL]: 'true' } } };

function pod(name: string, labels: Record<string, string>, more: { phase?: string; running?: boolean; ephemeral?: string[] } = {}): V1Pod {
  return {
    metadata: { name, uid: `uid-${name}`, namespace: 'shop', labels },
    spec: { containers: [{ name: 'app' }, { name: 'sidecar' }], ephemeralContainers: (more.ephemeral ?? []).map((n) => ({ name: n })) },
    status: {
      phase: more.phase ?? 'Running',
      containerStatuses: [
        {
          name: 'app',
          image: 'x',
          imageID: '',
          ready: true,
          restartCount: 0,
          state: more.running === false ? { waiting: {} } : { running: {} },
        },
      ],
    },
  };
}

const pt = (targets: Record<string, unknown>) =>
  powerTool.parse({
    apiVersion: 'toe.dev/v1alpha1',
    kind: 'PowerTool',
    metadata: { name: 'run', namespace: 'shop' },
    spec: { targets: { selector: { matchLabels: { app: 'web' } }, ...targets }, tool: { name: 'perf' } },
  });

const web = [1, 2, 3, 4].map((i) => pod(`web-${i}`, { app: 'web', shard: String(i % 2) }));

describe('selectTargets', () => {
  it('picks the Running matching pods with their first container, sorted by name', () => {
    const pods = [
      pod('web-b', { app: 'web' }),
      pod('web-a', { app: 'web' }),
      pod('db', { app: 'db' }),
      pod('web-c', { app: 'web' }, { phase: 'Pending' }),
    ];
    const selection = selectTargets(pt({}), config(), optedIn, pods);
    assert.deepEqual(selection, {
      ok: true,
      targets: [
        { pod: 'web-a', podUID: 'uid-web-a', container: 'app' },
        { pod: 'web-b', podUID: 'uid-web-b', container: 'app' },
      ],
    });
  });

  it('refuses a namespace that has not opted in, unless the config lists it', () => {
    const closed: V1Namespace = { metadata: { name: 'shop' } };
    const refused = selectTargets(pt({}), config(), closed, web);
    assert.equal(refused.ok ? '' : refused.reason, 'NamespaceNotAllowed');
    assert.equal(selectTargets(pt({}), config({ allowedNamespaces: ['shop'] }), closed, web).ok, true);
  });

  it('refuses more matches than maxTargets rather than truncating', () => {
    const refused = selectTargets(pt({ maxTargets: 3 }), config(), optedIn, web);
    assert.equal(refused.ok ? '' : refused.reason, 'BlastRadiusExceeded');
    assert.match(refused.ok ? '' : refused.message, /4 pods match but spec\.targets\.maxTargets is 3/);
  });

  it('holds the named pods to maxPercent of what the selector alone matches', () => {
    // 2 of 4 is 50%: allowed at 50, refused at 49.
    assert.equal(selectTargets(pt({ pods: ['web-1', 'web-2'], maxPercent: 50 }), config(), optedIn, web).ok, true);
    const refused = selectTargets(pt({ pods: ['web-1', 'web-2'], maxPercent: 49 }), config(), optedIn, web);
    assert.equal(refused.ok ? '' : refused.reason, 'BlastRadiusExceeded');
    assert.match(refused.ok ? '' : refused.message, /2 of 4 matching pods is 50%, above spec\.targets\.maxPercent 49%/);
    const all = selectTargets(pt({ maxPercent: 99 }), config(), optedIn, web);
    assert.equal(all.ok ? '' : all.reason, 'BlastRadiusExceeded');
  });

  it('refuses an empty selector without named pods, and reports no targets when none runs', () => {
    const empty = selectTargets(pt({ selector: {} }), config(), optedIn, web);
    assert.equal(empty.ok ? '' : empty.reason, 'EmptySelector');
    const stopped = selectTargets(pt({}), config(), optedIn, [pod('web-1', { app: 'web' }, { running: false })]);
    assert.equal(stopped.ok ? '' : stopped.reason, 'NoTargets');
    const sidecar = selectTargets(pt({ container: 'sidecar' }), config(), optedIn, web);
    assert.match(sidecar.ok ? '' : sidecar.message, /with a running container "sidecar"/);
  });
});

describe('findCappedPod', () => {
  const targets = [{ pod: 'web-1', podUID: 'uid-web-1', container: 'app' }];
  it("names the pod that already carries maxPerPod of this tool's containers", () => {
    const pods = [pod('web-1', { app: 'web' }, { ephemeral: ['toe-perf-aaaaaaaa', 'toe-perf-bbbbbbbb', 'toe-cpu-cccccccc'] })];
    assert.deepEqual(findCappedPod(config({ maxPerPod: 2 }), targets, pods), { pod: 'web-1', carried: 2 });
    // Other tools' containers do not count against perf's cap.
    assert.equal(findCappedPod(config({ maxPerPod: 3 }), targets, pods), undefined);
  });
});

describe('findConflict', () => {
  const run = (name: string, tool: string, exclusive: boolean, pods: string[], container = 'app'): ActiveRun => ({
    name,
    tool,
    exclusive,
    targets: pods.map((pod) => ({ pod, container })),
  });

  it('conflicts on a shared container with the same tool, or when either run is exclusive', () => {
    assert.deepEqual(findConflict(run('b', 'perf', false, ['web-1', 'web-2']), [run('a', 'perf', false, ['web-2'])]), {
      run: 'a',
      pod: 'web-2',
    });
    assert.deepEqual(findConflict(run('b', 'perf', false, ['web-1']), [run('a', 'signal', true, ['web-1'])]), { run: 'a', pod: 'web-1' });
    assert.deepEqual(findConflict(run('b', 'signal', true, ['web-1']), [run('a', 'perf', false, ['web-1'])]), { run: 'a', pod: 'web-1' });
  });

  it('holds the whole pod for an exclusive tool: two network faults on different containers of one pod conflict', () => {
    const sidecar = run('a', 'network', true, ['web-1'], 'sidecar');
    assert.deepEqual(findConflict(run('b', 'network', true, ['web-1']), [sidecar]), { run: 'a', pod: 'web-1' });
    assert.deepEqual(findConflict(run('b', 'perf', false, ['web-1']), [sidecar]), { run: 'a', pod: 'web-1' });
  });

  it('lets different non-exclusive tools, other containers, other pods and the run itself share', () => {
    assert.equal(findConflict(run('b', 'perf', false, ['web-1']), [run('a', 'strace', false, ['web-1'])]), undefined);
    assert.equal(findConflict(run('b', 'perf', false, ['web-1']), [run('a', 'perf', false, ['web-1'], 'sidecar')]), undefined);
    assert.equal(findConflict(run('b', 'perf', true, ['web-1']), [run('a', 'perf', true, ['web-2'])]), undefined);
    assert.equal(findConflict(run('a', 'perf', true, ['web-1']), [run('a', 'perf', true, ['web-1'])]), undefined);
  });
});
