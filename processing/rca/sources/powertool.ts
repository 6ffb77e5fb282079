/**
 * Evidence from the PowerTool itself: what ran, and how each target's tool ended (exit code, reason, the result
 * line's exitReason, partial artifacts), plus the conditions that report a refusal.
 */
import type { Evidence } from '../types.ts';
import { asArray, asNumber, asRecord, asString, at, idPart } from '../loose.ts';

export const MAX_TARGETS = 1000;

/** Conditions whose True status is itself a finding's evidence. */
const tellingConditions = new Set(['SignalNotDeliverable', 'Conflicted', 'AdmissionDenied']);

export function powerToolEvidence(powerTool: unknown): Evidence[] {
  const namespace = asString(at(powerTool, 'metadata', 'namespace'), 253);
  const status = asRecord(at(powerTool, 'status'));
  const tool = asString(at(powerTool, 'spec', 'tool', 'name'), 64) ?? 'unknown';
  const targets = asArray(status.targets, MAX_TARGETS);
  const out: Evidence[] = [
    {
      id: 'ev-run',
      kind: 'run',
      source: 'powertool',
      summary: `tool ${tool} ran for ${asString(at(powerTool, 'spec', 'tool', 'duration'), 32) ?? 'its default duration'} on ${targets.length} target(s); phase ${asString(status.phase, 32) ?? 'unknown'}`,
      subject: { namespace },
      data: {
        tool,
        duration: asString(at(powerTool, 'spec', 'tool', 'duration'), 32) ?? null,
        phase: asString(status.phase, 32) ?? null,
        selected: asNumber(status.selected) ?? null,
        succeeded: asNumber(status.succeeded) ?? null,
        failed: asNumber(status.failed) ?? null,
      },
    },
  ];
  for (const c of asArray(status.conditions, 64)) {
    const type = asString(at(c, 'type'), 64);
    if (!type || at(c, 'status') !== 'True' || !tellingConditions.has(type)) continue;
    out.push({
      id: `ev-condition-${idPart(type)}`,
      kind: 'powertool-condition',
      source: 'powertool',
      summary: `PowerTool condition ${type}: ${asString(at(c, 'message'), 300) ?? asString(at(c, 'reason'), 128) ?? ''}`,
      subject: { namespace },
      data: { type, reason: asString(at(c, 'reason'), 128) ?? null, message: asString(at(c, 'message'), 512) ?? null },
    });
  }
  out.push(...steadyStateEvidence(namespace, status));
  for (const t of targets) {
    const pod = asString(at(t, 'pod'), 253);
    if (!pod) continue;
    const result = asRecord(at(t, 'result'));
    const exitReason = asString(result.exitReason, 64);
    const phase = asString(at(t, 'phase'), 32);
    const exitCode = asNumber(at(t, 'exitCode'));
    const reason = asString(at(t, 'reason'), 128);
    const subject = { namespace, pod, container: asString(at(t, 'container'), 253) };
    out.push({
      id: `ev-tool-${idPart(pod)}`,
      kind: 'tool-result',
      source: 'powertool',
      summary: `tool on pod ${pod}: phase ${phase ?? 'unknown'}, exit code ${exitCode ?? 'none'}${reason ? `, reason ${reason}` : ''}${exitReason ? `, result ${exitReason}` : ''}${asString(result.message, 200) ? `: ${asString(result.message, 200)}` : ''}`,
      subject,
      data: {
        phase: phase ?? null,
        exitCode: exitCode ?? null,
        reason: reason ?? null,
        exitReason: exitReason ?? null,
        partial: result.partial === true,
        message: asString(at(t, 'message'), 512) ?? asString(result.message, 512) ?? null,
        ephemeralContainer: asString(at(t, 'ephemeralContainer'), 253) ?? null,
      },
    });
    const partial = asArray(at(t, 'artifacts'), 32)
      .filter((a) => at(a, 'partial') === true)
      .map((a) => asString(at(a, 'name'), 253) ?? '?');
    if (partial.length > 0 || result.partial === true) {
      out.push({
        id: `ev-partial-${idPart(pod)}`,
        kind: 'partial-artifacts',
        source: 'powertool',
        summary: `output from pod ${pod} is partial${partial.length > 0 ? `: ${partial.join(', ')}` : ''}`,
        subject,
        data: { artifacts: partial.join(',') || null, count: partial.length },
      });
    }
  }
  return out;
}

/** Pod name → the container the tool attached to, so pod evidence can tell the app from its sidecars. */
export function targetContainers(powerTool: unknown): Map<string, string> {
  const map = new Map<string, string>();
  const fallback = asString(at(powerTool, 'spec', 'targets', 'container'), 253);
  for (const t of asArray(at(powerTool, 'status', 'targets'), MAX_TARGETS)) {
    const pod = asString(at(t, 'pod'), 253);
    const container = asString(at(t, 'container'), 253) ?? fallback;
    if (pod && container) map.set(pod, container);
  }
  return map;
}

/**
 * The steady-state verdict (condition SteadyStateHeld) and one item per probe record: what the hypothesis was
 * checked with, whether it held, and when it broke and recovered.
 */
function steadyStateEvidence(namespace: string | undefined, status: Record<string, unknown>): Evidence[] {
  const probes = asArray(at(status, 'steadyState', 'probes'), 8);
  if (probes.length === 0) return [];
  const held = asArray(status.conditions, 64).find((c) => at(c, 'type') === 'SteadyStateHeld');
  const verdict = asString(at(held, 'reason'), 64) ?? 'Checking';
  const out: Evidence[] = [
    {
      id: 'ev-steady-state',
      kind: 'steady-state',
      source: 'powertool',
      summary: `steady state ${verdict}${asString(at(held, 'message'), 300) ? `: ${asString(at(held, 'message'), 300)}` : ''}`,
      subject: { namespace },
      data: { verdict, held: asString(at(held, 'status'), 16) ?? 'Unknown' },
    },
  ];
  for (const p of probes) {
    const name = asString(at(p, 'name'), 63);
    if (!name) continue;
    const breachedAt = asString(at(p, 'breachedAt'), 64);
    const recoverySeconds = asNumber(at(p, 'recoverySeconds'));
    const checks = asNumber(at(p, 'checks')) ?? 0;
    const failures = asNumber(at(p, 'failures')) ?? 0;
    out.push({
      id: `ev-probe-${idPart(name)}`,
      kind: 'steady-state-probe',
      source: 'powertool',
      summary: `steady-state probe ${name}: ${failures} of ${checks} check(s) failed, last ${asString(at(p, 'lastValue'), 128) ?? 'nothing'}${breachedAt ? `; breached at ${breachedAt}, the run aborted` : ''}${recoverySeconds !== undefined ? `; recovered after ${recoverySeconds}s` : ''}`,
      subject: { namespace },
      data: {
        probe: name,
        checks,
        failures,
        lastResult: asString(at(p, 'lastResult'), 8) ?? null,
        firstBreachAt: asString(at(p, 'firstBreachAt'), 64) ?? null,
        breachedAt: breachedAt ?? null,
        recoveredAt: asString(at(p, 'recoveredAt'), 64) ?? null,
        recoverySeconds: recoverySeconds ?? null,
      },
    });
  }
  return out;
}
