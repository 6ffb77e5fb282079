/**
 * Every TOE sample under samples/ passes `toe validate` (with the tool configs of powertools/) and ajv over the
 * generated CRDs; a sample config is identical to its tool's powertools/<tool>/config.yaml (one source per fact).
 * samples/apps/ holds the plain Kubernetes apps the samples point at (and their image recipes): the end-to-end
 * suites apply those to a real cluster, which checks them better than any schema here.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ajvErrors } from '../src/validate/ajv.ts';
import { yamlFilesUnder } from '../src/validate/documents.ts';
import { kindOf } from '../src/validate/schema.ts';

const root = new URL('..', import.meta.url).pathname;
const samplesDir = join(root, 'samples');
const toolsDir = join(root, 'powertools');
const appsDir = join(samplesDir, 'apps');
const samples = existsSync(samplesDir) ? (await yamlFilesUnder(samplesDir)).filter((f) => !f.startsWith(appsDir + '/')) : [];
const sampleDirs = [...new Set(samples.map((f) => relative(root, f).split('/').slice(0, 2).join('/')))];
const toolConfigs = existsSync(toolsDir) ? await yamlFilesUnder(toolsDir) : [];
const documents = (file: string): unknown[] =>
  parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter((v) => v != null);

describe('samples/', () => {
  if (samples.length === 0) {
    it('holds YAML to check', (t) => t.skip('samples/ holds no YAML file yet'));
    return;
  }

  it('passes toe validate, with the configs of powertools/', () => {
    const args = [
      'bin/toe.js',
      'validate',
      ...sampleDirs.flatMap((d) => ['-f', d]),
      ...(toolConfigs.length > 0 ? ['--configs', 'powertools'] : []),
    ];
    const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    assert.equal(result.status, 0, `toe ${args.slice(1).join(' ')}:\n${result.stdout}${result.stderr}`);
  });

  for (const file of samples) {
    it(`${relative(root, file)} passes ajv over the generated CRDs`, () => {
      const docs = documents(file);
      assert.ok(docs.length > 0, 'the file holds no document');
      docs.forEach((doc, i) => {
        const claimed = kindOf(doc);
        assert.ok('kind' in claimed, `document ${i}: ${'error' in claimed ? claimed.error.message : ''}`);
        assert.deepEqual(ajvErrors(claimed.kind, doc), [], `document ${i}`);
      });
    });
  }

  it('carries each tool config exactly as powertools/<tool>/config.yaml has it', () => {
    for (const file of samples) {
      for (const doc of documents(file)) {
        const d = doc as { kind?: string; spec?: { tool?: { name?: string } } };
        const tool = d.kind === 'PowerToolConfig' ? d.spec?.tool?.name : undefined;
        const source = tool === undefined ? undefined : join(toolsDir, tool, 'config.yaml');
        if (source && existsSync(source))
          assert.deepEqual(doc, documents(source)[0], `${relative(root, file)} differs from ${relative(root, source)}`);
      }
    }
  });
});
