import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathSegments, readSources, splitDocuments, STDIN, STDIN_NAME } from './documents.ts';

describe('splitDocuments', () => {
  const text = [
    '# a comment',
    '---',
    'kind: A',
    'spec:',
    '  args:',
    '    - one',
    '    - two',
    '  labels:',
    '    app.k8s.io/name: x',
    '---',
    '---',
    '# only a comment',
    '---',
    'kind: B',
    '',
  ].join('\n');

  it('numbers documents from 0 by their place in the file and drops empty ones', () => {
    const docs = splitDocuments('f.yaml', text);
    assert.deepEqual(
      docs.map((d) => [d.index, d.value]),
      [
        [0, { kind: 'A', spec: { args: ['one', 'two'], labels: { 'app.k8s.io/name': 'x' } } }],
        [3, { kind: 'B' }],
      ],
    );
  });

  it('finds the line of a field, of a list item, of a map key, or of the nearest parent', () => {
    const [doc] = splitDocuments('f.yaml', text);
    assert.equal(doc?.lineOf('spec.args[1]'), 7);
    assert.equal(doc?.lineOf('spec.labels[app.k8s.io/name]'), 9);
    assert.equal(doc?.lineOf('spec.missing.deeper'), 4);
    assert.equal(doc?.lineOf(''), 3);
  });

  it('reports syntax errors and duplicate keys with their line instead of a value', () => {
    const docs = splitDocuments('f.yaml', 'a: 1\na: 2\n---\nb: [\n');
    assert.equal(docs.length, 2);
    assert.match(docs[0]?.parseErrors[0]?.message ?? '', /line 2: Map keys must be unique/);
    assert.equal(docs[0]?.value, undefined);
    assert.match(docs[1]?.parseErrors[0]?.message ?? '', /YAML syntax error at line/);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefghij'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefghij'[i]}`).join(', ')}]`),
    ].join('\n');
    const [doc] = splitDocuments('bomb.yaml', bomb);
    assert.match(doc?.parseErrors[0]?.message ?? '', /alias/i);
  });

  it('returns nothing for an empty file', () => {
    assert.deepEqual(splitDocuments('e.yaml', ''), []);
    assert.deepEqual(splitDocuments('e.yaml', '# nothing\n'), []);
  });
});

describe('pathSegments', () => {
  it('splits fields, indexes and bracketed map keys', () => {
    assert.deepEqual(pathSegments('spec.tool.args[1]'), ['spec', 'tool', 'args', 1]);
    assert.deepEqual(pathSegments('metadata.labels[a.b/c]'), ['metadata', 'labels', 'a.b/c']);
    assert.deepEqual(pathSegments(''), []);
  });
});

describe('readSources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'toe-documents-'));
  writeFileSync(join(dir, 'b.yaml'), 'kind: B\n');
  writeFileSync(join(dir, 'a.yml'), 'kind: A\n');
  writeFileSync(join(dir, 'notes.txt'), 'not yaml');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'c.yaml'), 'kind: C\n');
  mkdirSync(join(dir, '.hidden'));
  writeFileSync(join(dir, '.hidden', 'd.yaml'), 'kind: D\n');
  mkdirSync(join(dir, 'empty'));

  it('reads a directory as its YAML files, sorted, including subdirectories but not hidden ones', async () => {
    const sources = await readSources([dir], async () => '');
    assert.deepEqual(
      sources.map((s) => s.file),
      [join(dir, 'a.yml'), join(dir, 'b.yaml'), join(dir, 'sub', 'c.yaml')],
    );
  });

  it('reads stdin for -', async () => {
    assert.deepEqual(await readSources([STDIN], async () => 'kind: S\n'), [{ file: STDIN_NAME, text: 'kind: S\n' }]);
  });

  it('keeps going past a path it cannot read, saying why', async () => {
    const sources = await readSources([join(dir, 'missing.yaml'), join(dir, 'empty'), join(dir, 'b.yaml')], async () => '');
    assert.match(sources[0]?.error ?? '', /cannot read: ENOENT/);
    assert.match(sources[1]?.error ?? '', /no \.yaml or \.yml file/);
    assert.equal(sources[2]?.text, 'kind: B\n');
  });
});
