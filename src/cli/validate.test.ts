import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { validConfig, validPowerTool, validProcessing, withField } from '../validate/testdata/documents.ts';

const toe = new URL('../../bin/toe.js', import.meta.url).pathname;

/** Runs `toe validate ...` as a user would, in its own process. */
function run(args: string[], stdin = ''): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [toe, 'validate', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(stdin);
  });
}

const yaml = (...docs: unknown[]): string => docs.map((d) => stringify(d)).join('---\n');

describe('toe validate', { concurrency: true }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'toe-validate-'));
  const good = join(dir, 'good.yaml');
  const bad = join(dir, 'bad.yaml');
  const configs = join(dir, 'powertools', 'perf');
  before(() => {
    writeFileSync(good, yaml(validConfig, validPowerTool, validProcessing));
    writeFileSync(
      bad,
      yaml(
        withField(validPowerTool, 'spec.tool.args', ['--freq=99', '-o/etc/shadow']),
        withField(validProcessing, 'spec.trigger.schedule', { cron: 'hourly' }),
      ),
    );
    mkdirSync(configs, { recursive: true });
    writeFileSync(join(configs, 'config.yaml'), yaml(validConfig));
  });

  it('exits 0 and prints the summary when every document is valid', async () => {
    const { code, out } = await run(['-f', good]);
    assert.equal(code, 0);
    assert.equal(out, '3 documents valid, 0 invalid (1 file)\n');
  });

  it('exits 1 with one FILE#DOC FIELD: message line per problem', async () => {
    const { code, out } = await run(['-f', bad, '--configs', join(dir, 'powertools')]);
    assert.equal(code, 1);
    const lines = out.trimEnd().split('\n');
    assert.match(
      lines[0] ?? '',
      new RegExp(`^${bad.replace(/[.\\/]/g, '\\$&')}#0 spec\\.tool\\.args\\[1\\]: "-o/etc/shadow": .* \\(line \\d+\\)$`),
    );
    assert.match(lines[1] ?? '', /#1 spec\.trigger\.schedule\.cron: Invalid value: "hourly": must match /);
    assert.equal(lines[2], '0 documents valid, 2 invalid (1 file)');
  });

  it('reads standard input for -f -', async () => {
    const { code, out } = await run(['-f', '-', '--configs', join(dir, 'powertools')], yaml(validPowerTool));
    assert.equal(code, 0, out);
    const failed = await run(['-f', '-'], yaml(validPowerTool));
    assert.equal(failed.code, 1);
    assert.match(failed.out, /^<stdin>#0 spec\.tool\.name: Not found: "perf"/);
  });

  it('reads a directory and prints JSON with -o json', async () => {
    const { code, out } = await run(['-f', dir, '-o', 'json']);
    assert.equal(code, 1);
    const results = JSON.parse(out) as { file: string; document: number; kind: string; valid: boolean; errors: { path: string }[] }[];
    assert.deepEqual(
      results.map((r) => [r.file.slice(dir.length + 1), r.document, r.kind, r.valid]),
      [
        ['bad.yaml', 0, 'PowerTool', false],
        ['bad.yaml', 1, 'PowerToolProcessing', false],
        ['good.yaml', 0, 'PowerToolConfig', true],
        ['good.yaml', 1, 'PowerTool', true],
        ['good.yaml', 2, 'PowerToolProcessing', true],
        ['powertools/perf/config.yaml', 0, 'PowerToolConfig', true],
      ],
    );
  });

  it('exits 1 naming a file it cannot read', async () => {
    const { code, out } = await run(['-f', good, '-f', join(dir, 'missing.yaml')]);
    assert.equal(code, 1);
    assert.match(out, /missing\.yaml: cannot read: ENOENT/);
  });

  it('exits 2 on usage errors, pointing to -h', async () => {
    for (const args of [['--frobnicate'], [], ['-f', good, '-o', 'xml'], [good]]) {
      const { code, err } = await run(args);
      assert.equal(code, 2, args.join(' '));
      assert.match(err, /^error: .*\nSee 'toe validate -h' for usage\.\n$/);
    }
  });

  it('prints its help with -h', async () => {
    const { code, out } = await run(['-h']);
    assert.equal(code, 0);
    assert.match(out, /toe validate -f FILE/);
  });
});
