/** RCA evidence from tcpdump: one summary item (packets, bytes, resets, retransmissions, the top talker). */
import type { Evidence, NetworkSummary } from '../../rca/types.ts';
import { asArray, asNumber, asString, at, percent } from '../../rca/loose.ts';

export function networkEvidence(summary: NetworkSummary | undefined): Evidence[] {
  if (!summary) return [];
  const packets = asNumber(summary.packets) ?? 0;
  const resets = asNumber(summary.tcpResets);
  const retrans = asNumber(summary.tcpRetransmissions);
  const top = asArray(summary.topTalkers, 1)[0];
  return [
    {
      id: 'ev-network',
      kind: 'network-summary',
      source: 'tcpdump',
      summary: `tcpdump: ${packets} packets, ${asNumber(summary.bytes) ?? 0} bytes${resets !== undefined ? `, ${resets} TCP resets` : ''}${retrans !== undefined ? `, ${retrans} retransmissions` : ''}`,
      subject: {},
      data: {
        packets,
        bytes: asNumber(summary.bytes) ?? 0,
        tcpResets: resets ?? null,
        tcpRetransmissions: retrans ?? null,
        resetPct: resets !== undefined ? percent(resets, packets) : null,
        retransmissionPct: retrans !== undefined ? percent(retrans, packets) : null,
        topTalker: asString(at(top, 'address'), 128) ?? null,
      },
    },
  ];
}
