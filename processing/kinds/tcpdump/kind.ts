/**
 * tcpdump: `capture.pcap` (classic pcap, any common link type) summarised per target; the report's network section;
 * packets, bytes, resets and the top talkers as RCA evidence.
 */
import type { NetworkSummary } from '../../rca/types.ts';
import { defineKind } from '../kind.ts';
import { networkEvidence } from './evidence.ts';
import { summarizePcap, type TrafficSummary } from './parse.ts';
import { renderTraffic } from './section.ts';

export interface TcpdumpItem {
  pod: string;
  name: string;
  summary: TrafficSummary;
}

export const tcpdump = defineKind({
  name: 'tcpdump',
  artifacts: ['capture.pcap'],
  parse: async (src, a): Promise<TcpdumpItem> => ({ pod: a.pod, name: a.pod, summary: await summarizePcap(src) }),
  rca: {
    key: 'tcpdump',
    summarise: (items): NetworkSummary => {
      const all = items.map((t) => t.summary);
      return {
        packets: all.reduce((n, s) => n + s.packets, 0),
        bytes: all.reduce((n, s) => n + s.bytes, 0),
        tcpResets: all.reduce((n, s) => n + s.tcpResets, 0),
        topTalkers: all
          .flatMap((s) => s.talkers)
          .sort((a, b) => b.bytes - a.bytes)
          .slice(0, 10)
          .map((t) => ({ address: `${t.src} → ${t.dst}`, bytes: t.bytes, packets: t.packets })),
      };
    },
    evidence: (slice) => networkEvidence(slice as NetworkSummary | undefined),
  },
  report: {
    field: 'traffic',
    order: 40,
    toc: { id: 'traffic', label: 'Network' },
    assemble: (parts, ctx) => {
      const captures = parts.flatMap((part) => part.items.map((t) => ({ name: ctx.label(part.run, t.name), summary: t.summary })));
      return captures.length > 0 ? captures : undefined;
    },
    render: renderTraffic,
  },
});
