import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodePacket, formatIPv6, LINKTYPE } from './packet.ts';
import { summarizePcap } from './parse.ts';

const lo = readFileSync(new URL('../../fixtures/lo.pcap', import.meta.url));
const any = readFileSync(new URL('../../fixtures/any.pcap', import.meta.url));

/** Rewrites a little-endian capture in big-endian order, as a big-endian host's tcpdump would have written it. */
function toBigEndian(le: Buffer): Buffer {
  const out = Buffer.from(le);
  out.writeUInt32BE(le.readUInt32LE(0), 0);
  out.writeUInt16BE(le.readUInt16LE(4), 4);
  out.writeUInt16BE(le.readUInt16LE(6), 6);
  for (const at of [8, 12, 16, 20]) out.writeUInt32BE(le.readUInt32LE(at), at);
  for (let pos = 24; pos + 16 <= le.length;) {
    for (let i = 0; i < 16; i += 4) out.writeUInt32BE(le.readUInt32LE(pos + i), pos + i);
    pos += 16 + le.readUInt32LE(pos + 8);
  }
  return out;
}

function* bytewise(buf: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

describe('summarizePcap', () => {
  it('summarises a real Ethernet capture of loopback traffic', async () => {
    const s = await summarizePcap([lo]);
    assert.equal(s.linkType, 'ETHERNET');
    assert.equal(s.nanosecond, false);
    assert.equal(s.packets, 64);
    assert.deepEqual(
      s.talkers.map((t) => [t.src, t.dst, t.packets]),
      [
        ['127.0.0.1', '127.0.0.1', 50],
        ['::1', '::1', 14],
      ],
    );
    assert.deepEqual(
      s.protocols.map((p) => [p.key, p.packets]),
      [
        ['IPv4/TCP', 36],
        ['IPv6/TCP', 12],
        ['IPv4/ICMP', 9],
        ['IPv4/UDP', 5],
        ['IPv6/ICMPv6', 2],
      ],
    );
    assert.deepEqual(
      s.ports.find((p) => p.key === 'UDP/19999'),
      { key: 'UDP/19999', packets: 5, bytes: 710 },
    );
    assert.equal(
      s.series.reduce((n, b) => n + b.packets, 0),
      64,
    );
    assert.equal(
      s.series.reduce((n, b) => n + b.bytes, 0),
      s.bytes,
    );
    assert.equal(s.truncated, false);
    assert.equal(s.tcpSyns, 4, 'three HTTP requests over IPv4, one over IPv6');
    assert.equal(s.tcpResets, 0);
  });

  it('reads Linux cooked SLL2 with nanosecond time stamps', async () => {
    const s = await summarizePcap([any]);
    assert.equal(s.linkType, 'LINUX_SLL2');
    assert.equal(s.nanosecond, true);
    assert.equal(s.packets, 50);
    assert.deepEqual(
      s.protocols.map((p) => p.key),
      ['IPv4/TCP', 'IPv4/ICMP', 'IPv4/UDP'],
    );
    assert.ok(Math.abs((s.firstTime ?? 0) - 1795317651.7572665) < 1e-6);
  });

  it('gives the same summary for a big-endian capture and for any chunking', async () => {
    const little = await summarizePcap([lo]);
    const big = await summarizePcap(bytewise(toBigEndian(lo), 5));
    assert.equal(big.byteOrder, 'big');
    assert.deepEqual({ ...big, byteOrder: 'little' }, little);
  });

  it('marks a capture cut inside a record as truncated and keeps the whole records', async () => {
    const s = await summarizePcap([lo.subarray(0, lo.length - 10)]);
    assert.equal(s.truncated, true);
    assert.equal(s.packets, 63);
  });

  it('stops at a record claiming an impossible length', async () => {
    const bad = Buffer.from(lo);
    bad.writeUInt32LE(0x7fffffff, 24 + 8);
    const s = await summarizePcap([bad]);
    assert.equal(s.packets, 0);
    assert.equal(s.corruptAt, 24);
  });

  it('refuses pcapng and other files with a message saying what is expected', async () => {
    const ng = Buffer.alloc(32);
    ng.writeUInt32BE(0x0a0d0d0a, 0);
    await assert.rejects(summarizePcap([ng]), /pcapng, not classic pcap/);
    await assert.rejects(summarizePcap([Buffer.from('<html><script>x</script></html>')]), /not a pcap file: magic 0x3c68746d/);
    await assert.rejects(summarizePcap([Buffer.from('short')]), /shorter than the 24-byte pcap header/);
  });
});

describe('decodePacket', () => {
  const ipv4udp = Buffer.from('4500001c000000004011000001020304050607080035abcd00080000', 'hex');
  it('walks VLAN tags and Linux cooked SLL headers', () => {
    const eth = Buffer.concat([Buffer.alloc(12), Buffer.from('81000001', 'hex'), Buffer.from('0800', 'hex'), ipv4udp]);
    eth.writeUInt16BE(0x8100, 12);
    assert.deepEqual(decodePacket(LINKTYPE.ETHERNET, eth), {
      network: 'IPv4',
      transport: 'UDP',
      srcPort: 53,
      dstPort: 0xabcd,
      src: '1.2.3.4',
      dst: '5.6.7.8',
    });
    const rst = Buffer.from('450000280000000040060000010203040506070801bb3039000000000000000050140000', 'hex');
    assert.deepEqual(decodePacket(LINKTYPE.RAW, rst), {
      network: 'IPv4',
      transport: 'TCP',
      srcPort: 443,
      dstPort: 12345,
      tcpFlags: 0x14,
      src: '1.2.3.4',
      dst: '5.6.7.8',
    });
    const sll = Buffer.concat([Buffer.alloc(14), Buffer.from('0800', 'hex'), ipv4udp]);
    assert.equal(decodePacket(LINKTYPE.LINUX_SLL, sll).src, '1.2.3.4');
    assert.deepEqual(decodePacket(LINKTYPE.RAW, ipv4udp.subarray(0, 21)), {
      network: 'IPv4',
      transport: 'UDP',
      src: '1.2.3.4',
      dst: '5.6.7.8',
    });
  });

  it('never throws on short or forged frames', () => {
    for (const type of [0, 1, 101, 113, 228, 229, 276, 9999]) {
      for (let n = 0; n < 64; n++) assert.doesNotThrow(() => decodePacket(type, Buffer.alloc(n, 0x60)));
    }
  });

  it('writes IPv6 addresses in RFC 5952 form', () => {
    assert.equal(formatIPv6(Buffer.from('00000000000000000000000000000001', 'hex')), '::1');
    assert.equal(formatIPv6(Buffer.from('20010db8000000000001000000000001', 'hex')), '2001:db8::1:0:0:1');
    assert.equal(formatIPv6(Buffer.from('20010db8000100010001000100010001', 'hex')), '2001:db8:1:1:1:1:1:1');
  });
});
