import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatJson, formatText, summary } from './report.ts';
import type { DocumentResult } from './validate.ts';

const results: DocumentResult[] = [
  { file: 'a.yaml', document: 0, kind: 'PowerTool', name: 'x', errors: [] },
  {
    file: 'a.yaml',
    document: 1,
    kind: 'PowerTool',
    name: 'y',
    errors: [
      { path: 'spec.tool.args[1]', message: 'unknown flag --x', line: 12 },
      { path: '', message: 'YAML syntax error at line 3: bad' },
    ],
  },
  { file: 'gone.yaml', document: null, kind: null, name: null, errors: [{ path: '', message: 'cannot read: ENOENT' }] },
];

describe('formatText', () => {
  it('prints one kubectl-style line per problem, then the summary', () => {
    assert.equal(
      formatText(results),
      [
        'a.yaml#1 spec.tool.args[1]: unknown flag --x (line 12)',
        'a.yaml#1: YAML syntax error at line 3: bad',
        'gone.yaml: cannot read: ENOENT',
        '1 document valid, 1 invalid, 1 input unreadable or empty (2 files)',
        '',
      ].join('\n'),
    );
  });
  it('prints only the summary when everything is valid', () => {
    assert.equal(formatText([results[0] as DocumentResult]), '1 document valid, 0 invalid (1 file)\n');
  });
});

describe('summary', () => {
  it('counts documents and files', () => {
    const many = Array.from({ length: 3 }, (_, i) => ({ file: `f${i % 2}.yaml`, document: i, kind: null, name: null, errors: [] }));
    assert.equal(summary(many), '3 documents valid, 0 invalid (2 files)');
  });
});

describe('formatJson', () => {
  it('prints an array of {file, document, kind, name, valid, errors}', () => {
    const parsed = JSON.parse(formatJson(results)) as unknown[];
    assert.deepEqual(parsed, [
      { file: 'a.yaml', document: 0, kind: 'PowerTool', name: 'x', valid: true, errors: [] },
      {
        file: 'a.yaml',
        document: 1,
        kind: 'PowerTool',
        name: 'y',
        valid: false,
        errors: [
          { path: 'spec.tool.args[1]', message: 'unknown flag --x', line: 12 },
          { path: '', message: 'YAML syntax error at line 3: bad' },
        ],
      },
      { file: 'gone.yaml', document: null, kind: null, name: null, valid: false, errors: [{ path: '', message: 'cannot read: ENOENT' }] },
    ]);
  });
});
