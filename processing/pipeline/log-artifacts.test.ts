import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spoolLogArtifacts } from './log-artifacts.ts';

const root = mkdtempSync(join(tmpdir(), 'toe-log-artifacts-'));
let n = 0;
const dir = () => mkdtempSync(join(root, `${n++}-`));
const limits = { maxArtifactBytes: 1 << 20, maxArtifacts: 8 };

/** Blocks framed as powertools/lib/output.sh frames them. */
function textBlock(name: string, bytes: Buffer, partial = false): string {
  const body = bytes.toString('utf8');
  return `TOE-ARTIFACT-BEGIN ${name}\n${body}${body.endsWith('\n') || body === '' ? '' : '\n'}TOE-ARTIFACT-END ${name} ${bytes.length} ${partial}\n`;
}
function binaryBlock(name: string, bytes: Buffer, partial = false): string {
  const b64 = bytes.toString('base64').replace(/.{76}/g, '$&\n');
  return `TOE-ARTIFACT-BEGIN ${name}\n${b64}${b64.endsWith('\n') || b64 === '' ? '' : '\n'}TOE-ARTIFACT-END ${name} ${bytes.length} ${partial}\n`;
}
/** Splits the log into chunks at awkward places, as a network stream would. */
function* chunks(text: string | Buffer, size: number): Generator<Buffer> {
  const buf = Buffer.from(text);
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

describe('spoolLogArtifacts', () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  it('joins text blocks byte for byte, keeps an unterminated last line as it was, and skips other lines', async () => {
    const part1 = Buffer.from('main;hot_loop 1\nmain;hot_loop 2\n');
    const part2 = Buffer.from('main;warm 3\nno newline at the end');
    const log = `starting\n${textBlock('perf.script', part1, true)}a tool message\n${textBlock('perf.script', part2)}TOE-RESULT {"tool":"perf"}\n`;
    const d = dir();
    const out = await spoolLogArtifacts(chunks(log, 7), d, limits);
    assert.deepEqual(
      out.map((a) => [a.name, a.bytes, a.partial]),
      [['perf.script', part1.length + part2.length, false]],
    );
    assert.equal(readFileSync(join(d, 'perf.script'), 'utf8'), Buffer.concat([part1, part2]).toString());
    assert.deepEqual(readdirSync(d), ['perf.script'], 'the scratch file is gone');
  });

  it('decodes binary blocks exactly, beside a text artifact', async () => {
    const bin1 = randomBytes(5000);
    const bin2 = randomBytes(1);
    const text = Buffer.from('abcd\n');
    const log = binaryBlock('capture.pcap', bin1, true) + textBlock('strace.summary', text) + binaryBlock('capture.pcap', bin2);
    const d = dir();
    const out = await spoolLogArtifacts(chunks(log, 1000), d, limits);
    assert.deepEqual(
      new Map(out.map((a) => [a.name, [a.bytes, a.partial]])),
      new Map([
        ['capture.pcap', [5001, false]],
        ['strace.summary', [5, false]],
      ]),
    );
    assert.deepEqual(readFileSync(join(d, 'capture.pcap')), Buffer.concat([bin1, bin2]));
    assert.equal(readFileSync(join(d, 'strace.summary'), 'utf8'), 'abcd\n');
  });

  it('keeps text that happens to look like base64 as text', async () => {
    const text = Buffer.from('QUJD\nRA==\n');
    const d = dir();
    const [a] = await spoolLogArtifacts([textBlock('x.txt', text)], d, limits);
    assert.equal(readFileSync(join(d, 'x.txt'), 'utf8'), 'QUJD\nRA==\n');
    assert.equal(a?.partial, false);
  });

  it('marks the artifact partial when the tool said so or when the log ends inside a block', async () => {
    const d = dir();
    const out = await spoolLogArtifacts(
      [textBlock('a.txt', Buffer.from('1\n'), true), 'TOE-ARTIFACT-BEGIN b.txt\nhalf a line\n'],
      d,
      limits,
    );
    assert.deepEqual(
      out.map((a) => [a.name, a.partial]),
      [
        ['a.txt', true],
        ['b.txt', true],
      ],
    );
    assert.equal(readFileSync(join(d, 'b.txt'), 'utf8'), 'half a line\n');
  });

  it('refuses names that could leave the directory, and caps size and count', async () => {
    const d = dir();
    const hostile = ['../escape', '.hidden', 'a/b', '']
      .map((name) => `TOE-ARTIFACT-BEGIN ${name}\nx\nTOE-ARTIFACT-END ${name} 1 false\n`)
      .join('');
    const big = textBlock('big.txt', Buffer.from('y'.repeat(100) + '\n'));
    const many = Array.from({ length: 5 }, (_, i) => textBlock(`f${i}`, Buffer.from('z\n'))).join('');
    const out = await spoolLogArtifacts([hostile, big, many], d, { maxArtifactBytes: 10, maxArtifacts: 3 });
    assert.deepEqual(
      out.map((a) => [a.name, a.bytes, a.partial]),
      [
        ['big.txt', 10, true],
        ['f0', 2, false],
        ['f1', 2, false],
      ],
    );
    assert.deepEqual(readdirSync(d).sort(), ['big.txt', 'f0', 'f1']);
    assert.deepEqual(
      readdirSync(root).filter((f) => f === 'escape'),
      [],
    );
  });
});
