import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { powerTool, powerToolConfigSpec } from '../../api/index.ts';
import { perfConfigInput } from '../../allowlist/testdata/perf.ts';
import { ephemeralName, OUTPUT_MOUNT_PATH, redactContainer, renderContainer, VOLUME_MOUNT_PATH } from './render.ts';
import { freeze } from './resolve.ts';

const config = powerToolConfigSpec.parse({
  ...perfConfigInput,
  env: [
    { name: 'PERF_PAGER', value: 'cat' },
    { name: 'TOE_POD', value: 'forged' },
  ],
  resources: { limits: { cpu: '500m', memory: '128Mi' } },
  securityContext: { capabilities: { add: ['PERFMON'], drop: ['ALL'] } },
  volume: 'optional',
});
const pt = {
  ...powerTool.parse({
    apiVersion: 'toe.dev/v1alpha1',
    kind: 'PowerTool',
    metadata: { name: 'run', namespace: 'shop' },
    spec: {
      targets: { selector: { matchLabels: { app: 'web' } } },
      tool: { name: 'perf' },
      output: { mode: 'collector' },
      volume: { name: 'data' },
    },
  }),
  metadata: { name: 'run', namespace: 'shop', uid: 'run-uid' },
};
const target = { pod: 'web-1', podUID: 'pod-uid', container: 'app' };
const render = () =>
  renderContainer({
    pt,
    tool: freeze({ apiVersion: 'toe.dev/v1alpha1', kind: 'PowerToolConfig', metadata: { name: 'perf' }, spec: config }, config, [
      'record',
      '--freq=99',
    ]),
    target,
    durationMs: 29_500,
    deadline: new Date('2026-11-02T10:00:30.000Z'),
    collector: { url: 'http://collector:8080', token: 'secret' },
  });
const env = (name: string) => render().env?.find((e) => e.name === name)?.value;

describe('renderContainer', () => {
  it('names the container from the run and pod UIDs, the same every time', () => {
    assert.equal(render().name, ephemeralName('perf', 'run-uid', 'pod-uid'));
    assert.notEqual(ephemeralName('perf', 'run-uid', 'pod-uid'), ephemeralName('perf', 'run-uid', 'other'));
    assert.ok(ephemeralName('a'.repeat(80), 'r', 'p').length <= 63);
  });

  it("runs the config's image and command with the admitted argv, against the target container", () => {
    const c = render();
    assert.deepEqual(
      [c.image, c.command, c.args, c.targetContainerName],
      ['localhost/toe-perf:0.1.0', ['/toe/bin/entrypoint'], ['record', '--freq=99'], 'app'],
    );
    assert.deepEqual(c.securityContext, { capabilities: { add: ['PERFMON'], drop: ['ALL'] } });
    assert.equal(c.resources, undefined);
  });

  it('passes the budget, deadline and collector as TOE_ variables the config cannot forge', () => {
    assert.deepEqual(
      [env('TOE_POD'), env('PERF_PAGER'), env('TOE_DURATION_SECONDS'), env('TOE_DEADLINE'), env('TOE_CPU_LIMIT'), env('TOE_MEMORY_LIMIT')],
      ['web-1', 'cat', '30', '2026-11-02T10:00:30.000Z', '500m', '128Mi'],
    );
    assert.equal(render().env?.filter((e) => e.name === 'TOE_POD').length, 1);
    assert.equal(env('TOE_COLLECTOR_TOKEN'), 'secret');
  });

  it('mounts the named volume at a fixed path', () => {
    assert.deepEqual(render().volumeMounts, [{ name: 'data', mountPath: VOLUME_MOUNT_PATH }]);
    assert.equal(env('TOE_VOLUME_PATH'), VOLUME_MOUNT_PATH);
  });

  it('mounts a pvc output volume whole and passes its subPath as TOE_OUTPUT_SUBPATH (ephemeral mounts cannot have one)', () => {
    const output = { mode: 'pvc' as const, volume: { name: 'scratch', subPath: 'toe/runs' } };
    const c = renderContainer({
      pt: { ...pt, spec: { ...pt.spec, output, volume: undefined } },
      tool: freeze({ apiVersion: 'toe.dev/v1alpha1', kind: 'PowerToolConfig', metadata: { name: 'perf' }, spec: config }, config, []),
      target,
      durationMs: 1_000,
      deadline: new Date('2026-11-02T10:00:30.000Z'),
    });
    assert.deepEqual(c.volumeMounts, [{ name: 'scratch', mountPath: OUTPUT_MOUNT_PATH }]);
    const vars = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    assert.deepEqual([vars.TOE_OUTPUT_DIR, vars.TOE_OUTPUT_SUBPATH], [OUTPUT_MOUNT_PATH, 'toe/runs']);
  });

  it('masks the collector token for status.rendered', () => {
    assert.equal(redactContainer(render()).env?.find((e) => e.name === 'TOE_COLLECTOR_TOKEN')?.value, '[redacted]');
  });
});
