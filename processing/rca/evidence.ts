/**
 * The deterministic half of root-cause analysis: plain data in (the PowerTool, its target pods, Events, what the
 * processors computed), evidence with stable ids and findings out. Each artifact kind draws its own evidence
 * (kinds/<kind>/evidence.ts); this adds the run's, its pods' and its Events', and runs the rules. No I/O and no
 * clock: the same input gives the same output, so a report can be rebuilt and two runs compared. Nothing here throws on malformed input; a
 * source that cannot be read becomes an `input-unreadable` evidence item instead.
 */
import { kinds } from '../kinds/index.ts';
import { asArray } from './loose.ts';
import { runRules } from './rules/index.ts';
import { eventEvidence, MAX_EVENTS } from './sources/events.ts';
import { MAX_PODS, podEvidence } from './sources/pods.ts';
import { powerToolEvidence, targetContainers } from './sources/powertool.ts';
import type { Evidence, EvidenceSet, RcaInput } from './types.ts';

export type { Evidence, EvidenceSet, Finding, RcaInput } from './types.ts';

function unreadable(source: string, err: unknown): Evidence {
  return {
    id: `ev-input-${source}-unreadable`,
    kind: 'input-unreadable',
    source: 'input',
    summary: `the ${source} input could not be read: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300),
    subject: {},
    data: { input: source },
  };
}

function truncated(source: string, total: number, kept: number): Evidence {
  return {
    id: `ev-input-${source}-truncated`,
    kind: 'input-truncated',
    source: 'input',
    summary: `only the first ${kept} of ${total} ${source} were read`,
    subject: {},
    data: { input: source, total, kept },
  };
}

export function buildEvidence(input: RcaInput): EvidenceSet {
  const safe = (input ?? {}) as Partial<RcaInput>;
  const evidence: Evidence[] = [];
  const run = (source: string, build: () => Evidence[]): void => {
    try {
      evidence.push(...build());
    } catch (err) {
      evidence.push(unreadable(source, err));
    }
  };
  const pods = asArray(safe.pods);
  const events = asArray(safe.events);
  run('powertool', () => powerToolEvidence(safe.powerTool));
  run('pods', () => podEvidence(pods, targetContainers(safe.powerTool)));
  run('events', () => eventEvidence(events));
  // In the kinds table's order (perf, strace, tcpdump, timeline, cgroup): the LLM prompt tie-breaks on it.
  for (const kind of kinds) run(kind.name, () => kind.rca.evidence(safe[kind.rca.key]));
  if (pods.length > MAX_PODS) evidence.push(truncated('pods', pods.length, MAX_PODS));
  if (events.length > MAX_EVENTS) evidence.push(truncated('events', events.length, MAX_EVENTS));
  // Two objects with the same name (a pod listed twice) would give two items one id; the first one stands.
  const seen = new Set<string>();
  const deduped = evidence.filter((e) => !seen.has(e.id) && seen.add(e.id));
  const { findings, errors } = runRules(deduped);
  return { evidence: [...deduped, ...errors.map((e, i) => unreadable(`rule-${i}`, e))], findings };
}
