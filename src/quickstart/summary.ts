/** The quickstart's closing text (stdout): per target, the hottest functions, where the data is, what to run next. Pure. */
import type { FunctionRow } from '../../processing/kinds/perf/flame.ts';
import type { PowerTool, TargetStatus } from '../api/index.ts';

export interface SummaryInput {
  pt: PowerTool;
  targets: TargetStatus[];
  top: FunctionRow[];
  samples: number;
  report: string;
  reportsDir: string;
  /** How to call kubectl here: "kubectl", or its full path when it is not on PATH. */
  kubectl: string;
  /** Set when the user's shell needs `export KUBECONFIG=…` for kubectl to reach this cluster. */
  exportKubeconfig?: string;
  /** The local toe cluster (so `toe cluster down` is a next step). */
  local: boolean;
  notes: string[];
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** The tool's own result line (status.targets[].result), in one line: how it ended and what it collected. */
export function resultSummary(t: TargetStatus): string {
  const r = t.result as { exitReason?: unknown; partial?: unknown; artifacts?: unknown; message?: unknown } | undefined;
  if (!r) return t.message ?? t.reason ?? '(no result recorded)';
  const artifacts = Array.isArray(r.artifacts)
    ? (r.artifacts as { name?: unknown; bytes?: unknown; partial?: unknown }[]).map(
        (a) => `${String(a.name)} ${typeof a.bytes === 'number' ? formatBytes(a.bytes) : '?'}${a.partial === true ? ' (partial)' : ''}`,
      )
    : [];
  const message =
    typeof r.message === 'string' && r.message ? ` — ${r.message.length > 120 ? `${r.message.slice(0, 117)}...` : r.message}` : '';
  return `${String(r.exitReason ?? 'ended')}${r.partial === true ? ', partial' : ''}${artifacts.length ? `: ${artifacts.join(', ')}` : ''}${message}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}`);
}

export function formatSummary(s: SummaryInput): string {
  const ns = s.pt.metadata.namespace ?? '';
  const st = s.pt.status;
  const lines: string[] = [];
  lines.push(
    `PowerTool ${ns}/${s.pt.metadata.name}: ${st?.phase ?? 'unknown'} (${st?.succeeded ?? 0} of ${st?.selected ?? 0} targets succeeded)`,
    '',
  );
  lines.push(
    ...table([
      ['POD', 'EXIT', 'RESULT'],
      ...s.targets.map((t) => [t.pod, t.exitCode === undefined ? '-' : String(t.exitCode), resultSummary(t)]),
    ]),
    '',
  );
  const top = s.top.filter((f) => f.self > 0).slice(0, 5);
  if (top.length > 0) {
    lines.push(`Hottest functions (all targets, ${s.samples} samples; self = in the function itself, total = with what it calls):`);
    const pct = (n: number): string => `${n.toFixed(1)}%`;
    lines.push(
      ...table([
        ['SELF', 'TOTAL', 'FUNCTION'],
        ...top.map((f) => [pct(f.selfPercent).padStart(6), pct(f.totalPercent).padStart(6), f.name]),
      ]),
      '',
    );
  } else {
    lines.push("No profile samples were read from the tools' logs.", '');
  }
  for (const n of s.notes) lines.push(`Note: ${n}`);
  if (s.notes.length) lines.push('');
  lines.push('Full output of each tool (perf.script between TOE-ARTIFACT markers, then the TOE-RESULT line):');
  lines.push(...s.targets.map((t) => `  ${s.kubectl} logs -n ${ns} ${t.pod} -c ${t.ephemeralContainer}`), '');
  lines.push(`Report: ${s.report}`, `  serve it with: npx toe reports --dir ${s.reportsDir} --listen 127.0.0.1:8081`, '');
  lines.push('Next:');
  if (s.exportKubeconfig) lines.push(`  export KUBECONFIG=${s.exportKubeconfig}`);
  lines.push(
    `  ${s.kubectl} get pt -n ${ns}        # this run and the earlier ones`,
    '  npx toe tutorial             # Hello PowerTool, step by step',
  );
  if (s.local) lines.push('  npx toe cluster down         # stop the local cluster (up again in ~30 s)');
  return `${lines.join('\n')}\n`;
}
