/** The chaos hypothesis: the steady state the PowerTool was asked to keep did not hold. */
import type { Finding } from '../types.ts';
import { finding, ofKind, str, type Rule } from './rule.ts';

const BROKEN: Record<string, string> = {
  Breached: 'broke during the run, which was aborted',
  NotRecovered: 'did not recover after the run',
  NotHeldBeforeStart: 'did not hold before the start, so nothing ran',
};

export const steadyStateBroken: Rule = (evidence) => {
  const verdict = ofKind(evidence, 'steady-state')[0];
  const what = verdict ? BROKEN[str(verdict, 'verdict') ?? ''] : undefined;
  if (!verdict || !what) return [];
  const probes = ofKind(evidence, 'steady-state-probe').filter(
    (p) => (Number(p.data.failures) || 0) > 0 || p.data.breachedAt !== null || p.data.recoveredAt === null,
  );
  const names = probes.map((p) => String(p.data.probe)).join(', ');
  const run = evidence.find((e) => e.id === 'ev-run');
  const out: Finding[] = [
    finding(
      'SteadyStateBroken',
      'critical',
      'run',
      `The steady state ${what}`,
      `${names ? `Probe(s) ${names} failed. ` : ''}The system did not stay healthy under this fault: the hypothesis is refuted. Read the fault's timeline against the first breach, and the recovery time against what the service promises.`,
      [verdict, ...probes, ...(run ? [run] : [])],
    ),
  ];
  return out;
};
