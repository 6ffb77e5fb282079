/** The report's header, findings and analysis sections. */
import { time } from './format.ts';
import { html, type Html } from './html.ts';
import type { ReportAnalysis, ReportEvidence, ReportFinding, RunHeader, Severity } from './model.ts';

const rank: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export function renderHeader(run: RunHeader, generatedAt: string): Html {
  const targets =
    run.targets.length > 6 ? `${run.targets.slice(0, 6).join(', ')} and ${run.targets.length - 6} more` : run.targets.join(', ');
  return html`<header class="run"><h1>${run.tool} on ${run.namespace}/${run.name} ${run.phase ? html`<span class="phase ${run.phase}">${run.phase}</span>` : ''}${run.partial ? html` <span class="sev warning">partial data</span>` : ''}</h1>
<dl class="facts"><dt>PowerTool</dt><dd>${run.namespace}/${run.name}</dd><dt>Tool</dt><dd>${run.tool}</dd>
<dt>Targets</dt><dd>${targets || '—'}</dd><dt>Requested by</dt><dd>${run.requestedBy ?? '—'}</dd>
<dt>Started</dt><dd>${time(run.startedAt)}</dd><dt>Finished</dt><dd>${time(run.finishedAt)}</dd>
<dt>Report generated</dt><dd>${time(generatedAt)}</dd></dl></header>`;
}

export function renderFindings(findings: ReportFinding[] | undefined, evidence: ReportEvidence[] | undefined): Html {
  const known = new Map((evidence ?? []).map((e) => [e.id, e]));
  const sorted = [...(findings ?? [])].sort((a, b) => (rank[a.severity] ?? 3) - (rank[b.severity] ?? 3));
  const list = sorted.length
    ? html`<ul class="findings">${sorted.map(
        (f) =>
          html`<li class="${severityClass(f.severity)}" id="finding-${f.id}"><span class="sev ${severityClass(f.severity)}">${f.severity}</span> <strong>${f.title}</strong>${f.cause ? html` <span class="muted">(${f.cause})</span>` : ''}<p>${f.detail}</p>${evidenceList(f.evidence, known)}</li>`,
      )}</ul>`
    : html`<p class="muted">No findings: nothing in the collected data points at a problem.</p>`;
  return html`<section id="findings"><h2>Findings</h2>${list}</section>`;
}

function evidenceList(ids: string[], known: Map<string, ReportEvidence>): Html {
  if (ids.length === 0) return html``;
  return html`<p class="evidence muted">Evidence: ${ids.map((id, i) => {
    const e = known.get(id);
    return html`${i > 0 ? '; ' : ''}<code>${id}</code>${e ? html` ${e.summary}` : ''}`;
  })}</p>`;
}

function severityClass(s: string): Severity {
  return s === 'critical' || s === 'warning' ? s : 'info';
}

export function renderAnalysis(a: ReportAnalysis | undefined): Html {
  if (!a || a.status === 'None') return html``;
  if (a.status === 'Failed') {
    return html`<section id="analysis"><h2>Analysis</h2><p><span class="sev warning">analysis failed</span> ${a.error ?? 'the language model gave no usable answer'}. The findings above stand on their own.</p></section>`;
  }
  const causes = (a.causes ?? []).map(
    (c) =>
      html`<li><strong>${c.title}</strong> <span class="confidence muted">confidence ${Math.round(Math.max(0, Math.min(1, c.confidence)) * 100)}%</span>${c.detail ? html`<p>${c.detail}</p>` : ''}<p class="evidence muted">Evidence: ${c.evidence.map((id, i) => html`${i > 0 ? ', ' : ''}<code>${id}</code>`)}</p></li>`,
  );
  return html`<section id="analysis"><h2>Analysis</h2><p class="muted">Written by a language model${a.model ? html` (${a.model})` : ''} from the evidence above; check it against the findings.</p>
${a.summary ? html`<p>${a.summary}</p>` : ''}${causes.length ? html`<h3>Likely causes</h3><ol>${causes}</ol>` : ''}${a.nextSteps?.length ? html`<h3>Next steps</h3><ol>${a.nextSteps.map((s) => html`<li>${s}</li>`)}</ol>` : ''}</section>`;
}
