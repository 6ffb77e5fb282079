/**
 * The prompt: instructions, the deterministic findings, then the evidence, one JSON object per line, cut to a
 * token budget. Tokens are estimated at four characters each (English and JSON average three to four with the
 * common tokenizers; the estimate errs towards sending less). Evidence goes in by weight, the severity of the
 * most severe finding that cites it, uncited evidence last; at the first item that does not fit, it and
 * everything lighter is cut, so a lighter item never displaces a heavier one, and the prompt says what was cut.
 */
import { Anonymiser } from './anonymise.ts';
import { severityRank, type Evidence, type EvidenceSet, type Finding } from './types.ts';

export const CHARS_PER_TOKEN = 4;

export const systemPrompt = [
  'You are a site reliability engineer analysing a Kubernetes workload.',
  'TOE, an observability tool, ran a profiler or a fault against the pods and collected the evidence below;',
  'deterministic rules already drew the findings listed. Explain the most likely root cause.',
  'Answer only with JSON that matches the given schema. In likelyCauses, cite evidence by the ids given',
  '(the "id" field), exactly as written, and only those; a cause without evidence must be left out.',
  'Confidence is a number from 0 to 1. Next steps are concrete actions for the workload owner.',
].join(' ');

export interface Prompt {
  system: string;
  user: string;
  /** The ids as sent (anonymised when asked) → the real ids. */
  ids: Map<string, string>;
  anonymiser?: Anonymiser;
  stats: PromptStats;
}

export interface PromptStats {
  estimatedTokens: number;
  evidenceSent: number;
  evidenceCut: number;
  findingsSent: number;
  anonymised: boolean;
}

export const estimateTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

/** Rank of each evidence id: the best severity of the findings citing it; 3 for uncited evidence. */
function weights(findings: readonly Finding[]): Map<string, number> {
  const w = new Map<string, number>();
  for (const f of findings) for (const id of f.evidence) w.set(id, Math.min(w.get(id) ?? 3, severityRank[f.severity]));
  return w;
}

const weightName = ['critical', 'warning', 'info', 'uncited'];

export function buildPrompt(set: EvidenceSet, maxInputTokens: number, anonymise: boolean): Prompt {
  const anonymiser = anonymise ? new Anonymiser(set.evidence) : undefined;
  const hide = (s: string): string => (anonymiser ? anonymiser.hide(s) : s);
  const ids = new Map<string, string>();
  const sentId = new Map<string, string>();
  for (const e of set.evidence) {
    let id = anonymiser ? anonymiser.hideId(e.id) : e.id;
    // A name that reads like a kind word could make two ids one; then numbering keeps them apart.
    if (ids.has(id)) id = `ev-${ids.size + 1}`;
    ids.set(id, e.id);
    sentId.set(e.id, id);
  }
  const w = weights(set.findings);
  const ordered = set.evidence.map((e, i) => ({ e, i, weight: w.get(e.id) ?? 3 })).sort((a, b) => a.weight - b.weight || a.i - b.i);
  const line = (e: Evidence, weight: number): string => {
    const data = Object.fromEntries(Object.entries(e.data).map(([k, v]) => [k, typeof v === 'string' ? hide(v) : v]));
    return JSON.stringify({ id: sentId.get(e.id), kind: e.kind, weight: weightName[weight], summary: hide(e.summary), at: e.at, data });
  };
  // Measured with every id first; written at the end with only the ids that made it into the prompt.
  const findingLine = (f: Finding, sent?: Map<string, string>): string =>
    `- [${f.severity}] ${f.cause}: ${hide(f.title)} (evidence: ${f.evidence
      .map((id) => sentId.get(id) as string)
      .filter((id) => !sent || sent.has(id))
      .join(', ')})`;

  const head = 'Findings of the deterministic rules:\n';
  const mid = '\nEvidence, one JSON object per line:\n';
  // Room for the note on what was cut, so adding it never breaks the budget.
  const reserve = 80;
  let used = estimateTokens(systemPrompt + head + mid) + reserve;
  const findingsSent: Finding[] = [];
  for (const f of set.findings) {
    const l = findingLine(f);
    if (used + estimateTokens(l + '\n') > maxInputTokens) break;
    used += estimateTokens(l + '\n');
    findingsSent.push(f);
  }
  const evidenceLines: string[] = [];
  const cut: typeof ordered = [];
  for (const item of ordered) {
    const l = line(item.e, item.weight);
    if (cut.length > 0 || used + estimateTokens(l + '\n') > maxInputTokens) {
      cut.push(item);
      ids.delete(sentId.get(item.e.id) as string);
      continue;
    }
    used += estimateTokens(l + '\n');
    evidenceLines.push(l);
  }
  let note = '';
  if (cut.length > 0) {
    const byWeight = new Map<string, number>();
    for (const c of cut) byWeight.set(weightName[c.weight] as string, (byWeight.get(weightName[c.weight] as string) ?? 0) + 1);
    note = `\n${cut.length} evidence item(s) were left out to fit the token budget (${[...byWeight].map(([k, n]) => `${n} ${k}`).join(', ')}); do not cite them.`;
  }
  const findingLines = findingsSent.map((f) => findingLine(f, ids));
  if (findingLines.length < set.findings.length)
    note += `\n${set.findings.length - findingLines.length} lower-severity finding(s) were left out.`;
  const user = `${head}${findingLines.join('\n') || '(none)'}\n${mid}${evidenceLines.join('\n')}${note}`;
  return {
    system: systemPrompt,
    user,
    ids,
    anonymiser,
    stats: {
      estimatedTokens: estimateTokens(systemPrompt + user),
      evidenceSent: evidenceLines.length,
      evidenceCut: cut.length,
      findingsSent: findingLines.length,
      anonymised: anonymise,
    },
  };
}
