import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kindSchema } from '../api/crd.ts';
import { kinds, type KindName } from '../api/index.ts';
import { ajvErrors } from './ajv.ts';
import { issueToError } from './schema.ts';
import { validDocuments, withField } from './testdata/documents.ts';

/**
 * ajv (reading the generated CRD schemas) and zod (the source) must agree on what is valid. Left out of the
 * corpus on purpose, because the two readers are not meant to agree there:
 * - metadata: the CRD declares only `type: object`; the API server validates ObjectMeta (names) itself;
 * - apiVersion and kind: the API server routes on them, `toe validate` chooses the schema by them;
 * - CEL rules (x-kubernetes-validations): neither ajv nor the zod schema evaluates them; src/validate/cel.ts
 *   does, and the integration suite proves them at a real API server;
 * - integers beyond 2^53: zod refuses them, the API server stores int64; YAML cannot carry them exactly anyway.
 */

function zodPaths(kind: KindName, doc: unknown): string[] {
  const parsed = kinds[kind].schema.safeParse(doc, { reportInput: true });
  return parsed.success ? [] : [...new Set(parsed.error.issues.map((i) => issueToError(i, kindSchema(kind)).path))].sort();
}

function ajvPaths(kind: KindName, doc: unknown): string[] {
  return [...new Set(ajvErrors(kind, doc).map((e) => e.path))].sort();
}

type Case = [kind: KindName, path: string, value: unknown];

const invalid: Case[] = [
  ['PowerToolConfig', 'spec', undefined],
  ['EmergencyStop', 'spec.reason', undefined],
  ['EmergencyStop', 'spec.reason', ''],
  ['PowerToolConfig', 'spec.tool.kind', 'observer'],
  ['PowerToolConfig', 'spec.tool.name', 'Perf_Tool'],
  ['PowerToolConfig', 'spec.tool.name', undefined],
  ['PowerToolConfig', 'spec.image', ''],
  ['PowerToolConfig', 'spec.command', []],
  ['PowerToolConfig', 'spec.command', '/toe/bin/entrypoint'],
  ['PowerToolConfig', 'spec.imagePullPolicy', 'Sometimes'],
  ['PowerToolConfig', 'spec.parameters', 'all'],
  ['PowerToolConfig', 'spec.parameters.0.type', 'float'],
  ['PowerToolConfig', 'spec.parameters.0.name', undefined],
  ['PowerToolConfig', 'spec.parameters.0.flag', '-freq'],
  ['PowerToolConfig', 'spec.parameters.0.min', 1.5],
  ['PowerToolConfig', 'spec.parameters.0.max', true],
  ['PowerToolConfig', 'spec.parameters.0.max', 'x'.repeat(65)],
  ['PowerToolConfig', 'spec.parameters.4.maxLength', 0],
  ['PowerToolConfig', 'spec.limits.maxArgs', 1000],
  ['PowerToolConfig', 'spec.limits.maxArgs', -1],
  ['PowerToolConfig', 'spec.limits.maxDuration', '1d'],
  ['PowerToolConfig', 'spec.limits.defaultDuration', 30],
  ['PowerToolConfig', 'spec.securityContext.capabilities.add', ['sys_admin']],
  ['PowerToolConfig', 'spec.securityContext.runAsUser', -1],
  ['PowerToolConfig', 'spec.resources.limits.cpu', '1 core'],
  ['PowerToolConfig', 'spec.env.0.name', 'lower'],
  ['PowerToolConfig', 'spec.outputModes', ['nfs']],
  ['PowerToolConfig', 'spec.outputModes', []],
  ['PowerToolConfig', 'spec.volume', 'maybe'],
  ['PowerToolConfig', 'spec.maxPerPod', 0],
  ['PowerToolConfig', 'status.conditions', [{ type: 'Ready', status: 'Maybe', lastTransitionTime: 'now', reason: 'X', message: '' }]],
  ['PowerTool', 'spec.targets', undefined],
  ['PowerTool', 'spec.targets.selector', undefined],
  ['PowerTool', 'spec.targets.maxTargets', 0],
  ['PowerTool', 'spec.targets.maxTargets', 2.5],
  ['PowerTool', 'spec.targets.maxPercent', 101],
  ['PowerTool', 'spec.targets.pods', ['Web_1']],
  ['PowerTool', 'spec.targets.container', 'c'.repeat(64)],
  ['PowerTool', 'spec.targets.selector.matchLabels', { app: 1 }],
  ['PowerTool', 'spec.targets.selector.matchExpressions.0.operator', 'Like'],
  ['PowerTool', 'spec.tool.args', ['--freq', 99]],
  ['PowerTool', 'spec.tool.args', '--freq=99'],
  ['PowerTool', 'spec.tool.duration', '5 minutes'],
  ['PowerTool', 'spec.tool.duration', '-5s'],
  ['PowerTool', 'spec.output.mode', 'nfs'],
  ['PowerTool', 'spec.output.volume', { name: 'data', subPath: '../etc' }],
  ['PowerTool', 'spec.volume', {}],
  ['PowerTool', 'spec.dryRun', 'yes'],
  ['PowerTool', 'spec.ttlSecondsAfterFinished', 31_536_001],
  ['PowerTool', 'status.phase', 'Exploded'],
  ['PowerToolProcessing', 'spec.source', 'perf'],
  ['PowerToolProcessing', 'spec.trigger.schedule.cron', 'every hour'],
  ['PowerToolProcessing', 'spec.report.retention.maxReports', 0],
  ['PowerToolProcessing', 'spec.report.expose.ingress.host', 'Reports!'],
  ['PowerToolProcessing', 'spec.report.expose.ingress.path', 'toe'],
  ['PowerToolProcessing', 'spec.analysis.provider', 'openai'],
  ['PowerToolProcessing', 'spec.analysis.endpoint', 'ftp://ollama'],
  ['PowerToolProcessing', 'spec.analysis.model', undefined],
  ['PowerToolProcessing', 'spec.analysis.retries', 6],
  ['PowerToolProcessing', 'spec.analysis.maxInputTokens', 100],
  ['PowerToolProcessing', 'spec.analysis.timeout', '1y'],
  ['PowerToolSchedule', 'spec.schedule', 'hourly'],
  ['PowerToolSchedule', 'spec.concurrencyPolicy', 'Queue'],
  ['PowerToolSchedule', 'spec.startingDeadlineSeconds', -1],
  ['PowerToolSchedule', 'spec.successfulRunsHistoryLimit', 101],
  ['PowerToolSchedule', 'spec.template.spec.tool.args', '--freq=99'],
  ['PowerToolSchedule', 'spec.template.metadata.labels', { team: 1 }],
  ['PowerToolScenario', 'spec.steps', []],
  ['PowerToolScenario', 'spec.steps.0.name', 'Base_Line'],
  ['PowerToolScenario', 'spec.steps.0.name', 'a-step-name-over-twenty'],
  ['PowerToolScenario', 'spec.steps.1.wait', 'soon'],
  ['PowerToolScenario', 'spec.steps.0.powerTools', []],
  ['PowerToolScenario', 'spec.steps.0.powerTools.0.spec.tool.args', '--freq=99'],
];

