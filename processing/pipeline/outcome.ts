/**
 * What each run's PowerTool status says happened, in the report's terms: the per-target table and the steady-state
 * verdict. Pure; the status is the operator's record, so the report repeats it rather than re-deriving it.
 */
import type { ProbeView, SteadyStateView, TargetRow } from '../report/model.ts';
import type { RunPowerTool } from '../run.ts';

const nameOf = (pt: RunPowerTool): string => `${pt.metadata.namespace ?? ''}/${pt.metadata.name}`;

export function targetRows(pts: readonly RunPowerTool[]): TargetRow[] {
  return pts.flatMap((pt) =>
    (pt.status?.targets ?? []).map((t): TargetRow => {
      const artifacts = t.artifacts ?? [];
      return {
        powerTool: nameOf(pt),
        pod: t.pod,
        container: t.container,
        phase: t.phase,
        ...(t.reason ? { reason: t.reason } : {}),
        ...(t.stopReason ? { stopReason: t.stopReason } : {}),
        ...(t.startedAt ? { startedAt: t.startedAt } : {}),
        ...(t.finishedAt ? { finishedAt: t.finishedAt } : {}),
        ...(t.exitCode !== undefined ? { exitCode: t.exitCode } : {}),
        partial: artifacts.some((a) => a.partial) || t.result?.partial === true,
        artifacts: artifacts.length,
        bytes: artifacts.reduce((n, a) => n + a.bytes, 0),
        ...(t.message ? { message: t.message } : {}),
      };
    }),
  );
}

export function steadyStateViews(pts: readonly RunPowerTool[]): SteadyStateView[] {
  return pts.flatMap((pt) => {
    const spec = pt.spec.steadyState;
    if (!spec || spec.length === 0) return [];
    const held = pt.status?.conditions?.find((c) => c.type === 'SteadyStateHeld');
    const records = pt.status?.steadyState?.probes ?? [];
    const probes = spec.map((p): ProbeView => {
      const r = records.find((x) => x.name === p.name);
      return {
        name: p.name,
        kind: p.kind,
        checks: r?.checks ?? 0,
        failures: r?.failures ?? 0,
        ...(r?.lastResult ? { lastResult: r.lastResult } : {}),
        ...(r?.lastValue ? { lastValue: r.lastValue } : {}),
        ...(r?.firstBreachAt ? { firstBreachAt: r.firstBreachAt } : {}),
        ...(r?.breachedAt ? { breachedAt: r.breachedAt } : {}),
        ...(r?.recoveredAt ? { recoveredAt: r.recoveredAt } : {}),
        ...(r?.recoverySeconds !== undefined ? { recoverySeconds: r.recoverySeconds } : {}),
      };
    });
    const status = held?.status === 'True' || held?.status === 'False' ? held.status : 'Unknown';
    return [
      {
        powerTool: nameOf(pt),
        verdict: held?.reason ?? 'Checking',
        held: status,
        ...(held?.message ? { message: held.message } : {}),
        probes,
      },
    ];
  });
}
