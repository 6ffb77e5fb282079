/**
 * A tcpdump capture (`capture.pcap`) → traffic summary: top talkers (source → destination by bytes), protocols
 * (transport by IP version), and packets and bytes per time bucket. Streams the capture through PcapReader;
 * every table is bounded (past its cap, new keys count under `other`), so memory does not grow with the capture.
 */
import type { ByteSource } from '../../lines.ts';
import { decodePacket, linkTypeName } from './packet.ts';
import { PcapReader } from './pcap.ts';

export interface TrafficOptions {
  /** Width of a series bucket in seconds (default 1). */
  bucketSeconds?: number;
  /** Rows kept in the talkers and ports tables (default 20). */
  top?: number;
}

export interface Talker {
  src: string;
  dst: string;
  packets: number;
  bytes: number;
}

export interface Counted {
  key: string;
  packets: number;
  bytes: number;
}

export interface TrafficSummary {
  linkType: string;
  byteOrder: 'little' | 'big';
  nanosecond: boolean;
  snaplen: number;
  packets: number;
  /** Bytes on the wire (original lengths, not the captured snap). */
  bytes: number;
  firstTime?: number;
  lastTime?: number;
  talkers: Talker[];
  /** `IPv4/TCP`, `IPv6/UDP`, `IPv4/ICMP`, `ARP`, … */
  protocols: Counted[];
  /** Destination ports, `TCP/443` style. */
  ports: Counted[];
  bucketSeconds: number;
  /** Epoch seconds at the bucket start; counts per bucket. */
  series: { t: number; packets: number; bytes: number }[];
  /** TCP segments with RST set, and connection attempts (SYN without ACK). */
  tcpResets: number;
  tcpSyns: number;
  truncated: boolean;
  corruptAt?: number;
}

const MAX_KEYS = 10_000;
const MAX_BUCKETS = 100_000;
export const OTHER = 'other';

class Counter {
  readonly map = new Map<string, { packets: number; bytes: number }>();
  add(key: string, bytes: number): void {
    let row = this.map.get(key);
    if (!row) {
      if (this.map.size >= MAX_KEYS) key = OTHER;
      row = this.map.get(key) ?? { packets: 0, bytes: 0 };
      this.map.set(key, row);
    }
    row.packets += 1;
    row.bytes += bytes;
  }
  top(n: number): Counted[] {
    return [...this.map]
      .map(([key, r]) => ({ key, ...r }))
      .sort((a, b) => b.bytes - a.bytes || b.packets - a.packets || (a.key < b.key ? -1 : 1))
      .slice(0, n);
  }
}

export async function summarizePcap(source: ByteSource, options: TrafficOptions = {}): Promise<TrafficSummary> {
  const bucket = options.bucketSeconds ?? 1;
  if (!(bucket > 0 && bucket <= 86_400)) throw new Error(`bucketSeconds: ${bucket} is not allowed; use a number of seconds in (0, 86400]`);
  const top = options.top ?? 20;
  const talkers = new Counter();
  const protocols = new Counter();
  const ports = new Counter();
  const series = new Map<number, { packets: number; bytes: number }>();
  let packets = 0;
  let bytes = 0;
  let firstTime: number | undefined;
  let lastTime: number | undefined;
  let linkType = -1;
  let tcpResets = 0;
  let tcpSyns = 0;
  const reader = new PcapReader((r) => {
    if (linkType < 0) linkType = reader.header?.linkType ?? 0;
    packets += 1;
    bytes += r.length;
    firstTime = firstTime === undefined ? r.time : Math.min(firstTime, r.time);
    lastTime = lastTime === undefined ? r.time : Math.max(lastTime, r.time);
    const p = decodePacket(linkType, r.data);
    protocols.add(p.transport ? `${p.network}/${p.transport}` : p.network, r.length);
    // A tab cannot occur in an address, so it separates the pair safely.
    if (p.src !== undefined && p.dst !== undefined) talkers.add(`${p.src}\t${p.dst}`, r.length);
    if (p.tcpFlags !== undefined) {
      if (p.tcpFlags & 0x04) tcpResets += 1;
      if ((p.tcpFlags & 0x12) === 0x02) tcpSyns += 1;
    }
    if (p.dstPort !== undefined) ports.add(`${p.transport}/${p.dstPort}`, r.length);
    const t = Math.floor(r.time / bucket) * bucket;
    const b = series.get(t) ?? (series.size < MAX_BUCKETS ? { packets: 0, bytes: 0 } : undefined);
    if (b) {
      b.packets += 1;
      b.bytes += r.length;
      series.set(t, b);
    }
  });
  for await (const chunk of source)
    reader.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  const end = reader.end();
  const header = reader.header as NonNullable<typeof reader.header>;
  return {
    linkType: linkTypeName(header.linkType),
    byteOrder: header.byteOrder,
    nanosecond: header.nanosecond,
    snaplen: header.snaplen,
    packets,
    bytes,
    ...(firstTime !== undefined ? { firstTime, lastTime } : {}),
    talkers: talkers.top(top).map(({ key, packets: n, bytes: b }) => {
      const [src, dst] = key === OTHER ? [OTHER, OTHER] : (key.split('\t') as [string, string]);
      return { src, dst, packets: n, bytes: b };
    }),
    protocols: protocols.top(Number.MAX_SAFE_INTEGER),
    ports: ports.top(top),
    bucketSeconds: bucket,
    series: [...series].sort(([a], [b]) => a - b).map(([t, v]) => ({ t, ...v })),
    tcpResets,
    tcpSyns,
    truncated: end.truncated,
    ...(end.corruptAt !== undefined ? { corruptAt: end.corruptAt } : {}),
  };
}
