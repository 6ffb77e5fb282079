/**
 * Decodes just enough of a captured frame for traffic summaries: the link layer (Ethernet with VLAN tags, Linux
 * cooked SLL and SLL2, raw IP, BSD loopback), then IPv4/IPv6 addresses and the transport protocol and ports.
 * Every read is bounds-checked: a frame cut by the snap length or forged yields less detail, never an exception.
 */
export const LINKTYPE = { NULL: 0, ETHERNET: 1, RAW: 101, LINUX_SLL: 113, IPV4: 228, IPV6: 229, LINUX_SLL2: 276 } as const;

export interface Packet {
  /** IPv4, IPv6, ARP or other (the EtherType in hex). */
  network: string;
  /** TCP, UDP, ICMP, ICMPv6, or the IP protocol number. */
  transport?: string;
  src?: string;
  dst?: string;
  srcPort?: number;
  dstPort?: number;
  /** TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10) when captured. */
  tcpFlags?: number;
}

const IP_PROTOCOLS: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6', 132: 'SCTP' };
const IPV6_EXTENSIONS = new Set([0, 43, 44, 60]);

export function linkTypeName(type: number): string {
  const entry = Object.entries(LINKTYPE).find(([, v]) => v === type);
  return entry ? entry[0] : `link type ${type}`;
}

export function decodePacket(linkType: number, data: Buffer): Packet {
  let etherType: number;
  let off: number;
  switch (linkType) {
    case LINKTYPE.ETHERNET: {
      if (data.length < 14) return { network: 'other' };
      etherType = data.readUInt16BE(12);
      off = 14;
      while ((etherType === 0x8100 || etherType === 0x88a8) && data.length >= off + 4) {
        etherType = data.readUInt16BE(off + 2);
        off += 4;
      }
      break;
    }
    case LINKTYPE.LINUX_SLL:
      if (data.length < 16) return { network: 'other' };
      etherType = data.readUInt16BE(14);
      off = 16;
      break;
    case LINKTYPE.LINUX_SLL2:
      if (data.length < 20) return { network: 'other' };
      etherType = data.readUInt16BE(0);
      off = 20;
      break;
    case LINKTYPE.NULL: {
      if (data.length < 4) return { network: 'other' };
      // The address family is in the capturing host's byte order; 2 is AF_INET, 10/24/28/30 are AF_INET6 variants.
      const family = data.readUInt32LE(0) > 0xffff ? data.readUInt32BE(0) : data.readUInt32LE(0);
      etherType = family === 2 ? 0x0800 : [10, 24, 28, 30].includes(family) ? 0x86dd : -1;
      off = 4;
      break;
    }
    case LINKTYPE.RAW:
    case 12:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6: {
      const version = data.length > 0 ? (data[0] as number) >> 4 : 0;
      etherType = version === 4 ? 0x0800 : version === 6 ? 0x86dd : -1;
      off = 0;
      break;
    }
    default:
      return { network: 'other' };
  }
  if (etherType === 0x0800) return ipv4(data, off);
  if (etherType === 0x86dd) return ipv6(data, off);
  if (etherType === 0x0806) return { network: 'ARP' };
  return { network: etherType < 0 ? 'other' : `0x${etherType.toString(16).padStart(4, '0')}` };
}

function ipv4(data: Buffer, off: number): Packet {
  if (data.length < off + 20 || (data[off] as number) >> 4 !== 4) return { network: 'IPv4' };
  const ihl = ((data[off] as number) & 0x0f) * 4;
  const proto = data[off + 9] as number;
  const src = [...data.subarray(off + 12, off + 16)].join('.');
  const dst = [...data.subarray(off + 16, off + 20)].join('.');
  // Only the first fragment carries the transport header.
  const fragmentOffset = data.readUInt16BE(off + 6) & 0x1fff;
  return { network: 'IPv4', ...transport(proto, data, fragmentOffset === 0 ? off + ihl : -1), src, dst };
}

function ipv6(data: Buffer, off: number): Packet {
  if (data.length < off + 40) return { network: 'IPv6' };
  const src = formatIPv6(data.subarray(off + 8, off + 24));
  const dst = formatIPv6(data.subarray(off + 24, off + 40));
  let next = data[off + 6] as number;
  let pos = off + 40;
  for (let hops = 0; IPV6_EXTENSIONS.has(next) && hops < 8; hops++) {
    if (data.length < pos + 8) return { network: 'IPv6', src, dst };
    const fragment = next === 44;
    if (fragment && (data.readUInt16BE(pos + 2) & 0xfff8) !== 0)
      return { network: 'IPv6', transport: protocolName(data[pos] as number), src, dst };
    const len = fragment ? 8 : ((data[pos + 1] as number) + 1) * 8;
    next = data[pos] as number;
    pos += len;
  }
  return { network: 'IPv6', ...transport(next, data, pos), src, dst };
}

function transport(proto: number, data: Buffer, pos: number): Pick<Packet, 'transport' | 'srcPort' | 'dstPort' | 'tcpFlags'> {
  const name = protocolName(proto);
  if (proto === 6 && pos >= 0 && data.length >= pos + 14) {
    return { transport: name, srcPort: data.readUInt16BE(pos), dstPort: data.readUInt16BE(pos + 2), tcpFlags: data[pos + 13] as number };
  }
  if ((proto === 6 || proto === 17 || proto === 132) && pos >= 0 && data.length >= pos + 4) {
    return { transport: name, srcPort: data.readUInt16BE(pos), dstPort: data.readUInt16BE(pos + 2) };
  }
  return { transport: name };
}

function protocolName(proto: number): string {
  return IP_PROTOCOLS[proto] ?? `ip-proto-${proto}`;
}

/** RFC 5952 text: lower case, the longest run (≥ 2) of zero groups as `::`. */
export function formatIPv6(bytes: Buffer): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best === -1) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
