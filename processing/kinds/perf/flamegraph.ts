/**
 * A flame graph as inline SVG, laid out here rather than in the browser: the page works without script, every
 * frame's name is real text in the DOM (a `<title>` tooltip and, where it fits, a label), and the size is bounded
 * by pruning narrow frames. The inline client script only adds zoom (click a frame) and search.
 */
import { countNodes, pruneFlame, type FlameNode } from './flame.ts';
import { html, join, type Html } from '../../report/html.ts';

const WIDTH = 1200;
const ROW = 17;
const CHAR = 7;
const MAX_NODES = 6000;

export interface FlameOptions {
  id: string;
  /** Differential graph: colour by `delta` (red grew, blue shrank). */
  differential?: boolean;
  title?: string;
}

interface Placed {
  node: FlameNode;
  x: number;
  w: number;
  depth: number;
}

export function renderFlameGraph(tree: FlameNode, options: FlameOptions): Html {
  let pruned = pruneFlame(tree, 0.0005);
  for (let min = 0.001; countNodes(pruned) > MAX_NODES && min < 0.1; min *= 2) pruned = pruneFlame(tree, min);
  const placed: Placed[] = [];
  const total = pruned.value || 1;
  let maxDepth = 0;
  const walk = (node: FlameNode, x: number, depth: number): void => {
    const w = node.value / total;
    placed.push({ node, x, w, depth });
    if (depth > maxDepth) maxDepth = depth;
    let cx = x;
    for (const child of node.children) {
      walk(child, cx, depth + 1);
      cx += child.value / total;
    }
  };
  walk(pruned, 0, 0);
  const height = (maxDepth + 1) * ROW;
  const maxAbsDelta = Math.max(1e-9, ...placed.map((p) => Math.abs(p.node.delta ?? 0)));
  const frames = placed.map((p) => frame(p, maxDepth, total, options.differential ? maxAbsDelta : undefined));
  return html`<div class="flame" id="${options.id}">
<div class="flame-bar"><input type="search" class="flame-search" placeholder="Search functions" aria-label="Search functions"><button type="button" class="flame-reset">Reset zoom</button><span class="flame-match"></span></div>
<svg class="flame-svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" preserveAspectRatio="none" data-width="${WIDTH}" data-row="${ROW}" role="group" aria-label="${options.title ?? 'Flame graph'}">${join(frames)}</svg>
</div>`;
}

function frame(p: Placed, maxDepth: number, total: number, maxAbsDelta: number | undefined): Html {
  const { node } = p;
  const x = p.x * WIDTH;
  const w = p.w * WIDTH;
  const y = (maxDepth - p.depth) * ROW;
  const pct = ((100 * node.value) / total).toFixed(2);
  const delta = node.delta === undefined ? '' : `, ${node.delta >= 0 ? '+' : ''}${node.delta.toFixed(2)} pts vs baseline`;
  const fill = maxAbsDelta === undefined ? warm(node.name) : diffColour(node.delta ?? 0, maxAbsDelta);
  return html`<g class="f" data-x="${p.x.toFixed(6)}" data-w="${p.w.toFixed(6)}" data-d="${p.depth}"><title>${node.name} (${node.value} samples, ${pct}%${delta})</title><rect x="${x.toFixed(2)}" y="${y}" width="${Math.max(0, w - 0.5).toFixed(2)}" height="${ROW - 1}" fill="${fill}"></rect><text x="${(x + 3).toFixed(2)}" y="${y + ROW - 5}">${fit(node.name, w)}</text></g>`;
}

/** The label that fits `w` units, or nothing. */
export function fit(name: string, w: number): string {
  const chars = Math.floor((w - 6) / CHAR);
  if (chars < 3) return '';
  return name.length <= chars ? name : `${name.slice(0, chars - 2)}..`;
}

/** flamegraph.pl's "hot" palette, seeded by the name so a function keeps its colour across graphs. */
function warm(name: string): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  const a = (h >>> 0) / 0xffffffff;
  const b = ((h >>> 8) & 0xff) / 255;
  return `rgb(${205 + Math.round(50 * a)},${Math.round(230 * b)},${Math.round(55 * a)})`;
}

function diffColour(delta: number, maxAbs: number): string {
  const k = Math.min(1, Math.abs(delta) / maxAbs);
  const fade = Math.round(235 - 175 * k);
  return delta > 0 ? `rgb(235,${fade},${fade})` : delta < 0 ? `rgb(${fade},${fade},235)` : 'rgb(225,225,225)';
}
