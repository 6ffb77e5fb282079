/**
 * The flame-graph model built from folded stacks: a tree whose node widths are sample counts, the top-functions
 * table (self and total share), and the differential view against a baseline run. Pure functions over `Folded`.
 */
import type { Folded } from './folded.ts';

export interface FlameNode {
  name: string;
  /** Samples in this frame and below (its width). */
  value: number;
  /** Samples where this frame is the leaf. */
  self: number;
  children: FlameNode[];
  /** Differential only: the baseline's value scaled to this run's total, and the change in percentage points. */
  baseline?: number;
  delta?: number;
}

interface Building {
  name: string;
  value: number;
  self: number;
  children: Map<string, Building>;
}

/** The tree of all stacks under one root (named `all`, as flamegraph.pl does); children sorted by name. */
export function buildFlameTree(folded: Folded, rootName = 'all'): FlameNode {
  const root: Building = { name: rootName, value: 0, self: 0, children: new Map() };
  for (const [stack, n] of folded.stacks) {
    root.value += n;
    let node = root;
    for (const frame of stack.split(';')) {
      let child = node.children.get(frame);
      if (!child) {
        child = { name: frame, value: 0, self: 0, children: new Map() };
        node.children.set(frame, child);
      }
      child.value += n;
      node = child;
    }
    node.self += n;
  }
  return freeze(root);
}

function freeze(b: Building): FlameNode {
  const children = [...b.children.values()].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0)).map(freeze);
  return { name: b.name, value: b.value, self: b.self, children };
}

/**
 * Drops frames narrower than `minFraction` of the root, as flamegraph.pl's --minwidth does, so a report stays small
 * whatever the input; the dropped samples still count in their parents' widths.
 */
export function pruneFlame(node: FlameNode, minFraction = 0.001, total = node.value): FlameNode {
  const children = node.children.filter((c) => c.value >= total * minFraction).map((c) => pruneFlame(c, minFraction, total));
  return { ...node, children };
}

export function countNodes(node: FlameNode): number {
  return 1 + node.children.reduce((n, c) => n + countNodes(c), 0);
}

export interface FunctionRow {
  name: string;
  self: number;
  total: number;
  selfPercent: number;
  totalPercent: number;
}

/**
 * Functions by self time; `total` counts a stack once even when the function recurses in it. The profile's root
 * frames (process or target names) are not functions and stay out.
 */
export function topFunctions(folded: Folded, limit = 50): FunctionRow[] {
  const rows = new Map<string, { self: number; total: number }>();
  const skip = folded.rootFrames ?? 0;
  for (const [stack, n] of folded.stacks) {
    const frames = stack.split(';');
    const seen = new Set<string>();
    frames.forEach((frame, i) => {
      if (i < skip && i < frames.length - 1) return;
      let row = rows.get(frame);
      if (!row) {
        row = { self: 0, total: 0 };
        rows.set(frame, row);
      }
      if (!seen.has(frame)) {
        row.total += n;
        seen.add(frame);
      }
      if (i === frames.length - 1) row.self += n;
    });
  }
  const all = folded.total || 1;
  return [...rows]
    .map(([name, r]) => ({ name, self: r.self, total: r.total, selfPercent: (100 * r.self) / all, totalPercent: (100 * r.total) / all }))
    .sort((a, b) => b.self - a.self || b.total - a.total || (a.name < b.name ? -1 : 1))
    .slice(0, limit);
}

/**
 * The differential flame graph (Gregg's): widths from this run, each frame's `delta` = its share of this run minus
 * its share of the baseline, in percentage points, so runs of different lengths compare. Frames only in the baseline
 * appear with value 0 and a negative delta.
 */
export function diffFlame(current: Folded, baseline: Folded): FlameNode {
  return diffNode(buildFlameTree(current), buildFlameTree(baseline), current.total || 1, baseline.total || 1);
}

function diffNode(cur: FlameNode | undefined, base: FlameNode | undefined, curTotal: number, baseTotal: number): FlameNode {
  const name = (cur ?? base)?.name ?? '';
  const value = cur?.value ?? 0;
  const baseValue = base?.value ?? 0;
  const curKids = new Map((cur?.children ?? []).map((c) => [c.name, c]));
  const baseKids = new Map((base?.children ?? []).map((c) => [c.name, c]));
  const names = [...new Set([...curKids.keys(), ...baseKids.keys()])].sort();
  const children = names.map((n) => diffNode(curKids.get(n), baseKids.get(n), curTotal, baseTotal));
  return {
    name,
    value,
    self: cur?.self ?? 0,
    children,
    baseline: (baseValue * curTotal) / baseTotal,
    delta: (100 * value) / curTotal - (100 * baseValue) / baseTotal,
  };
}

export interface FunctionDelta extends FunctionRow {
  baselineSelfPercent: number;
  deltaSelfPercent: number;
}

/** The top functions of this run beside their baseline share, biggest change first. */
export function diffTopFunctions(current: Folded, baseline: Folded, limit = 50): FunctionDelta[] {
  const base = new Map(topFunctions(baseline, Number.MAX_SAFE_INTEGER).map((r) => [r.name, r]));
  const cur = topFunctions(current, Number.MAX_SAFE_INTEGER);
  const names = new Set([...cur.map((r) => r.name), ...base.keys()]);
  const curBy = new Map(cur.map((r) => [r.name, r]));
  return [...names]
    .map((name) => {
      const c = curBy.get(name) ?? { name, self: 0, total: 0, selfPercent: 0, totalPercent: 0 };
      const b = base.get(name)?.selfPercent ?? 0;
      return { ...c, baselineSelfPercent: b, deltaSelfPercent: c.selfPercent - b };
    })
    .sort((a, b) => Math.abs(b.deltaSelfPercent) - Math.abs(a.deltaSelfPercent))
    .slice(0, limit);
}
