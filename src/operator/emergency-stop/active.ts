/**
 * Which emergency stop is in force, and how every refusal names it. Pure: callers pass what their cache holds.
 *
 * The stop is active while any EmergencyStop object exists and is not being deleted; with several, the oldest
 * names it (the first to be pulled is the one people are talking about). Who pulled it comes from the
 * requested-by annotation admission writes, which a user cannot set (admission/requested-by.ts); without
 * admission running the annotation is whatever the creator wrote (the API server's audit log is then the record).
 */
import { REQUESTED_BY_ANNOTATION, requester, type EmergencyStop, type Requester } from '../../api/index.ts';

export type LiveEmergencyStop = EmergencyStop & {
  metadata: EmergencyStop['metadata'] & { creationTimestamp?: string; deletionTimestamp?: string; uid?: string; generation?: number };
};

export function activeStop(stops: readonly LiveEmergencyStop[]): LiveEmergencyStop | undefined {
  return [...stops]
    .filter((s) => !s.metadata.deletionTimestamp)
    .sort(
      (a, b) =>
        (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
        a.metadata.name.localeCompare(b.metadata.name),
    )[0];
}

/** The requester admission recorded, or undefined when the annotation is missing or not what admission writes. */
export function requesterOf(stop: LiveEmergencyStop): Requester | undefined {
  const raw = stop.metadata.annotations?.[REQUESTED_BY_ANNOTATION];
  if (!raw) return undefined;
  try {
    const parsed = requester.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** `EmergencyStop "x" (pulled by alice at 2026-12-07T13:00:00Z: "reason")`, for messages and conditions. */
export function describeStop(stop: LiveEmergencyStop): string {
  const by = requesterOf(stop)?.username;
  const when = stop.metadata.creationTimestamp ? ` at ${stop.metadata.creationTimestamp}` : '';
  return `EmergencyStop "${stop.metadata.name}" (pulled by ${by ?? 'an unrecorded user'}${when}: "${stop.spec.reason}")`;
}

/** How to release it, both ways. */
export function clearHint(stop: LiveEmergencyStop): string {
  return `clear it with \`toe stop --clear\` or \`kubectl delete emergencystop ${stop.metadata.name}\``;
}

/** Why a new run may not start, for admission and the reconciler alike. */
export function refusalMessage(stop: LiveEmergencyStop): string {
  return `${describeStop(stop)} is active: no PowerTool may start until it is cleared; ${clearHint(stop)}`;
}
