/**
 * Evidence from Kubernetes Events, core/v1 or events.k8s.io/v1 alike. Events repeat (a probe failing every ten
 * seconds is one story), so they are grouped by type, reason and the object they regard, with the counts summed
 * and the latest message kept. Normal Events are mostly routine; only the few that explain a restart stay.
 */
import type { Evidence, Subject } from '../types.ts';
import { asNumber, asString, asTime, at, idPart } from '../loose.ts';

/** Reading more than this many Events costs time and says nothing new: the groups are already formed. */
export const MAX_EVENTS = 100_000;
export const MAX_EVENT_GROUPS = 100;

/** Normal Events that explain a problem: a container killed for a failed liveness probe is `Normal/Killing`. */
const telling = new Set(['Killing', 'Preempting', 'Evicted', 'NodeNotReady']);

interface Group {
  type: string;
  reason: string;
  kind: string;
  name: string;
  namespace?: string;
  fieldPath?: string;
  count: number;
  first?: string;
  last?: string;
  message?: string;
  reporter?: string;
}

/** `spec.containers{app}` → `app`. */
function containerOf(fieldPath: string | undefined): string | undefined {
  return fieldPath ? /\{([^}]+)\}/.exec(fieldPath)?.[1] : undefined;
}

function read(e: unknown): Group | undefined {
  // events.k8s.io/v1 names the object `regarding` and the text `note`; core/v1 says `involvedObject` and `message`.
  const obj = at(e, 'regarding') ?? at(e, 'involvedObject');
  const reason = asString(at(e, 'reason'), 128);
  const type = asString(at(e, 'type'), 32) ?? 'Normal';
  if (!reason || (type !== 'Warning' && !telling.has(reason))) return undefined;
  const count = asNumber(at(e, 'series', 'count')) ?? asNumber(at(e, 'count')) ?? asNumber(at(e, 'deprecatedCount')) ?? 1;
  const first = asTime(at(e, 'firstTimestamp')) ?? asTime(at(e, 'deprecatedFirstTimestamp')) ?? asTime(at(e, 'eventTime'));
  const last =
    asTime(at(e, 'series', 'lastObservedTime')) ?? asTime(at(e, 'lastTimestamp')) ?? asTime(at(e, 'deprecatedLastTimestamp')) ?? first;
  return {
    type,
    reason,
    kind: asString(at(obj, 'kind'), 64) ?? 'Unknown',
    name: asString(at(obj, 'name'), 253) ?? 'unknown',
    namespace: asString(at(obj, 'namespace'), 253) ?? asString(at(e, 'metadata', 'namespace'), 253),
    fieldPath: asString(at(obj, 'fieldPath'), 256),
    count: Math.max(1, Math.min(count, 1e9)),
    first,
    last,
    message: asString(at(e, 'note'), 512) ?? asString(at(e, 'message'), 512),
    reporter: asString(at(e, 'reportingController'), 128) ?? asString(at(e, 'source', 'component'), 128),
  };
}

function subjectOf(g: Group): Subject {
  const s: Subject = { namespace: g.namespace };
  if (g.kind === 'Pod') s.pod = g.name;
  else if (g.kind === 'Node') s.node = g.name;
  else s.object = `${g.kind}/${g.name}`;
  const container = containerOf(g.fieldPath);
  if (container) s.container = container;
  return s;
}

export function eventEvidence(events: unknown[]): Evidence[] {
  const groups = new Map<string, Group>();
  for (const e of events.slice(0, MAX_EVENTS)) {
    const g = read(e);
    if (!g) continue;
    const key = [g.type, g.reason, g.kind, g.name, containerOf(g.fieldPath) ?? ''].join('\u0000');
    const had = groups.get(key);
    if (!had) {
      groups.set(key, g);
      continue;
    }
    had.count += g.count;
    if (g.first && (!had.first || g.first < had.first)) had.first = g.first;
    if (g.last && (!had.last || g.last > had.last)) had.last = g.last;
    // Of the messages one reason gave, the longest usually names the cause ("Error: ErrImagePull" does not).
    if (g.message && (!had.message || g.message.length > had.message.length)) had.message = g.message;
  }
  const kept = [...groups.values()]
    .sort((a, b) => (a.type === b.type ? 0 : a.type === 'Warning' ? -1 : 1) || b.count - a.count)
    .slice(0, MAX_EVENT_GROUPS);
  return kept.map((g) => {
    const container = containerOf(g.fieldPath);
    const on = `${g.kind}/${g.name}${container ? ` container ${container}` : ''}`;
    return {
      id: `ev-event-${idPart(g.reason)}-${idPart(g.kind)}-${idPart(g.name)}${container ? `-${idPart(container)}` : ''}`,
      kind: 'event',
      source: 'event',
      summary: `${g.type} ${g.reason} on ${on} (×${g.count}): ${g.message ?? 'no message'}`,
      subject: subjectOf(g),
      data: {
        type: g.type,
        reason: g.reason,
        objectKind: g.kind,
        count: g.count,
        message: g.message ?? null,
        firstSeen: g.first ?? null,
        lastSeen: g.last ?? null,
        reportingController: g.reporter ?? null,
      },
      at: g.last,
    } satisfies Evidence;
  });
}
