/**
 * A streaming reader of classic libpcap files (what `tcpdump -w` writes): both byte orders, microsecond and
 * nanosecond magic. It hands each record's header and first bytes to a callback and never holds more than one
 * record, so a capture of any size reads in flat memory. pcapng is refused with a clear message: tcpdump writes
 * classic pcap unless asked otherwise.
 *
 * Written here rather than taken from npm: the pcap readers there are unmaintained or native bindings to libpcap,
 * and the format is small and stable (https://www.tcpdump.org/manpages/pcap-savefile.5.html).
 */
export interface PcapHeader {
  byteOrder: 'little' | 'big';
  nanosecond: boolean;
  snaplen: number;
  linkType: number;
}

export interface PcapRecord {
  /** Seconds since the epoch, with the fraction. */
  time: number;
  /** Length on the wire. */
  length: number;
  /** The captured bytes (at most snaplen); valid only during the callback. */
  data: Buffer;
}

export interface PcapEnd {
  records: number;
  /** The input ended inside a record (a cut-off capture); that record was left out. */
  truncated: boolean;
  /** A record header claimed an impossible length: reading stopped there. */
  corruptAt?: number;
}

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
const MAGIC_PCAPNG = 0x0a0d0d0a;
// Larger than any real snaplen (tcpdump's maximum is 262144); a bigger claim means a corrupt file.
const MAX_RECORD = 1 << 20;

export class PcapReader {
  header: PcapHeader | undefined;
  private pending: Buffer = Buffer.alloc(0);
  private offset = 0;
  private records = 0;
  private corruptAt: number | undefined;

  constructor(private readonly onRecord: (record: PcapRecord) => void) {}

  push(chunk: Buffer): void {
    if (this.corruptAt !== undefined) return;
    const buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let pos = 0;
    if (!this.header) {
      if (buf.length < 24) {
        this.pending = Buffer.from(buf);
        return;
      }
      this.header = readHeader(buf);
      pos = 24;
    }
    const le = this.header.byteOrder === 'little';
    const frac = this.header.nanosecond ? 1e-9 : 1e-6;
    while (buf.length - pos >= 16) {
      const sec = le ? buf.readUInt32LE(pos) : buf.readUInt32BE(pos);
      const sub = le ? buf.readUInt32LE(pos + 4) : buf.readUInt32BE(pos + 4);
      const incl = le ? buf.readUInt32LE(pos + 8) : buf.readUInt32BE(pos + 8);
      const orig = le ? buf.readUInt32LE(pos + 12) : buf.readUInt32BE(pos + 12);
      if (incl > MAX_RECORD) {
        this.corruptAt = this.offset + pos;
        this.pending = Buffer.alloc(0);
        return;
      }
      if (buf.length - pos - 16 < incl) break;
      this.records += 1;
      this.onRecord({ time: sec + sub * frac, length: Math.max(orig, incl), data: buf.subarray(pos + 16, pos + 16 + incl) });
      pos += 16 + incl;
    }
    this.offset += pos;
    // Copy the remainder so that the (possibly large) chunk it came from can be freed.
    this.pending = pos < buf.length ? Buffer.from(buf.subarray(pos)) : Buffer.alloc(0);
  }

  end(): PcapEnd {
    if (!this.header) throw new Error(`not a pcap file: ${this.pending.length} bytes, shorter than the 24-byte pcap header`);
    return {
      records: this.records,
      truncated: this.pending.length > 0,
      ...(this.corruptAt !== undefined ? { corruptAt: this.corruptAt } : {}),
    };
  }
}

function readHeader(buf: Buffer): PcapHeader {
  const magicLE = buf.readUInt32LE(0);
  const magicBE = buf.readUInt32BE(0);
  let byteOrder: 'little' | 'big';
  let nanosecond: boolean;
  if (magicLE === MAGIC_US || magicLE === MAGIC_NS) [byteOrder, nanosecond] = ['little', magicLE === MAGIC_NS];
  else if (magicBE === MAGIC_US || magicBE === MAGIC_NS) [byteOrder, nanosecond] = ['big', magicBE === MAGIC_NS];
  else if (magicBE === MAGIC_PCAPNG)
    throw new Error(
      'capture is pcapng, not classic pcap: write it with tcpdump -w (the default format) or convert it with editcap -F pcap',
    );
  else
    throw new Error(
      `not a pcap file: magic 0x${magicBE.toString(16).padStart(8, '0')}, expected 0xa1b2c3d4 or 0xa1b23c4d in either byte order`,
    );
  const le = byteOrder === 'little';
  const snaplen = le ? buf.readUInt32LE(16) : buf.readUInt32BE(16);
  // The upper bits of the link-type field carry FCS information, not the type.
  const linkType = (le ? buf.readUInt32LE(20) : buf.readUInt32BE(20)) & 0x0fffffff;
  return { byteOrder, nanosecond, snaplen, linkType };
}
