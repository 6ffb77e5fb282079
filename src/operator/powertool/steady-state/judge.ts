import type { SteadyStateProbe } from '../../../api/index.ts';
import { parseDuration } from '../../../api/units.ts';
import type { CheckResult } from './evaluate.ts';

/** What an HTTP request returned: a status and its latency, or why there was no answer. */
export type HttpAnswer = { status: number; latencyMs: number } | { error: string };

export function judgeHttp(spec: NonNullable<SteadyStateProbe['http']>, answer: HttpAnswer): CheckResult {
  if ('error' in answer) return { ok: false, value: answer.error };
  const latency = `${Math.round(answer.latencyMs)}ms`;
  const value = `HTTP ${answer.status} in ${latency}`;
  if (answer.status !== spec.expectStatus) return { ok: false, value: `${value}, expected ${spec.expectStatus}` };
  const max = spec.maxLatency ? parseDuration(spec.maxLatency) : undefined;
  if (max !== undefined && answer.latencyMs > max) return { ok: false, value: `${value}, above maxLatency ${spec.maxLatency}` };
  return { ok: true, value };
}

export function judgeReplicas(kind: string, name: string, ready: number | undefined, min: number): CheckResult {
  if (ready === undefined) return { ok: false, value: `${kind} ${name} not found` };
  return { ok: ready >= min, value: `${ready} ready replica(s) of ${kind} ${name}, at least ${min} wanted` };
}

/** Restarts of the target containers since the first check (the baseline), against the allowed number. */
export function judgeRestarts(total: number, baseline: number | undefined, max: number, targets: number): CheckResult {
  if (targets === 0) return { ok: true, value: 'no targets selected yet' };
  const restarts = total - (baseline ?? total);
  return { ok: restarts <= max, value: `${restarts} restart(s) of the target containers, at most ${max} allowed`, restarts: total };
}
