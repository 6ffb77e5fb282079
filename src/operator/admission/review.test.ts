import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { REQUESTED_BY_ANNOTATION, type PowerToolConfig } from '../../api/index.ts';
import { perfConfig } from '../../allowlist/testdata/perf.ts';
import { admitPowerTool } from '../../policy/admit.ts';
import { powerToolSpec } from '../../api/powertool.ts';
import { admissionReviewRequest, type AdmissionRequest, type AdmissionResponse } from './envelope.ts';
import { mutatePowerTool, validatePowerTool, validateScenario, validateSchedule, type ConfigLookup } from './review.ts';

const USER = { username: 'alice@example.com', uid: '5f1c1d2e-7b7a-4d8c-9a43-0c8d8b0f1a11', groups: ['devs', 'system:authenticated'] };

/** A PowerTool as the API server hands it to admission: defaults applied, server-set metadata present. */
function powerToolObject(
  name: string,
  spec: Record<string, unknown>,
  extra: { annotations?: Record<string, string> | null; status?: unknown } = {},
): Record<string, unknown> {
  return {
    apiVersion: 'toe.dev/v1alpha1',
    kind: 'PowerTool',
    metadata: {
      name,
      namespace: 'shop',
      uid: '0b6e0f7c-9a55-4a3e-8f58-2b0c7f1e9d01',
      generation: 1,
      creationTimestamp: '2026-11-02T10:00:00Z',
      managedFields: [
        { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'toe.dev/v1alpha1', fieldsType: 'FieldsV1', fieldsV1: {} },
      ],
      ...(extra.annotations !== undefined ? { annotations: extra.annotations } : {}),
    },
    spec: {
      targets: { selector: { matchLabels: { app: 'web' } }, maxTargets: 10 },
      output: { mode: 'logs' },
      dryRun: false,
      suspend: false,
      ...spec,
    },
    ...(extra.status !== undefined ? { status: extra.status } : {}),
  };
}

const perfSpec = (args: string[], more: Record<string, unknown> = {}) => ({ tool: { name: 'perf', args, duration: '30s' }, ...more });

/** An AdmissionReview exactly as kube-apiserver posts it, parsed through the envelope schema the server uses. */
function review(operation: 'CREATE' | 'UPDATE' | 'DELETE', object: unknown, oldObject: unknown = null): AdmissionRequest {
  const body = {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      kind: { group: 'toe.dev', version: 'v1alpha1', kind: 'PowerTool' },
      resource: { group: 'toe.dev', version: 'v1alpha1', resource: 'powertools' },
      requestKind: { group: 'toe.dev', version: 'v1alpha1', kind: 'PowerTool' },
      requestResource: { group: 'toe.dev', version: 'v1alpha1', resource: 'powertools' },
      name: (object as { metadata?: { name?: string } } | null)?.metadata?.name ?? 'gone',
      namespace: 'shop',
      operation,
      userInfo: USER,
      object: operation === 'DELETE' ? null : object,
      oldObject,
      dryRun: false,
      options: {
        apiVersion: 'meta.k8s.io/v1',
        kind: operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions',
        fieldManager: 'kubectl-client-side-apply',
      },
    },
  };
  return admissionReviewRequest.parse(JSON.parse(JSON.stringify(body))).request;
}

function configObject(status?: PowerToolConfig['status'], generation = 1): PowerToolConfig {
  return {
    apiVersion: 'toe.dev/v1alpha1',
    kind: 'PowerToolConfig',
    metadata: { name: 'perf-config', namespace: 'toe-system', generation } as PowerToolConfig['metadata'],
    spec: perfConfig,
    status,
  };
}

function lookup(...configs: PowerToolConfig[]): ConfigLookup {
  return {
    findConfig: (tool) => configs.find((c) => c.spec.tool.name === tool),
    knownTools: () => configs.map((c) => c.spec.tool.name),
    operatorNamespace: 'toe-system',
  };
}

const ready = (status: 'True' | 'False', reason: string, message: string, observedGeneration = 1) => ({
  conditions: [{ type: 'Ready', status, reason, message, observedGeneration, lastTransitionTime: '2026-11-02T09:00:00Z' }],
});

function decodePatch(response: AdmissionResponse): unknown {
  assert.equal(response.patchType, 'JSONPatch');
  return JSON.parse(Buffer.from(response.patch ?? '', 'base64').toString('utf8'));
}

