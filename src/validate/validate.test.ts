import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { validateSources } from './validate.ts';
import { validConfig, validPowerTool, validProcessing, validScenario, validSchedule, withField } from './testdata/documents.ts';

const yaml = (...docs: unknown[]): string => docs.map((d) => stringify(d)).join('---\n');
const errors = (results: ReturnType<typeof validateSources>) =>
  results.flatMap((r) => r.errors.map((e) => `${r.file}#${r.document} ${e.path}: ${e.message}`));

describe('validateSources', () => {
  it('passes a multi-document file whose PowerTool has its config beside it', () => {
    const results = validateSources([{ file: 'all.yaml', text: yaml(validConfig, validPowerTool, validProcessing) }]);
    assert.deepEqual(errors(results), []);
    assert.deepEqual(
      results.map((r) => [r.document, r.kind, r.name]),
      [
        [0, 'PowerToolConfig', 'perf'],
        [1, 'PowerTool', 'perf-web'],
        [2, 'PowerToolProcessing', 'web-reports'],
      ],
    );
  });

  it("checks a schedule's cron and its template against the tool's config, at the template's field paths", () => {
    assert.deepEqual(errors(validateSources([{ file: 's.yaml', text: yaml(validConfig, validSchedule) }])), []);
    const bad = withField(withField(validSchedule, 'spec.schedule', '0 25 * * *'), 'spec.template.spec.tool.duration', '2h');
    const found = errors(validateSources([{ file: 's.yaml', text: yaml(validConfig, bad) }]));
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(found[0] ?? '', /^s\.yaml#1 spec\.schedule: Invalid value: "0 25 \* \* \*": hour: 25 is outside 0-23$/);
    assert.match(found[1] ?? '', /^s\.yaml#1 spec\.template\.spec\.tool\.duration: Invalid value: "2h": must be at most /);
  });

  it("checks a scenario's baseline and each step's PowerTools against their tools' configs, at the steps' field paths", () => {
    assert.deepEqual(errors(validateSources([{ file: 'sc.yaml', text: yaml(validConfig, validScenario) }])), []);
    const bad = withField(withField(validScenario, 'spec.steps.2.baseline', true), 'spec.steps.2.powerTools.0.spec.tool.duration', '2h');
    const found = errors(validateSources([{ file: 'sc.yaml', text: yaml(validConfig, bad) }]));
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(found[0] ?? '', /^sc\.yaml#1 spec\.steps\[2\]\.baseline: Invalid value: true: only one step may be the baseline/);
    assert.match(
      found[1] ?? '',
      /^sc\.yaml#1 spec\.steps\[2\]\.powerTools\[0\]\.spec\.tool\.duration: Invalid value: "2h": must be at most /,
    );
  });

  it('refuses a step with both powerTools and a wait, by the CRD rule the API server runs', () => {
    const bad = withField(validScenario, 'spec.steps.0.wait', '1m');
    const found = errors(validateSources([{ file: 'sc.yaml', text: yaml(validConfig, bad) }]));
    assert.deepEqual(found, ['sc.yaml#1 spec.steps[0]: Invalid value: "object": a step sets exactly one of powerTools and wait']);
  });

  it('finds the config in another input file or in the config sources', () => {
    assert.deepEqual(
      errors(
        validateSources([
          { file: 'pt.yaml', text: yaml(validPowerTool) },
          { file: 'c.yaml', text: yaml(validConfig) },
        ]),
      ),
      [],
    );
    assert.deepEqual(
      errors(validateSources([{ file: 'pt.yaml', text: yaml(validPowerTool) }], [{ file: 'dir/c.yaml', text: yaml(validConfig) }], 'dir')),
      [],
    );
  });

  it('reports a PowerTool without a config, naming where it looked', () => {
    assert.deepEqual(errors(validateSources([{ file: 'pt.yaml', text: yaml(validPowerTool) }], [], 'powertools')), [
      'pt.yaml#0 spec.tool.name: Not found: "perf": no PowerToolConfig for this tool in the input files or under powertools',
    ]);
  });

  it('checks the args against the allowlist and gives the line of the argument', () => {
    const bad = withField(validPowerTool, 'spec.tool.args', ['--freq=99', '--freq=100']);
    const [result] = validateSources([
      { file: 'pt.yaml', text: yaml(bad) },
      { file: 'c.yaml', text: yaml(validConfig) },
    ]);
    assert.equal(result?.errors.length, 1);
    assert.equal(result?.errors[0]?.path, 'spec.tool.args[1]');
    const line =
      yaml(bad)
        .split('\n')
        .findIndex((l) => l.includes('--freq=100')) + 1;
    assert.equal(result?.errors[0]?.line, line);
  });

  it("checks a config's allowlist itself", () => {
    const bad = withField(validConfig, 'spec.parameters.0.default', '100000');
    const [result] = validateSources([{ file: 'c.yaml', text: yaml(bad) }]);
    assert.ok(
      result?.errors.some((e) => e.path.startsWith('spec.parameters[0]')),
      JSON.stringify(result?.errors),
    );
  });

  it('judges no PowerTool against an invalid config', () => {
    const results = validateSources([{ file: 'all.yaml', text: yaml(withField(validConfig, 'spec.image', undefined), validPowerTool) }]);
    assert.match(errors(results)[1] ?? '', /all\.yaml#1 spec\.tool\.name: .*all\.yaml#0\) is itself invalid/);
  });

  it('refuses a second, different config for the same tool in the input', () => {
    const other = withField(validConfig, 'spec.image', 'localhost/other:1');
    assert.deepEqual(errors(validateSources([{ file: 'a.yaml', text: yaml(validConfig, validConfig, other) }])), [
      'a.yaml#2 spec.tool.name: Duplicate value: "perf": a.yaml#0 already defines this tool differently',
    ]);
  });

  it('reports unreadable and empty inputs, unknown kinds and YAML errors, and carries on', () => {
    const results = validateSources([
      { file: 'gone.yaml', error: 'cannot read: ENOENT' },
      { file: 'empty.yaml', text: '# nothing\n' },
      { file: 'mixed.yaml', text: 'apiVersion: v1\nkind: Pod\n---\na: [\n---\n' + yaml(validConfig) },
    ]);
    assert.deepEqual(
      results.map((r) => [r.file, r.document, r.errors.length]),
      [
        ['gone.yaml', null, 1],
        ['empty.yaml', null, 1],
        ['mixed.yaml', 0, 1],
        ['mixed.yaml', 1, 1],
        ['mixed.yaml', 2, 0],
      ],
    );
    assert.equal(results[1]?.errors[0]?.message, 'no YAML document in the file');
  });

  it('reports a config folder that cannot be read', () => {
    const results = validateSources(
      [{ file: 'c.yaml', text: yaml(validConfig) }],
      [{ file: 'nowhere', error: 'cannot read: ENOENT' }],
      'nowhere',
    );
    assert.deepEqual(errors(results), ['nowhere#null : cannot read: ENOENT']);
  });
});
