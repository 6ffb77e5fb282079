/**
 * Splits a byte stream into lines without ever holding more than one line (plus one chunk) in memory, so that the
 * processors stay flat however large an artifact grows. Artifacts are hostile: CRLF endings are tolerated, and a line
 * longer than `maxLineBytes` (a corrupt or adversarial file) is dropped and counted instead of buffered.
 */
import { StringDecoder } from 'node:string_decoder';

export interface LineStats {
  lines: number;
  bytes: number;
  /** Lines dropped because they were longer than maxLineBytes. */
  overlong: number;
  /** True when the input did not end with a newline (a cut-off artifact). */
  unterminated: boolean;
}

export type ByteSource = AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>;

const DEFAULT_MAX_LINE = 1 << 20;

export class LineSplitter {
  readonly stats: LineStats = { lines: 0, bytes: 0, overlong: 0, unterminated: false };
  private readonly decoder = new StringDecoder('utf8');
  private carry = '';
  private skipping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = DEFAULT_MAX_LINE,
  ) {}

  push(chunk: Buffer | Uint8Array | string): void {
    this.stats.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk as Buffer);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      if (this.skipping) this.skipping = false;
      else this.emit(this.carry.length > 0 ? this.carry + text.slice(start, nl) : text.slice(start, nl));
      this.carry = '';
      start = nl + 1;
    }
    if (this.skipping) return;
    this.carry = this.carry.length > 0 ? this.carry + text.slice(start) : text.slice(start);
    if (this.carry.length > this.maxLine) {
      this.carry = '';
      this.skipping = true;
      this.stats.overlong += 1;
    }
  }

  end(): LineStats {
    const rest = this.carry + this.decoder.end();
    this.carry = '';
    if (rest.length > 0 || this.skipping) this.stats.unterminated = true;
    if (rest.length > 0) this.emit(rest);
    return this.stats;
  }

  private emit(line: string): void {
    if (line.length > this.maxLine) {
      this.stats.overlong += 1;
      return;
    }
    this.stats.lines += 1;
    this.onLine(line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line);
  }
}

/** Feeds every line of `source` to `onLine`; resolves with the line statistics once the source ends. */
export async function forEachLine(source: ByteSource, onLine: (line: string) => void, maxLine = DEFAULT_MAX_LINE): Promise<LineStats> {
  const splitter = new LineSplitter(onLine, maxLine);
  for await (const chunk of source) splitter.push(chunk);
  return splitter.end();
}

/** The whole source as one buffer, refused past `max` bytes (for formats that cannot be read line by line). */
export async function readBounded(source: ByteSource, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk);
    size += b.length;
    if (size > max) throw new Error(`the input is larger than ${max} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}