describe('validatePowerTool', () => {
  const configs = lookup(configObject(ready('True', 'Valid', 'tool perf can be used')));

  it('admits a PowerTool whose args the allowlist accepts, echoing the request uid', () => {
    const response = validatePowerTool(review('CREATE', powerToolObject('ok', perfSpec(['--freq', '49', '-g', 'dwarf']))), configs);
    assert.deepEqual(response, { uid: '705ab4f5-6393-11e8-b7cc-42010a800002', allowed: true });
  });

  it("refuses hostile args with the allowlist's own messages, one cause per argument", () => {
    const args = ['-o/etc/shadow', '--freq=$(id)'];
    const response = validatePowerTool(review('CREATE', powerToolObject('hostile', perfSpec(args))), configs);
    assert.equal(response.allowed, false);
    const expected = admitPowerTool(powerToolSpec.parse({ targets: { selector: {} }, ...perfSpec(args) }), perfConfig);
    assert.equal(expected.ok, false);
    const errors = expected.ok ? [] : expected.errors;
    assert.equal(response.status?.message, `PowerTool "hostile" is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    assert.match(
      response.status?.message ?? '',
      /spec\.tool\.args\[0\]: "-o\/etc\/shadow": "\/etc\/shadow" is not under an allowed directory for --output/,
    );
    assert.match(response.status?.message ?? '', /spec\.tool\.args\[1\]: "--freq=\$\(id\)": "\$\(id\)" is not an integer for --freq/);
    assert.equal(response.status?.code, 422);
    assert.equal(response.status?.reason, 'Invalid');
    assert.deepEqual(
      response.status?.details?.causes.map((c) => c.field),
      ['spec.tool.args[0]', 'spec.tool.args[1]'],
    );
    assert.deepEqual(
      { kind: response.status?.details?.kind, name: response.status?.details?.name },
      { kind: 'PowerTool', name: 'hostile' },
    );
  });

  it("refuses a duration beyond the tool's limit and an output mode it does not support", () => {
    const response = validatePowerTool(
      review('CREATE', powerToolObject('long', { tool: { name: 'perf', args: [], duration: '3h' }, output: { mode: 'collector' } })),
      configs,
    );
    assert.equal(response.allowed, false);
    assert.deepEqual(
      response.status?.details?.causes.map((c) => c.field),
      ['spec.tool.duration', 'spec.output.mode'],
    );
  });

  it('refuses an unknown tool, naming it and the known tools', () => {
    const response = validatePowerTool(review('CREATE', powerToolObject('nope', { tool: { name: 'gdb', args: [] } })), configs);
    assert.equal(response.allowed, false);
    assert.equal(
      response.status?.message,
      'PowerTool "nope" is invalid: spec.tool.name: Not found: "gdb": no PowerToolConfig in namespace toe-system defines this tool; known tools: perf',
    );
    assert.equal(response.status?.details?.causes[0]?.type, 'FieldValueNotFound');
  });

  it('says "none" when no tool is defined at all', () => {
    const response = validatePowerTool(review('CREATE', powerToolObject('nope', { tool: { name: 'perf', args: [] } })), lookup());
    assert.match(response.status?.message ?? '', /known tools: none$/);
  });

  it('refuses a tool whose config is not Ready, naming the reason', () => {
    const broken = lookup(
      configObject(ready('False', 'Invalid', 'spec.securityContext.privileged: privileged tools are not allowed by this operator')),
    );
    const response = validatePowerTool(review('CREATE', powerToolObject('x', perfSpec([]))), broken);
    assert.equal(response.allowed, false);
    assert.equal(
      response.status?.message,
      'PowerTool "x" is invalid: spec.tool.name: Invalid value: "perf": the PowerToolConfig perf-config is not Ready (Invalid): spec.securityContext.privileged: privileged tools are not allowed by this operator',
    );
  });

  it('ignores a Ready=False written for an older generation of the config (the controller has not caught up)', () => {
    const stale = lookup(configObject(ready('False', 'Invalid', 'old problem', 1), 2));
    assert.equal(validatePowerTool(review('CREATE', powerToolObject('x', perfSpec([]))), stale).allowed, true);
  });

  it('refuses a config the schema rejects even if it claims Ready', () => {
    const bad = configObject(ready('True', 'Valid', 'ok'));
    bad.spec = { ...bad.spec, command: [] } as never;
    const response = validatePowerTool(review('CREATE', powerToolObject('x', perfSpec([]))), lookup(bad));
    assert.equal(response.allowed, false);
    assert.match(response.status?.message ?? '', /the PowerToolConfig perf-config is invalid: spec\.command: /);
  });

  it('refuses what the schema refuses, with kubectl-style field paths', () => {
    const response = validatePowerTool(
      review(
        'CREATE',
        powerToolObject('bad', { tool: { name: 'perf', args: [], duration: 'forever' }, targets: { selector: {}, maxTargets: 0 } }),
      ),
      configs,
    );
    assert.equal(response.allowed, false);
    const fields = response.status?.details?.causes.map((c) => c.field).sort();
    assert.deepEqual(fields, ['spec.targets.maxTargets', 'spec.tool.duration']);
  });

  it('lets through what it does not review: other kinds and DELETE', () => {
    const other = {
      ...review('CREATE', powerToolObject('x', { tool: { name: 'gdb' } })),
      kind: { group: 'toe.dev', version: 'v1alpha1', kind: 'PowerToolProcessing' },
    };
    assert.equal(validatePowerTool(other, configs).allowed, true);
    assert.equal(validatePowerTool(review('DELETE', null, powerToolObject('x', { tool: { name: 'gdb' } })), configs).allowed, true);
  });

  describe('on UPDATE', () => {
    const running = {
      phase: 'Running',
      targets: [
        { pod: 'web-1', container: 'app', ephemeralContainer: 'toe-perf-0a1b2c3d', phase: 'Running' },
        { pod: 'web-2', container: 'app', ephemeralContainer: 'toe-perf-4e5f6a7b', phase: 'Running' },
      ],
    };
    const old = powerToolObject('run', perfSpec(['--freq', '49']), { status: running });

    it('refuses spec changes once the run has started, saying which fields may change', () => {
      const next = powerToolObject(
        'run',
        perfSpec(['--freq', '99'], { targets: { selector: { matchLabels: { app: 'api' } }, maxTargets: 10 } }),
        { status: running },
      );
      const response = validatePowerTool(review('UPDATE', next, old), configs);
      assert.equal(response.allowed, false);
      assert.equal(
        response.status?.message,
        'PowerTool "run" is invalid: spec: Forbidden: the run has started on 2 targets; only spec.suspend and spec.ttlSecondsAfterFinished may change (changed: spec.targets.selector, spec.tool.args)',
      );
    });

    it('accepts suspend and ttlSecondsAfterFinished during a run, even when the tool has since vanished', () => {
      const next = powerToolObject('run', perfSpec(['--freq', '49'], { suspend: true, ttlSecondsAfterFinished: 60 }), { status: running });
      assert.equal(validatePowerTool(review('UPDATE', next, old), lookup()).allowed, true);
    });

    it('accepts metadata-only updates (the operator removing its finalizer) whatever the config says', () => {
      const next = structuredClone(old);
      (next.metadata as Record<string, unknown>).finalizers = [];
      assert.equal(validatePowerTool(review('UPDATE', next, old), lookup()).allowed, true);
    });

    it('re-checks the allowlist when a run that has not started changes its args', () => {
      const pending = powerToolObject('run', perfSpec(['--freq', '49']), { status: { phase: 'Pending' } });
      const next = powerToolObject('run', perfSpec(['--freq=$(id)']), { status: { phase: 'Pending' } });
      const response = validatePowerTool(review('UPDATE', next, pending), configs);
      assert.equal(response.allowed, false);
      assert.match(response.status?.message ?? '', /^PowerTool "run" is invalid: spec\.tool\.args\[0\]: "--freq=\$\(id\)"/);
    });
  });
});

describe('validateSchedule', () => {
  const configs = lookup(configObject(ready('True', 'Valid', 'tool perf can be used')));
  const scheduleReview = (name: string, schedule: string, args: string[]): AdmissionRequest => {
    const template = powerToolObject('x', perfSpec(args));
    const object = {
      apiVersion: 'toe.dev/v1alpha1',
      kind: 'PowerToolSchedule',
      metadata: { name, namespace: 'shop' },
      spec: { schedule, template: { spec: template.spec } },
    };
    return { ...review('CREATE', object), kind: { group: 'toe.dev', version: 'v1alpha1', kind: 'PowerToolSchedule' } };
  };

  it('admits a schedule whose cron parses and whose template the allowlist accepts', () => {
    assert.equal(validateSchedule(scheduleReview('nightly', '0 3 * * *', ['--freq', '49']), configs).allowed, true);
  });

  it("refuses a bad cron field and the template's hostile args, naming each field", () => {
    const response = validateSchedule(scheduleReview('nightly', '61 * * * *', ['-o/etc/shadow']), configs);
    assert.equal(response.allowed, false);
    const fields = response.status?.details?.causes.map((c) => c.field);
    assert.deepEqual(fields, ['spec.schedule', 'spec.template.spec.tool.args[0]']);
    assert.match(
      response.status?.message ?? '',
      /^PowerToolSchedule "nightly" is invalid: spec\.schedule: Invalid value: "61 \* \* \* \*": minute: 61 is outside 0-59/,
    );
  });

  it('refuses a name too long to name its runs', () => {
    const response = validateSchedule(scheduleReview('n'.repeat(53), '* * * * *', []), configs);
    assert.deepEqual(
      response.status?.details?.causes.map((c) => c.field),
      ['metadata.name'],
    );
  });

  it('leaves PowerTools to validatePowerTool', () => {
    assert.equal(validateSchedule(review('CREATE', powerToolObject('ok', perfSpec(['-o/etc/shadow']))), configs).allowed, true);
  });
});

describe('validateScenario', () => {
  const configs = lookup(configObject(ready('True', 'Valid', 'tool perf can be used')));
  const scenario = (name: string, steps: unknown[], status?: unknown) => ({
    apiVersion: 'toe.dev/v1alpha1',
    kind: 'PowerToolScenario',
    metadata: { name, namespace: 'shop' },
    spec: { steps },
    ...(status ? { status } : {}),
  });
  const asScenario = (r: AdmissionRequest): AdmissionRequest => ({
    ...r,
    kind: { group: 'toe.dev', version: 'v1alpha1', kind: 'PowerToolScenario' },
  });
  const tools = (args: string[]) => [{ spec: powerToolObject('x', perfSpec(args)).spec }];

  it('admits ordered steps whose PowerTools the allowlist accepts', () => {
    const object = scenario('cpu', [
      { name: 'baseline', baseline: true, powerTools: tools(['--freq', '49']) },
      { name: 'settle', wait: '10s' },
    ]);
    assert.equal(validateScenario(asScenario(review('CREATE', object)), configs).allowed, true);
  });

  it("refuses a step's hostile args and a second baseline, naming each field", () => {
    const object = scenario('cpu', [
      { name: 'a', baseline: true, powerTools: tools([]) },
      { name: 'b', baseline: true, powerTools: tools(['-o/etc/shadow']) },
    ]);
    const response = validateScenario(asScenario(review('CREATE', object)), configs);
    assert.equal(response.allowed, false);
    assert.deepEqual(
      response.status?.details?.causes.map((c) => c.field),
      ['spec.steps[1].baseline', 'spec.steps[1].powerTools[0].spec.tool.args[0]'],
    );
    assert.match(response.status?.message ?? '', /^PowerToolScenario "cpu" is invalid: spec\.steps\[1\]\.baseline: /);
  });

  it('refuses a name too long to name its PowerTools', () => {
    const response = validateScenario(asScenario(review('CREATE', scenario('n'.repeat(41), [{ name: 'a', wait: '1s' }]))), configs);
    assert.deepEqual(
      response.status?.details?.causes.map((c) => c.field),
      ['metadata.name'],
    );
  });

  it('once a step started, refuses a change to the steps and admits spec.suspend', () => {
    const steps = [{ name: 'a', wait: '1m' }];
    const old = scenario('cpu', steps, { steps: [{ name: 'a', phase: 'Running', startedAt: '2026-12-07T12:00:00Z' }] });
    const changed = scenario('cpu', [{ name: 'a', wait: '2m' }]);
    const denied = validateScenario(asScenario(review('UPDATE', changed, old)), configs);
    assert.equal(denied.allowed, false);
    assert.match(denied.status?.message ?? '', /spec\.steps: Forbidden: the scenario has started/);
    const suspended = { ...scenario('cpu', steps), spec: { steps, suspend: true } };
    assert.equal(validateScenario(asScenario(review('UPDATE', suspended, old)), configs).allowed, true);
  });
});

describe('mutatePowerTool', () => {
  const requester = JSON.stringify(USER);

  it('adds the annotations map with the requester when the object has none', () => {
    const response = mutatePowerTool(review('CREATE', powerToolObject('x', perfSpec([]))));
    assert.equal(response.allowed, true);
    assert.deepEqual(decodePatch(response), [
      { op: 'add', path: '/metadata/annotations', value: { [REQUESTED_BY_ANNOTATION]: requester } },
    ]);
    assert.deepEqual(JSON.parse(requester), { username: 'alice@example.com', uid: USER.uid, groups: ['devs', 'system:authenticated'] });
    assert.equal(response.warnings, undefined);
  });

  it('adds the key with "/" escaped as ~1 when other annotations exist, or when annotations is null', () => {
    for (const annotations of [{ team: 'shop' }, null]) {
      const response = mutatePowerTool(review('CREATE', powerToolObject('x', perfSpec([]), { annotations })));
      const expected = annotations
        ? [{ op: 'add', path: '/metadata/annotations/toe.dev~1requested-by', value: requester }]
        : [{ op: 'add', path: '/metadata/annotations', value: { [REQUESTED_BY_ANNOTATION]: requester } }];
      assert.deepEqual(decodePatch(response), expected);
    }
  });

  it('overwrites a requester the user sent at create, and warns', () => {
    const forged = JSON.stringify({ username: 'system:admin' });
    const response = mutatePowerTool(
      review('CREATE', powerToolObject('x', perfSpec([]), { annotations: { [REQUESTED_BY_ANNOTATION]: forged } })),
    );
    assert.deepEqual(decodePatch(response), [{ op: 'add', path: '/metadata/annotations/toe.dev~1requested-by', value: requester }]);
    assert.match(response.warnings?.[0] ?? '', /recorded by admission; the value sent was replaced/);
  });

  it('overwrites even a value identical in meaning but sent by the user under another spelling', () => {
    const spaced = JSON.stringify(USER, null, 1);
    const response = mutatePowerTool(
      review('CREATE', powerToolObject('x', perfSpec([]), { annotations: { [REQUESTED_BY_ANNOTATION]: spaced } })),
    );
    assert.deepEqual(decodePatch(response), [{ op: 'add', path: '/metadata/annotations/toe.dev~1requested-by', value: requester }]);
  });

  describe('on UPDATE', () => {
    const recorded = JSON.stringify({ username: 'bob', groups: ['devs'] });
    const old = powerToolObject('x', perfSpec([]), { annotations: { [REQUESTED_BY_ANNOTATION]: recorded, team: 'shop' } });

    it('leaves an untouched record alone', () => {
      const response = mutatePowerTool(review('UPDATE', structuredClone(old), old));
      assert.deepEqual(response, { uid: '705ab4f5-6393-11e8-b7cc-42010a800002', allowed: true });
    });

    it('restores a changed record', () => {
      const response = mutatePowerTool(
        review('UPDATE', powerToolObject('x', perfSpec([]), { annotations: { [REQUESTED_BY_ANNOTATION]: requester } }), old),
      );
      assert.deepEqual(decodePatch(response), [{ op: 'add', path: '/metadata/annotations/toe.dev~1requested-by', value: recorded }]);
    });

    it('restores a removed record, also when every annotation was removed', () => {
      const withOther = mutatePowerTool(review('UPDATE', powerToolObject('x', perfSpec([]), { annotations: { team: 'shop' } }), old));
      assert.deepEqual(decodePatch(withOther), [{ op: 'add', path: '/metadata/annotations/toe.dev~1requested-by', value: recorded }]);
      const withNone = mutatePowerTool(review('UPDATE', powerToolObject('x', perfSpec([])), old));
      assert.deepEqual(decodePatch(withNone), [
        { op: 'add', path: '/metadata/annotations', value: { [REQUESTED_BY_ANNOTATION]: recorded } },
      ]);
      assert.match(withNone.warnings?.[0] ?? '', /cannot be removed and was restored/);
    });

    it('removes a record a user adds to an object created without one', () => {
      const unrecorded = powerToolObject('x', perfSpec([]));
      const response = mutatePowerTool(
        review('UPDATE', powerToolObject('x', perfSpec([]), { annotations: { [REQUESTED_BY_ANNOTATION]: requester } }), unrecorded),
      );
      assert.deepEqual(decodePatch(response), [{ op: 'remove', path: '/metadata/annotations/toe.dev~1requested-by' }]);
      assert.match(response.warnings?.[0] ?? '', /removed/);
    });
  });

  it('records only what the authenticator gave: no uid or groups when absent', () => {
    const request = review('CREATE', powerToolObject('x', perfSpec([])));
    request.userInfo = { username: 'system:serviceaccount:shop:deployer' };
    assert.deepEqual(decodePatch(mutatePowerTool(request)), [
      {
        op: 'add',
        path: '/metadata/annotations',
        value: { [REQUESTED_BY_ANNOTATION]: '{"username":"system:serviceaccount:shop:deployer"}' },
      },
    ]);
  });
});
