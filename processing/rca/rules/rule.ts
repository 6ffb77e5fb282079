/**
 * What a rule is: a pure function from the evidence to findings. Rules read evidence, never the raw input, so
 * every finding can cite what it rests on and the LLM sees the same facts the rules saw.
 */
import type { Cause, Evidence, EvidenceValue, Finding, Severity } from '../types.ts';

export type Rule = (evidence: readonly Evidence[]) => Finding[];

export function ofKind(evidence: readonly Evidence[], kind: string): Evidence[] {
  return evidence.filter((e) => e.kind === kind);
}

/** Event evidence whose reason is one of `reasons` and, when given, whose message matches `message`. */
export function events(evidence: readonly Evidence[], reasons: readonly string[], message?: RegExp): Evidence[] {
  return evidence.filter(
    (e) => e.kind === 'event' && reasons.includes(String(e.data.reason)) && (!message || message.test(String(e.data.message ?? ''))),
  );
}

export function num(e: Evidence, key: string): number | undefined {
  const v: EvidenceValue | undefined = e.data[key];
  return typeof v === 'number' ? v : undefined;
}

export function str(e: Evidence, key: string): string | undefined {
  const v: EvidenceValue | undefined = e.data[key];
  return typeof v === 'string' ? v : undefined;
}

/** Evidence about the same pod (and container, when both name one). */
export function sameTarget(a: Evidence, b: Evidence): boolean {
  if (!a.subject.pod || a.subject.pod !== b.subject.pod) return false;
  return !a.subject.container || !b.subject.container || a.subject.container === b.subject.container;
}

export function finding(cause: Cause, severity: Severity, key: string, title: string, detail: string, cited: readonly Evidence[]): Finding {
  const ids = [...new Set(cited.map((e) => e.id))];
  const kebab = cause
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
  return { id: `f-${kebab}-${key}`, severity, cause, title, detail, evidence: ids };
}

/** The id fragment of a pod/container subject. */
export function subjectKey(e: Evidence): string {
  return e.id.replace(/^ev-[a-z]+-/, '');
}
