/**
 * Artifacts out of a tool's log (output mode logs). The framing is powertools/lib/output.sh's: blocks
 * `TOE-ARTIFACT-BEGIN <name>` … `TOE-ARTIFACT-END <name> <bytes> <partial>`, several blocks per artifact to be
 * concatenated; a text block carries its bytes as they are (plus one newline when they did not end with one), a
 * binary block carries base64 lines. The END line's byte count tells which: a text block is <bytes> or <bytes>+1
 * long, base64 of the same bytes is always longer. Other log lines (the TOE-RESULT line, messages) are skipped.
 *
 * Streaming and byte-exact: lines are split on raw bytes, each block goes to a scratch file, then is appended to
 * its artifact's file, so memory holds one chunk whatever the log's size. Names are checked before they become
 * file names.
 */
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ByteSource } from '../lines.ts';

export interface SpooledArtifact {
  name: string;
  path: string;
  bytes: number;
  partial: boolean;
}

export interface SpoolLimits {
  /** Bytes kept per artifact; more is dropped and the artifact marked partial. */
  maxArtifactBytes: number;
  maxArtifacts: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const BEGIN = 'TOE-ARTIFACT-BEGIN ';
const END = /^TOE-ARTIFACT-END (\S+) (\d+) (true|false)$/;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;
const NL = 0x0a;
const LF = Buffer.from([NL]);

interface Block {
  name: string;
  handle: FileHandle;
  bytes: number;
  base64Like: boolean;
  /** Lines not yet written: one write per 64 KiB, not one per line. */
  pending: Buffer[];
  pendingBytes: number;
}

const WRITE_BATCH = 1 << 16;

async function flush(b: Block): Promise<void> {
  if (b.pendingBytes === 0) return;
  await b.handle.write(Buffer.concat(b.pending, b.pendingBytes));
  b.pending = [];
  b.pendingBytes = 0;
}

export async function spoolLogArtifacts(source: ByteSource, dir: string, limits: SpoolLimits): Promise<SpooledArtifact[]> {
  const artifacts = new Map<string, SpooledArtifact & { damaged: boolean }>();
  const scratch = join(dir, '.block');
  let block: Block | undefined;
  let carry: Buffer = Buffer.alloc(0);
  let carrySkipped = false;

  // `partial` is what the last block said (every block but the last says true); `damaged` sticks: cut, capped, corrupt.
  const artifact = (name: string): (SpooledArtifact & { damaged: boolean }) | undefined => {
    const known = artifacts.get(name);
    if (known || artifacts.size >= limits.maxArtifacts) return known;
    const a = { name, path: join(dir, name), bytes: 0, partial: false, damaged: false };
    artifacts.set(name, a);
    return a;
  };

  const append = async (a: SpooledArtifact & { damaged: boolean }, data: Buffer): Promise<void> => {
    const room = limits.maxArtifactBytes - a.bytes;
    if (data.length > room) a.damaged = true;
    const kept = data.subarray(0, Math.max(0, room));
    if (kept.length === 0) return;
    const out = await open(a.path, 'a');
    try {
      await out.write(kept);
    } finally {
      await out.close();
    }
    a.bytes += kept.length;
  };

  /** Moves the scratch block into its artifact: `declared` bytes of text, or decoded base64; undefined = cut off. */
  const closeBlock = async (declared: number | undefined, partial: boolean): Promise<void> => {
    const b = block as Block;
    block = undefined;
    await flush(b);
    await b.handle.close();
    const a = artifact(b.name);
    if (a) {
      const text = declared === undefined ? !b.base64Like : b.bytes === declared || b.bytes === declared + 1;
      const src = await open(scratch, 'r');
      try {
        let left = text ? (declared ?? b.bytes) : Number.POSITIVE_INFINITY;
        let pending = '';
        let decoded = 0;
        for await (const chunk of src.createReadStream({ highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
          if (text) {
            const part = chunk.subarray(0, Math.min(chunk.length, left));
            left -= part.length;
            await append(a, part);
          } else {
            pending += chunk.toString('latin1').replace(/[\r\n]/g, '');
            const whole = pending.length - (pending.length % 4);
            const bytes = Buffer.from(pending.slice(0, whole), 'base64');
            pending = pending.slice(whole);
            decoded += bytes.length;
            await append(a, bytes);
          }
        }
        if (!text && (pending.length > 0 || (declared !== undefined && decoded !== declared))) a.damaged = true;
      } finally {
        await src.close();
      }
      a.partial = partial;
      if (declared === undefined) a.damaged = true;
    }
    await rm(scratch, { force: true });
  };

  const line = async (raw: Buffer): Promise<void> => {
    // Markers are ASCII; a line too long to be one is content (or noise) and is never decoded whole.
    const marker = raw.length < 300 ? raw.toString('latin1').replace(/\r$/, '') : '';
    if (marker.startsWith(BEGIN)) {
      if (block) await closeBlock(undefined, true);
      const name = marker.slice(BEGIN.length);
      if (!NAME.test(name)) return;
      block = { name, handle: await open(scratch, 'w'), bytes: 0, base64Like: true, pending: [], pendingBytes: 0 };
      return;
    }
    if (!block) return;
    const end = END.exec(marker);
    if (end && end[1] === block.name) return closeBlock(Number(end[2]), end[3] === 'true');
    block.pending.push(Buffer.from(raw), LF);
    block.pendingBytes += raw.length + 1;
    block.bytes += raw.length + 1;
    if (block.pendingBytes >= WRITE_BATCH) await flush(block);
    if (block.base64Like && !(raw.length <= 76 && BASE64_LINE.test(raw.toString('latin1')))) block.base64Like = false;
  };

  for await (const piece of source) {
    let chunk = typeof piece === 'string' ? Buffer.from(piece) : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    for (let nl = chunk.indexOf(NL); nl !== -1; nl = chunk.indexOf(NL)) {
      const head = chunk.subarray(0, nl);
      if (!carrySkipped) await line(carry.length ? Buffer.concat([carry, head]) : head);
      carry = Buffer.alloc(0);
      carrySkipped = false;
      chunk = chunk.subarray(nl + 1);
    }
    // A text artifact may have long lines, but a line without end is held only up to one artifact's cap.
    if (!carrySkipped) carry = Buffer.concat([carry, chunk]);
    if (carry.length > limits.maxArtifactBytes) {
      carry = Buffer.alloc(0);
      carrySkipped = true;
    }
  }
  if (carry.length > 0 && !carrySkipped) await line(carry);
  if (block) await closeBlock(undefined, true);
  return [...artifacts.values()].map(({ damaged, ...a }) => ({ ...a, partial: a.partial || damaged }));
}
