import type { ProbeStatus, SteadyStateProbe, SteadyStateStage, SteadyStateStatus } from '../../../api/index.ts';
import { parseDuration } from '../../../api/units.ts';
import type { ConditionInput } from '../../../kube/conditions.ts';

/** What one check saw: whether the probe held and a short text of the value, for status and Events. */
export interface CheckResult {
  ok: boolean;
  value: string;
  /** For maxRestarts: the restart count this check read, so the first one becomes the baseline. */
  restarts?: number;
}

const ms = (text: string) => parseDuration(text) ?? 0;
const since = (at: string | undefined, now: Date) => (at ? now.getTime() - Date.parse(at) : Infinity);

/**
 * One check folded into a probe's record. A failure counts as a breach only once the run has started; a run
 * aborts when failureThreshold failures come in a row during it; after the run, the first pass is the recovery.
 */
export function recordCheck(
  probe: SteadyStateProbe,
  prev: ProbeStatus | undefined,
  result: CheckResult,
  stage: SteadyStateStage,
  now: Date,
): ProbeStatus {
  const at = now.toISOString();
  const next: ProbeStatus = {
    ...(prev ?? { name: probe.name, checks: 0, failures: 0, consecutiveFailures: 0 }),
    checks: (prev?.checks ?? 0) + 1,
    failures: (prev?.failures ?? 0) + (result.ok ? 0 : 1),
    consecutiveFailures: result.ok ? 0 : (prev?.consecutiveFailures ?? 0) + 1,
    lastResult: result.ok ? 'Pass' : 'Fail',
    lastValue: result.value.slice(0, 256),
    lastCheckAt: at,
  };
  if (result.restarts !== undefined && next.baseline === undefined) next.baseline = result.restarts;
  if (!result.ok && stage !== 'Before' && !next.firstBreachAt) next.firstBreachAt = at;
  if (!result.ok && stage === 'During' && next.consecutiveFailures >= probe.failureThreshold && !next.breachedAt) next.breachedAt = at;
  if (result.ok && stage === 'After' && !next.recoveredAt) {
    next.recoveredAt = at;
    if (next.firstBreachAt) next.recoverySeconds = (now.getTime() - Date.parse(next.firstBreachAt)) / 1000;
  }
  return next;
}

/** The probes to check now: all of them before the start, those whose interval has passed later (after: until they pass). */
export function dueProbes(probes: SteadyStateProbe[], status: SteadyStateStatus | undefined, stage: SteadyStateStage, now: Date) {
  if (stage === 'Before') return probes;
  if (stage === 'Done') return [];
  return probes.filter((p) => {
    const record = status?.probes.find((s) => s.name === p.name);
    if (stage === 'After' && record?.recoveredAt) return false;
    return since(record?.lastCheckAt, now) >= ms(p.interval);
  });
}

/** Milliseconds until the next probe is due, for the reconciler's requeueAfter; undefined when none will be. */
export function nextCheckInMs(probes: SteadyStateProbe[], status: SteadyStateStatus | undefined, now: Date): number | undefined {
  if (!status || status.stage === 'Done' || status.stage === 'Before') return undefined;
  const waits = probes
    .filter((p) => !(status.stage === 'After' && status.probes.find((s) => s.name === p.name)?.recoveredAt))
    .map((p) => Math.max(0, ms(p.interval) - since(status.probes.find((s) => s.name === p.name)?.lastCheckAt, now)));
  return waits.length > 0 ? Math.min(...waits) : undefined;
}

/** The probe whose breach aborts the run, if any. */
export function breachOf(status: SteadyStateStatus | undefined): ProbeStatus | undefined {
  return status?.probes.find((p) => p.breachedAt);
}

/** After the run: every probe recovered, or the recovery time of one that did not has passed. */
export function recoveryDone(probes: SteadyStateProbe[], status: SteadyStateStatus, now: Date): boolean {
  const end = Date.parse(status.runEndedAt ?? now.toISOString());
  return probes.every((p) => {
    const record = status.probes.find((s) => s.name === p.name);
    return record?.recoveredAt !== undefined || now.getTime() >= end + ms(p.recoveryTimeout);
  });
}

export type Verdict = 'Held' | 'Breached' | 'NotRecovered' | 'NotHeldBeforeStart' | 'Checking';

/** The SteadyStateHeld condition from the records; its reason is the verdict. */
export function verdictOf(probes: SteadyStateProbe[], status: SteadyStateStatus): ConditionInput & { verdict: Verdict } {
  const records = probes.map((p) => status.probes.find((s) => s.name === p.name));
  const describe = (r: (typeof records)[number]) => `probe ${r?.name} saw ${r?.lastValue ?? 'nothing'}`;
  if (status.stage === 'Before') {
    const failed = records.filter((r) => r?.lastResult === 'Fail');
    if (failed.length > 0)
      return {
        type: 'SteadyStateHeld',
        status: 'False',
        reason: 'NotHeldBeforeStart',
        verdict: 'NotHeldBeforeStart',
        message: `the steady state did not hold before the start, so nothing ran: ${failed.map(describe).join('; ')}`,
      };
  }
  const breached = records.find((r) => r?.breachedAt);
  const unrecovered = records.filter((r) => !r?.recoveredAt);
  if (status.stage !== 'Done') {
    if (breached)
      return {
        type: 'SteadyStateHeld',
        status: 'False',
        reason: 'Breached',
        verdict: 'Breached',
        message: `${describe(breached)} ${breached.consecutiveFailures} time(s) in a row: the run was aborted; waiting for recovery`,
      };
    return { type: 'SteadyStateHeld', status: 'Unknown', reason: 'Checking', verdict: 'Checking', message: 'the probes are being checked' };
  }
  if (unrecovered.length > 0)
    return {
      type: 'SteadyStateHeld',
      status: 'False',
      reason: 'NotRecovered',
      verdict: 'NotRecovered',
      message: `did not pass again within recoveryTimeout after the run: ${unrecovered.map(describe).join('; ')}`,
    };
  if (breached)
    return {
      type: 'SteadyStateHeld',
      status: 'False',
      reason: 'Breached',
      verdict: 'Breached',
      message: `probe ${breached.name} breached (${breached.failures} failed check(s)), the run was aborted, and it recovered after ${breached.recoverySeconds ?? 0}s`,
    };
  const failures = records.reduce((n, r) => n + (r?.failures ?? 0), 0);
  return {
    type: 'SteadyStateHeld',
    status: 'True',
    reason: 'Held',
    verdict: 'Held',
    message: `every probe held during the run and passed after it (${failures} isolated failed check(s), below failureThreshold)`,
  };
}
