/**
 * The verdicts as JUnit XML, the format every CI system reads, so a job can fail on a broken hypothesis: one
 * suite per run's steady state (a test case per probe, failed when it breached or did not recover, or when the
 * steady state did not hold before the start) and one suite of targets (failed when the tool failed there,
 * skipped when it never ran). The shape follows the schema in junit.xsd beside this file.
 */
import type { ReportModel, SteadyStateView, TargetRow } from '../model.ts';

/** XML 1.0 text: markup escaped, and the control characters XML cannot carry at all replaced. */
export function xmlText(s: string): string {
  return (
    s
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
  );
}

interface Case {
  classname: string;
  name: string;
  seconds?: number;
  failure?: { type: string; message: string };
  skipped?: string;
  out?: string;
}

const span = (from?: string, to?: string): number | undefined => {
  const s = from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : NaN;
  return Number.isFinite(s) && s >= 0 ? s : undefined;
};

function probeCases(v: SteadyStateView): Case[] {
  const classname = `${v.powerTool.replace('/', '.')}.steadyState`;
  return v.probes.map((p): Case => {
    const out = `checks ${p.checks}, failed ${p.failures}${p.lastValue ? `, last ${p.lastResult ?? ''} ${p.lastValue}` : ''}`;
    let failure: Case['failure'];
    if (v.verdict === 'NotHeldBeforeStart' && p.lastResult === 'Fail')
      failure = { type: 'NotHeldBeforeStart', message: `did not hold before the start: ${p.lastValue ?? ''}` };
    else if (p.breachedAt)
      failure = {
        type: 'Breached',
        message: `breached at ${p.breachedAt}, the run was aborted${p.recoveredAt ? `; recovered after ${p.recoverySeconds ?? 0}s` : ''}`,
      };
    else if (v.verdict === 'NotRecovered' && !p.recoveredAt)
      failure = { type: 'NotRecovered', message: 'did not pass again within recoveryTimeout after the run' };
    return {
      classname,
      name: p.name,
      ...(failure ? { failure } : {}),
      ...(!failure && v.held === 'Unknown' ? { skipped: 'the verdict is not in yet' } : {}),
      out,
    };
  });
}

const NOT_RUN = new Set(['Pending', 'Injected', 'Gone']);

function targetCase(t: TargetRow): Case {
  const base = { classname: `${t.powerTool.replace('/', '.')}.targets`, name: `${t.pod}/${t.container}` };
  const seconds = span(t.startedAt, t.finishedAt);
  const out = [t.stopReason ? `stopped: ${t.stopReason}` : '', t.partial ? 'partial data' : '', t.message ?? ''].filter(Boolean).join('; ');
  if (t.phase === 'Failed')
    return {
      ...base,
      ...(seconds !== undefined ? { seconds } : {}),
      failure: { type: t.reason ?? 'Failed', message: t.message ?? `exit code ${t.exitCode ?? '?'}` },
    };
  if (NOT_RUN.has(t.phase) || t.phase === 'Running') return { ...base, skipped: `${t.phase}${t.message ? `: ${t.message}` : ''}` };
  return { ...base, ...(seconds !== undefined ? { seconds } : {}), ...(out ? { out } : {}) };
}

function suite(name: string, cases: Case[], timestamp: string): string {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const total = cases.reduce((n, c) => n + (c.seconds ?? 0), 0);
  const body = cases.map((c) => {
    const attrs = `classname="${xmlText(c.classname)}" name="${xmlText(c.name)}" time="${(c.seconds ?? 0).toFixed(3)}"`;
    const inner = [
      c.failure
        ? `<failure type="${xmlText(c.failure.type)}" message="${xmlText(c.failure.message)}">${xmlText(c.failure.message)}</failure>`
        : '',
      c.skipped !== undefined ? `<skipped message="${xmlText(c.skipped)}"/>` : '',
      c.out ? `<system-out>${xmlText(c.out)}</system-out>` : '',
    ].join('');
    return `    <testcase ${attrs}${inner ? `>${inner}</testcase>` : '/>'}`;
  });
  return `  <testsuite name="${xmlText(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${total.toFixed(3)}" timestamp="${xmlText(timestamp.replace(/\.\d+Z$|Z$/, ''))}">\n${body.join('\n')}${body.length ? '\n' : ''}  </testsuite>`;
}

export function reportJunit(model: ReportModel): string {
  const suites = [
    ...(model.steadyState ?? []).map((v) => ({ name: `${v.powerTool} steady state`, cases: probeCases(v) })),
    { name: `${model.run.namespace}/${model.run.name} targets`, cases: (model.targets ?? []).map(targetCase) },
  ];
  const all = suites.flatMap((s) => s.cases);
  const failures = all.filter((c) => c.failure).length;
  const skipped = all.filter((c) => c.skipped !== undefined).length;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${xmlText(`TOE report ${model.id}`)}" tests="${all.length}" failures="${failures}" errors="0" skipped="${skipped}">
${suites.map((s) => suite(s.name, s.cases, model.generatedAt)).join('\n')}
</testsuites>
`;
}