const valid: Case[] = [
  ['PowerToolConfig', 'spec.parameters.0.min', '1'],
  ['PowerToolConfig', 'spec.parameters', []],
  ['PowerToolConfig', 'spec.limits', undefined],
  [
    'PowerToolConfig',
    'status.conditions',
    [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'Checked', message: 'ok' }],
  ],
  ['PowerTool', 'spec.tool.args', []],
  ['PowerTool', 'spec.tool.duration', '1h30m'],
  ['PowerTool', 'spec.output', undefined],
  ['PowerTool', 'spec.targets.pods', ['web-0.shard']],
  [
    'PowerTool',
    'status.targets',
    [{ pod: 'web-0', container: 'app', ephemeralContainer: 'toe-perf-0a1b2c3d', phase: 'Running', result: { any: { thing: 1 } } }],
  ],
  // Unknown fields: both readers accept (zod strips them, a CRD prunes them); `toe validate` reports them apart.
  ['PowerTool', 'spec.tool.arg', ['--freq=99']],
  ['PowerToolProcessing', 'spec.trigger', undefined],
  ['PowerToolSchedule', 'spec.template.metadata', undefined],
  ['PowerToolSchedule', 'spec.concurrencyPolicy', undefined],
  ['PowerToolScenario', 'spec.steps.0.baseline', undefined],
  ['PowerToolScenario', 'spec.suspend', true],
];

describe('ajv over the generated CRD schemas', () => {
  it('has at least 30 schema-invalid documents in the agreement corpus', () => {
    assert.ok(invalid.length >= 30, `${invalid.length} cases`);
  });

  it('accepts the valid document of each kind', () => {
    for (const [kind, doc] of Object.entries(validDocuments)) assert.deepEqual(ajvErrors(kind as KindName, doc), [], kind);
  });

  for (const [kind, path, value] of invalid) {
    it(`refuses, as zod does, ${kind} ${path} = ${JSON.stringify(value) ?? '(missing)'}`, () => {
      const doc = withField(validDocuments[kind], path, value);
      const z = zodPaths(kind, doc);
      const a = ajvPaths(kind, doc);
      assert.notDeepEqual(z, [], 'zod accepts it: the case is not schema-invalid');
      assert.deepEqual(a, z, 'ajv and zod name different fields');
    });
  }

  for (const [kind, path, value] of valid) {
    it(`accepts, as zod does, ${kind} ${path} = ${JSON.stringify(value) ?? '(missing)'}`, () => {
      const doc = withField(validDocuments[kind], path, value);
      assert.deepEqual(zodPaths(kind, doc), []);
      assert.deepEqual(ajvPaths(kind, doc), []);
    });
  }

  it('leaves metadata to the API server, which zod checks for toe validate', () => {
    const doc = withField(validDocuments.PowerTool, 'metadata.name', 'Not_A_Name');
    assert.deepEqual(ajvPaths('PowerTool', doc), []);
    assert.deepEqual(zodPaths('PowerTool', doc), ['metadata.name']);
  });

  it('reports a missing field at its own path, kubectl style', () => {
    const doc = withField(validDocuments.PowerTool, 'spec.tool.name', undefined);
    assert.deepEqual(ajvErrors('PowerTool', doc), [{ path: 'spec.tool.name', message: 'Required value' }]);
  });
});
