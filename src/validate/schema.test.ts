import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kindOf, schemaErrors } from './schema.ts';
import { validConfig, validPowerTool, validProcessing, withField } from './testdata/documents.ts';

const errorsOf = (doc: unknown, kind: 'PowerTool' | 'PowerToolConfig' | 'PowerToolProcessing' = 'PowerTool') =>
  schemaErrors(kind, doc).errors;

describe('kindOf', () => {
  it('chooses the kind by apiVersion and kind', () => {
    assert.deepEqual(kindOf(validPowerTool), { kind: 'PowerTool' });
    assert.deepEqual(kindOf(validConfig), { kind: 'PowerToolConfig' });
  });
  it('names the kinds it knows when the document is something else', () => {
    const pod = kindOf({ apiVersion: 'v1', kind: 'Pod' });
    assert.ok('error' in pod);
    assert.equal(pod.error.path, 'apiVersion');
    assert.match(
      pod.error.message,
      /Unsupported value: "v1": toe validate checks toe.dev\/v1alpha1 PowerToolConfig, PowerTool, PowerToolProcessing, EmergencyStop/,
    );
    const other = kindOf({ apiVersion: 'toe.dev/v1alpha1', kind: 'PowerTul' });
    assert.ok('error' in other);
    assert.equal(
      other.error.message,
      'Unsupported value: "PowerTul": supported values: "PowerToolConfig", "PowerTool", "PowerToolProcessing", "EmergencyStop", "PowerToolSchedule", "PowerToolScenario"',
    );
  });
  it('refuses documents that are not mappings or lack apiVersion or kind', () => {
    for (const [value, path] of [
      [[1], ''],
      ['text', ''],
      [{ kind: 'PowerTool' }, 'apiVersion'],
      [{ apiVersion: 'toe.dev/v1alpha1' }, 'kind'],
    ] as const) {
      const result = kindOf(value);
      assert.ok('error' in result);
      assert.equal(result.error.path, path);
    }
  });
});

describe('schemaErrors', () => {
  it('returns the object with its defaults when the document is valid', () => {
    const { errors, object } = schemaErrors('PowerTool', withField(validPowerTool, 'spec.output', undefined));
    assert.deepEqual(errors, []);
    assert.deepEqual((object as typeof validPowerTool).spec.output, { mode: 'logs' });
  });

  it('words problems as kubectl does, one per field', () => {
    const cases: [unknown, string, string][] = [
      [withField(validPowerTool, 'spec.tool.name', undefined), 'spec.tool.name', 'Required value'],
      [
        withField(validPowerTool, 'spec.output.mode', 'nfs'),
        'spec.output.mode',
        'Unsupported value: "nfs": supported values: "logs", "pvc", "collector"',
      ],
      [
        withField(validPowerTool, 'spec.tool.duration', '5 min'),
        'spec.tool.duration',
        'Invalid value: "5 min": must be a Go-style duration such as "30s", "5m" or "1h30m"',
      ],
      [
        withField(validPowerTool, 'spec.targets.maxTargets', 0),
        'spec.targets.maxTargets',
        'Invalid value: 0: must be greater than or equal to 1',
      ],
      [
        withField(validPowerTool, 'spec.targets.maxPercent', 101),
        'spec.targets.maxPercent',
        'Invalid value: 101: must be less than or equal to 100',
      ],
      [withField(validPowerTool, 'spec.tool.args', ['--a', 7]), 'spec.tool.args[1]', 'Invalid value: 7: must be a string'],
      [withField(validPowerTool, 'spec.dryRun', 'yes'), 'spec.dryRun', 'Invalid value: "yes": must be true or false'],
      [
        withField(validPowerTool, 'spec.targets.container', 'App'),
        'spec.targets.container',
        'Invalid value: "App": must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit',
      ],
      [
        withField(validPowerTool, 'spec.targets.selector.matchLabels', { 'app.kubernetes.io/name': 3 }),
        'spec.targets.selector.matchLabels[app.kubernetes.io/name]',
        'Invalid value: 3: must be a string',
      ],
      [
        withField(validPowerTool, 'metadata.name', 'Web_1'),
        'metadata.name',
        'Invalid value: "Web_1": must be a DNS-1123 subdomain: lower-case letters, digits, "-" and "."',
      ],
      [
        withField(validConfig, 'spec.parameters.0.min', 1.5),
        'spec.parameters[0].min',
        'Invalid value: 1.5: must be an integer or a string',
      ],
      [withField(validConfig, 'spec.command', []), 'spec.command', 'Invalid value: 0 items: must have at least 1'],
      [
        withField(validConfig, 'spec.image', 'i'.repeat(600)),
        'spec.image',
        `Too long: "${'i'.repeat(80)}…": may not be more than 512 characters`,
      ],
    ];
    for (const [doc, path, message] of cases) {
      const kind = (doc as { kind: 'PowerTool' | 'PowerToolConfig' }).kind;
      assert.deepEqual(errorsOf(doc, kind), [{ path, message }], path);
    }
  });

  it('names unknown fields, which the API server would prune or refuse', () => {
    assert.deepEqual(errorsOf(withField(validPowerTool, 'spec.tool.arg', ['--freq=99'])), [
      { path: 'spec.tool.arg', message: 'Unknown field: allowed here: name, args, duration' },
    ]);
  });

  it('evaluates the CEL rules on the defaulted object', () => {
    assert.deepEqual(errorsOf(withField(validPowerTool, 'spec.output', { mode: 'pvc' })), [
      { path: 'spec.output', message: 'Invalid value: "object": output mode pvc needs output.volume' },
    ]);
    assert.deepEqual(errorsOf(withField(validProcessing, 'spec.source', {}), 'PowerToolProcessing'), [
      { path: 'spec.source', message: 'Invalid value: "object": source needs powerTool, selector or tool' },
    ]);
    const twoParams = withField(validConfig, 'spec.parameters', [{ name: 'a', type: 'enum' }]);
    assert.deepEqual(errorsOf(twoParams, 'PowerToolConfig'), [
      { path: 'spec.parameters[0]', message: 'Invalid value: "object": an enum parameter needs values' },
    ]);
  });

  it('escapes control and bidi characters in the values it quotes', () => {
    const [error] = errorsOf(withField(validPowerTool, 'spec.output.mode', 'logs\u202E\u001b[2J'));
    assert.equal(error?.message.startsWith('Unsupported value: "logs\\u202E\\u001B[2J"'), true, error?.message);
  });
});
