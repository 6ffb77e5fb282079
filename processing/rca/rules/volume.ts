/** Volumes: a volume that is (nearly) full, seen in its usage, in ENOSPC errors or in the kubelet's Events. */
import type { Finding } from '../types.ts';
import { events, finding, num, ofKind, type Rule } from './rule.ts';

const FULL_WARNING_PCT = 90;
const FULL_CRITICAL_PCT = 98;

export const volumeFull: Rule = (evidence) => {
  const volume = evidence.find((e) => e.id === 'ev-series-volume');
  const pct = volume ? num(volume, 'maxPctOfLimit') : undefined;
  const enospc = ofKind(evidence, 'syscall-errors').filter((e) => e.data.topErrno === 'ENOSPC');
  const noSpace = evidence.filter(
    (e) => e.kind === 'event' && /no space left on device|disk ?pressure|ephemeral.storage/i.test(String(e.data.message ?? '')),
  );
  const diskEvents = events(evidence, ['FreeDiskSpaceFailed', 'NodeHasDiskPressure']);
  const cited = [...(volume && pct !== undefined && pct >= FULL_WARNING_PCT ? [volume] : []), ...enospc, ...noSpace, ...diskEvents];
  if (cited.length === 0) return [];
  const critical = (pct ?? 0) >= FULL_CRITICAL_PCT || enospc.length > 0 || noSpace.length > 0;
  const out: Finding[] = [
    finding(
      'VolumeFull',
      critical ? 'critical' : 'warning',
      'volume',
      pct !== undefined && pct >= FULL_WARNING_PCT ? `A volume reached ${pct}% of its size` : 'Writes fail for lack of space',
      `${enospc.length > 0 ? `Syscalls failed with ENOSPC (${enospc.map((e) => e.data.syscall).join(', ')}). ` : ''}${noSpace.length + diskEvents.length > 0 ? 'Events report disk pressure or no space left. ' : ''}Free space, grow the volume, or cap what writes to it (logs, caches, temp files).`,
      cited,
    ),
  ];
  return out;
};
