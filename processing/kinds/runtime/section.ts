/** The runtime profiles: one flame graph per profile type (CPU, heap) and runtime, with top functions and their source. */
import { perfView } from '../perf/assemble.ts';
import { renderFlameGraph } from '../perf/flamegraph.ts';
import { bytes, count, percent, seconds } from '../../report/format.ts';
import { html, type Html } from '../../report/html.ts';
import { renderTable } from '../../report/table.ts';
import { topWithSources, type TypedProfile } from './profiles.ts';

export interface RuntimeProfilesSection {
  runs: { runtime: string; profile: TypedProfile }[];
}

const TITLES = { cpu: 'CPU', heap: 'Heap' } as const;

/** The profile's total in its unit: CPU seconds, bytes, or a count. */
function amount(p: TypedProfile): string {
  if (p.unit === 'nanoseconds') return `${seconds(p.folded.total / 1e9)} of CPU`;
  if (p.unit === 'bytes') return `${bytes(p.folded.total)} ${p.valueType === 'inuse_space' ? 'live' : p.valueType}`;
  return `${count(p.folded.total)} ${p.unit || 'samples'}`;
}

export function renderRuntimeProfiles(section: RuntimeProfilesSection | undefined): Html {
  if (!section) return html``;
  return html`<section id="runtime-profiles"><h2>Runtime profiles</h2>
${section.runs.map(({ runtime, profile: p }, i) => {
  const view = perfView(`${runtime} ${TITLES[p.type]}`, p.folded);
  const cut = [...p.folded.stacks.keys()].some((s) => s.startsWith('[truncated]') || s === '[other]');
  return html`<h3>${runtime} ${TITLES[p.type].toLowerCase()} profile: ${amount(p)}${p.type === 'cpu' && p.seconds > 0 ? ` in ${seconds(p.seconds)}` : ''} (${p.pods.join(', ')})</h3>
${cut ? html`<p class="note">Some stacks were cut at the depth limit or counted as [other] past the distinct-stack limit.</p>` : ''}
${renderFlameGraph(view.flame, { id: `flame-rt${i}`, title: `Flame graph of the ${runtime} ${TITLES[p.type].toLowerCase()} profile` })}
${renderTable(
  [
    { title: 'Function', cell: (r) => r.name, className: 'name' },
    { title: 'Source', cell: (r) => r.source ?? '', className: 'name' },
    { title: 'Self', cell: (r) => percent(r.selfPercent), sort: (r) => r.selfPercent },
    { title: 'Total', cell: (r) => percent(r.totalPercent), sort: (r) => r.totalPercent },
  ],
  topWithSources(p, 30),
)}`;
})}
</section>`;
}
