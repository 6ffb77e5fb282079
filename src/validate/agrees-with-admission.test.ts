/**
 * Property: `toe validate` and the admission webhook judge a PowerTool alike. fast-check builds PowerTools the API
 * server's schema accepts (what reaches the webhook) against every shipped powertools/<tool>/config.yaml: args from
 * the tool's parameters with good, bad and hostile values, durations around 0 and the tool's limit, every output
 * mode, with and without a volume. Both must accept, or refuse naming the same fields with the same messages (less
 * the config's source, which each names in its own terms).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { outputModes, powerToolConfig, type PowerToolConfig } from '../api/index.ts';
import { admissionReviewRequest } from '../operator/admission/envelope.ts';
import { validatePowerTool, type ConfigLookup } from '../operator/admission/review.ts';
import { validateSources } from './validate.ts';

const TOOLS = new URL('../../powertools/', import.meta.url);
const configs: PowerToolConfig[] = readdirSync(TOOLS, { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== 'lib')
  .map((e) => powerToolConfig.parse(parse(readFileSync(new URL(`${e.name}/config.yaml`, TOOLS), 'utf8'))));
// One file per tool, as under powertools/: each run reads only its tool's config (reading all seven is most of its time).
const configSource = (tool: string) => ({ file: `configs/${tool}.yaml`, text: stringify(configs.find((c) => c.spec.tool.name === tool)) });

const ready = (c: PowerToolConfig): PowerToolConfig => ({
  ...c,
  metadata: { ...c.metadata, generation: 1 } as PowerToolConfig['metadata'],
  status: {
    conditions: [
      { type: 'Ready', status: 'True', reason: 'Valid', message: 'ok', observedGeneration: 1, lastTransitionTime: '2026-11-02T09:00:00Z' },
    ],
  },
});
const lookup: ConfigLookup = {
  findConfig: (tool) => configs.map(ready).find((c) => c.spec.tool.name === tool),
  knownTools: () => configs.map((c) => c.spec.tool.name),
  operatorNamespace: 'toe-system',
};

const HOSTILE = ['--', '-', '', '$(id)', '/etc/shadow', '../../x', '-o/etc/shadow', '\u202Eevil', '--unknown=1', '999999999999999999999'];

/** One argument for a config: a parameter's flag with a good, bad or missing value, or a stray token. */
function argArb(config: PowerToolConfig): fc.Arbitrary<string> {
  const params = config.spec.parameters;
  const value = (p: (typeof params)[number]) =>
    fc.oneof(
      fc.constantFrom(
        ...[p.default, ...(p.values ?? []), String(p.min ?? 0), String(p.max ?? 1), '0', '-1', 'abc'].filter((v) => v !== undefined),
      ),
      fc.string({ maxLength: 12 }),
      fc.integer({ min: -5, max: 100_000 }).map(String),
      fc.constantFrom('1s', '0s', '90m', '1Gi', '50%', 'SIGTERM', 'KILL', '/data/x'),
    );
  const flagged =
    params.length === 0 ? [] : [fc.constantFrom(...params).chain((p) => value(p).map((v) => (p.flag ? `${p.flag}=${v}` : v)))];
  const bare = params.filter((p) => p.flag).map((p) => fc.constant(p.flag as string));
  return fc.oneof(...flagged, ...bare, fc.constantFrom(...HOSTILE), fc.string({ maxLength: 8 }));
}

const powerToolArb: fc.Arbitrary<Generated> = fc.constantFrom(...configs).chain((config) =>
  fc.record({
    args: fc.array(argArb(config), { maxLength: 5 }),
    duration: fc.option(
      fc.constantFrom('0s', '0ms', '0m0s', '1ms', '1s', '30s', '5m', config.spec.limits.maxDuration, '10m1s', '11m', '1h', '999999h'),
      { nil: undefined },
    ),
    mode: fc.constantFrom(...outputModes),
    volume: fc.boolean(),
    tool: fc.constant(config.spec.tool.name),
  }),
);

interface Generated {
  tool: string;
  args: string[];
  duration: string | undefined;
  mode: (typeof outputModes)[number];
  volume: boolean;
}

function powerToolObject(p: Generated): Record<string, unknown> {
  return {
    apiVersion: 'toe.dev/v1alpha1',
    kind: 'PowerTool',
    metadata: { name: 'generated', namespace: 'shop' },
    spec: {
      targets: { selector: { matchLabels: { app: 'web' } }, maxTargets: 10 },
      tool: { name: p.tool, args: p.args, ...(p.duration !== undefined ? { duration: p.duration } : {}) },
      // The schema's rule: mode pvc names its volume (the API server refuses it before any webhook otherwise).
      output: p.mode === 'pvc' ? { mode: 'pvc', volume: { name: 'out' } } : { mode: p.mode },
      ...(p.volume ? { volume: { name: 'data' } } : {}),
      dryRun: false,
      suspend: false,
    },
  };
}

/** The config's source, named by each side in its own words, is the only part of a message allowed to differ. */
const unsourced = (message: string): string =>
  message.replace(/ \((?:configs\/[a-z0-9-]+\.yaml#0|PowerToolConfig toe-system\/[a-z0-9-]+)\)/g, '');

function byValidate(object: Record<string, unknown>, tool: string): { path: string; message: string }[] {
  const [result] = validateSources([{ file: 'pt.yaml', text: stringify(object) }], [configSource(tool)], 'configs');
  return (result?.errors ?? []).map((e) => ({ path: e.path, message: unsourced(e.message) }));
}

function byAdmission(object: Record<string, unknown>): { path: string; message: string }[] {
  const request = admissionReviewRequest.parse({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      kind: { group: 'toe.dev', version: 'v1alpha1', kind: 'PowerTool' },
      name: 'generated',
      namespace: 'shop',
      operation: 'CREATE',
      userInfo: { username: 'alice' },
      object,
    },
  }).request;
  const response = validatePowerTool(request, lookup);
  return response.allowed ? [] : (response.status?.details?.causes ?? []).map((c) => ({ path: c.field, message: unsourced(c.message) }));
}

const RUNS = 200;

describe('toe validate and admission', () => {
  it('read every shipped config', () => {
    assert.ok(configs.length >= 5, `${configs.length} configs under powertools/`);
  });

  it('accept and refuse the same generated PowerTools, naming the same fields', () => {
    let refused = 0;
    fc.assert(
      fc.property(powerToolArb, (p) => {
        const object = powerToolObject(p);
        const validate = byValidate(object, p.tool);
        assert.deepEqual(validate, byAdmission(object));
        if (validate.length > 0) refused += 1;
      }),
      { numRuns: RUNS },
    );
    // Both halves of the property were exercised, not only one answer.
    assert.ok(refused > 0 && refused < RUNS, `${refused} of ${RUNS} refused`);
  });

  it('both refuse a zero duration, which toe validate once passed', () => {
    const object = powerToolObject({ tool: 'perf', args: [], duration: '0s', mode: 'logs', volume: false });
    const expected = [
      { path: 'spec.tool.duration', message: 'Invalid value: "0s": must be a positive duration such as "30s" or "5m", at most 10m' },
    ];
    assert.deepEqual(byValidate(object, 'perf'), expected);
    assert.deepEqual(byAdmission(object), expected);
  });
});
