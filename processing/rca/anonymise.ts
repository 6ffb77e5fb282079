/**
 * Names out, placeholders in, and back. When `analysis.anonymize` is set, the names of pods, namespaces, nodes,
 * containers, other objects and images never leave the cluster: each becomes a stable placeholder (`pod-1`), the
 * same name always the same placeholder within one request, numbered in sorted order so that one input always
 * gives one prompt. Evidence ids carry names too and are rewritten the same way; the answer's text and ids are
 * mapped back before anyone reads them.
 *
 * Replacement is by whole name, not by word: "api" inside "api-gateway" is left alone, but a container called
 * "api" is replaced wherever the word stands on its own, even in prose. Erring that way leaks nothing.
 */
import { idPart } from './loose.ts';
import type { Evidence, Subject } from './types.ts';

type Category = keyof Subject;

/** Checked in this order: a name that is both a pod and a container gets the pod's placeholder. */
const categories: [Category, string][] = [
  ['image', 'image'],
  ['pod', 'pod'],
  ['object', 'object'],
  ['node', 'node'],
  ['namespace', 'ns'],
  ['container', 'container'],
];

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Kubernetes names are [a-z0-9-.]; '_' and '.' around a name are separators (kubelet writes `pod_namespace`).
const boundary = (alternatives: string[]): RegExp =>
  new RegExp(`(?<![A-Za-z0-9-])(?:${alternatives.map(escape).join('|')})(?![A-Za-z0-9-])`, 'g');

export class Anonymiser {
  private readonly toPlaceholder = new Map<string, string>();
  private readonly toName = new Map<string, string>();
  private readonly idParts = new Map<string, string>();
  private readonly hideRe: RegExp | undefined;
  private readonly revealRe: RegExp | undefined;

  constructor(evidence: readonly Evidence[]) {
    for (const [category, prefix] of categories) {
      const names = new Set<string>();
      for (const e of evidence) {
        const value = e.subject[category];
        // `Deployment/web`: the kind is no secret, the name is.
        const name = category === 'object' ? value?.split('/').slice(1).join('/') : value;
        if (name && !this.toPlaceholder.has(name)) names.add(name);
      }
      [...names].sort().forEach((name, i) => {
        const placeholder = `${prefix}-${i + 1}`;
        this.toPlaceholder.set(name, placeholder);
        this.toName.set(placeholder, name);
        this.idParts.set(idPart(name), placeholder);
      });
    }
    const byLength = (m: Map<string, string>): string[] => [...m.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    this.hideRe = this.toPlaceholder.size > 0 ? boundary(byLength(this.toPlaceholder)) : undefined;
    this.revealRe = this.toName.size > 0 ? boundary(byLength(this.toName)) : undefined;
  }

  /** How many names were replaced. */
  get size(): number {
    return this.toPlaceholder.size;
  }

  hide(text: string): string {
    return this.hideRe ? text.replace(this.hideRe, (m) => this.toPlaceholder.get(m) ?? m) : text;
  }

  reveal(text: string): string {
    return this.revealRe ? text.replace(this.revealRe, (m) => this.toName.get(m) ?? m) : text;
  }

  /**
   * An evidence id with the id-forms of names replaced. Ids join parts with '-', so names are matched as runs of
   * whole segments, longest first, and a replaced run is never matched again.
   */
  hideId(id: string): string {
    let segments = id.split('-').map((s) => ({ text: s, fixed: false }));
    const parts = [...this.idParts.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    for (const part of parts) {
      const want = part.split('-');
      const out: typeof segments = [];
      for (let i = 0; i < segments.length;) {
        const run = segments.slice(i, i + want.length);
        if (i > 0 && run.length === want.length && run.every((s, j) => !s.fixed && s.text === want[j])) {
          out.push({ text: this.idParts.get(part) as string, fixed: true });
          i += want.length;
        } else {
          out.push(segments[i] as (typeof segments)[number]);
          i += 1;
        }
      }
      segments = out;
    }
    return segments.map((s) => s.text).join('-');
  }
}
