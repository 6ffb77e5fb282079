/**
 * Following a PowerTool to its end, as step lines: the run's phase and each target's progress, printed when they
 * change. `progressLines` is pure; `follow` polls the API (a second is fine for a run of seconds, and needs no
 * watch that could break).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { GROUP, VERSION, type PowerTool, type TargetStatus } from '../api/index.ts';
import { classify } from '../kube/errors.ts';

/** A run is over when the operator has recorded its end for the current spec (refusals and dry runs end at once). */
export function finished(pt: PowerTool & { metadata: { generation?: number } }): boolean {
  const s = pt.status;
  return s?.finishedAt !== undefined && (s.observedGeneration ?? 0) >= (pt.metadata.generation ?? 0);
}

/** Why the run was refused (a blocker condition), if it was. */
export function refusal(pt: PowerTool): string | undefined {
  const c = (pt.status?.conditions ?? []).find(
    (x) => (x.type === 'Conflicted' && x.status === 'True') || ((x.type === 'Admitted' || x.type === 'Selected') && x.status === 'False'),
  );
  return c ? `${c.reason}: ${c.message}` : undefined;
}

function targetLine(t: TargetStatus): string {
  const ended = t.phase === 'Succeeded' || t.phase === 'Failed' || t.phase === 'Stopped' || t.phase === 'Gone';
  const exit = ended && t.exitCode !== undefined ? `, exit ${t.exitCode}` : '';
  const why = t.phase === 'Failed' || t.phase === 'Gone' ? `${t.reason ? ` (${t.reason}${t.message ? `: ${t.message}` : ''})` : ''}` : '';
  return `${t.pod}: ${t.phase}${t.phase === 'Injected' ? ` as ${t.ephemeralContainer}` : ''}${exit}${why}`;
}

export function progressLines(prev: PowerTool | undefined, cur: PowerTool): string[] {
  const lines: string[] = [];
  const s = cur.status;
  if (s?.phase && s.phase !== prev?.status?.phase) {
    const counts = s.selected
      ? ` (${s.selected} selected, ${s.injected ?? 0} injected, ${s.succeeded ?? 0} succeeded, ${s.failed ?? 0} failed)`
      : '';
    const why = refusal(cur);
    lines.push(`phase ${s.phase}${counts}${why ? `: ${why}` : ''}`);
  }
  for (const t of s?.targets ?? []) {
    const before = prev?.status?.targets?.find((p) => p.pod === t.pod);
    if (!before || before.phase !== t.phase) lines.push(targetLine(t));
  }
  return lines;
}

export async function readPowerTool(custom: CustomObjectsApi, namespace: string, name: string): Promise<PowerTool | undefined> {
  try {
    return (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: 'powertools', name })) as PowerTool;
  } catch (err) {
    if (classify(err) === 'gone') return undefined;
    throw err;
  }
}

/** Polls until the run is over; each change goes to `onLine`. Resolves with the last state seen. */
export async function follow(
  custom: CustomObjectsApi,
  namespace: string,
  name: string,
  budgetMs: number,
  onLine: (line: string) => void,
  signal?: AbortSignal,
): Promise<PowerTool> {
  const until = Date.now() + budgetMs;
  let prev: PowerTool | undefined;
  for (;;) {
    signal?.throwIfAborted();
    const cur = await readPowerTool(custom, namespace, name);
    if (!cur) throw new Error(`PowerTool ${namespace}/${name} was deleted while we followed it`);
    for (const line of progressLines(prev, cur)) onLine(line);
    prev = cur;
    if (finished(cur)) return cur;
    if (Date.now() > until) {
      throw new Error(
        `PowerTool ${namespace}/${name} did not finish within ${Math.round(budgetMs / 1000)}s (phase ${cur.status?.phase ?? 'none yet'}); see \`kubectl describe pt -n ${namespace} ${name}\``,
      );
    }
    await sleep(1000, undefined, { signal });
  }
}
