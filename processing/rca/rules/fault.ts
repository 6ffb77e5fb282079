/** Faults: an effect far below what was asked, and a target slow to come back afterwards. */
import { finding, num, str, type Rule } from './rule.ts';

/** Below half of the requested effect, the experiment did not test what it meant to. */
const MIN_ACHIEVED = 0.5;
/** A minute is long for a service to come back after a short fault; most recover within a few samples. */
const SLOW_RECOVERY_SECONDS = 60;

export const faultHadNoEffect: Rule = (evidence) => {
  const effect = evidence.find((e) => e.id === 'ev-effect');
  const achieved = effect ? num(effect, 'achieved') : undefined;
  if (!effect || achieved === undefined || achieved >= MIN_ACHIEVED) return [];
  return [
    finding(
      'FaultHadNoEffect',
      'warning',
      'run',
      `The fault reached ${Math.round(achieved * 100)}% of the requested effect on ${str(effect, 'metric')}`,
      `Requested ${num(effect, 'requested') ?? '?'}, measured ${num(effect, 'measured') ?? '?'}${str(effect, 'unit') ?? ''}. A limit (the tool's own budget, the container's CPU or memory limit), a volume other than the one meant, or a target that was idle can hide the fault; conclusions from this run do not hold.`,
      [effect, ...evidence.filter((e) => e.id === 'ev-run')],
    ),
  ];
};

export const slowRecovery: Rule = (evidence) => {
  const recovery = evidence.find((e) => e.id === 'ev-recovery');
  if (!recovery) return [];
  const seconds = num(recovery, 'seconds');
  if (seconds !== undefined && seconds <= SLOW_RECOVERY_SECONDS) return [];
  return [
    finding(
      'SlowRecovery',
      seconds === undefined ? 'critical' : 'warning',
      'run',
      seconds === undefined ? 'The target did not recover after the fault' : `The target took ${seconds}s to recover after the fault`,
      seconds === undefined
        ? 'It had not returned to its baseline when the measurement ended: look for leaked state (memory not released, files left on the volume, a stuck worker).'
        : 'Recovery took longer than a minute: caches, connection pools or back-off timers may hold the effect after the fault ends.',
      [recovery, ...evidence.filter((e) => e.kind === 'series')],
    ),
  ];
};
