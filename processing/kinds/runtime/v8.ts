/**
 * V8 profiles as Node.js's inspector returns them (`Profiler.stop` → `.cpuprofile`, `HeapProfiler.stopSampling` →
 * `.heapprofile`), folded like pprof profiles (parse.ts) into stacks of JavaScript function names, root first, with
 * each function's script and line. CPU values are nanoseconds (hit counts times the mean sampling interval), heap
 * values the bytes still live that each stack allocated.
 *
 * Bounded: the input size, the node count, the distinct stacks (the rest count as [other]) and the depth.
 */
import { basename } from 'node:path';
import { readBounded, type ByteSource } from '../../lines.ts';
import { OTHER_FRAME, TRUNCATED_FRAME } from '../perf/parse.ts';
import type { PprofOptions, PprofProfile } from './parse.ts';

interface CallFrame {
  functionName?: string;
  url?: string;
  lineNumber?: number;
}
interface CpuNode {
  id: number;
  callFrame?: CallFrame;
  hitCount?: number;
  children?: number[];
}
interface HeapNode {
  callFrame?: CallFrame;
  selfSize?: number;
  children?: HeapNode[];
}

const DEFAULTS = { maxBytes: 64 << 20, maxStacks: 50_000, maxDepth: 512 };
const MAX_NODES = 2_000_000;

async function readJson(source: ByteSource, max: number): Promise<unknown> {
  const raw = await readBounded(source, max);
  if (raw.length === 0) throw new Error('the profile is empty');
  return JSON.parse(raw.toString('utf8')) as unknown;
}

/** The frame's name, and its source (`script:line`, 1-based) recorded once per name. */
function frameName(frame: CallFrame | undefined, sources: Record<string, string>): string {
  const url = typeof frame?.url === 'string' ? frame.url : '';
  const line = typeof frame?.lineNumber === 'number' ? frame.lineNumber + 1 : 0;
  const fn = typeof frame?.functionName === 'string' && frame.functionName ? frame.functionName : '';
  const name = (fn || (url ? `(anonymous ${basename(url)}:${line})` : '(anonymous)')).slice(0, 256).replace(/;/g, ':');
  if (url && sources[name] === undefined) sources[name] = `${url.replace(/^file:\/\//, '')}:${line}`;
  return name;
}

class Folder {
  readonly stacks = new Map<string, number>();
  total = 0;
  otherStacks = 0;
  truncatedStacks = 0;
  constructor(private readonly o: typeof DEFAULTS) {}
  add(path: string[], value: number): void {
    if (!(value > 0)) return;
    let frames = path;
    if (frames.length > this.o.maxDepth) {
      frames = [TRUNCATED_FRAME, ...frames.slice(frames.length - this.o.maxDepth)];
      this.truncatedStacks += 1;
    }
    let key = frames.join(';');
    if (!this.stacks.has(key) && this.stacks.size >= this.o.maxStacks) {
      key = OTHER_FRAME;
      this.otherStacks += 1;
    }
    this.stacks.set(key, (this.stacks.get(key) ?? 0) + value);
    this.total += value;
  }
}

export async function foldCpuProfile(source: ByteSource, options: PprofOptions = {}): Promise<PprofProfile> {
  const o = { ...DEFAULTS, ...options };
  const json = (await readJson(source, o.maxBytes)) as { nodes?: CpuNode[]; startTime?: number; endTime?: number; samples?: number[] };
  const nodes = Array.isArray(json.nodes) ? json.nodes.slice(0, MAX_NODES) : [];
  if (nodes.length === 0) throw new Error('not a V8 CPU profile: it has no nodes');
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const sources: Record<string, string> = {};
  const hits = nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
  const micros = typeof json.endTime === 'number' && typeof json.startTime === 'number' ? json.endTime - json.startTime : 0;
  // Nanoseconds per hit: the profile's span over its samples (1 ms if it says neither).
  const perHit = hits > 0 && micros > 0 ? (micros * 1000) / hits : 1e6;
  const folder = new Folder(o);
  for (const n of nodes) {
    // (idle) is V8 waiting in the event loop, off the CPU: counting it would make a 30%-busy app's hottest
    // function its idleness. (program) and (garbage collector) are CPU time and stay.
    if (!n.hitCount || n.callFrame?.functionName === '(idle)') continue;
    const path: string[] = [];
    const seen = new Set<number>();
    for (let at: number | undefined = n.id; at !== undefined && !seen.has(at); at = parent.get(at)) {
      seen.add(at);
      const node = byId.get(at);
      if (node && node.callFrame?.functionName !== '(root)') path.push(frameName(node.callFrame, sources));
    }
    folder.add(path.reverse(), n.hitCount * perHit);
  }
  return {
    stacks: folder.stacks,
    total: folder.total,
    valueType: 'cpu',
    unit: 'nanoseconds',
    samples: Array.isArray(json.samples) ? json.samples.length : hits,
    durationSeconds: micros / 1e6,
    sources,
    otherStacks: folder.otherStacks,
    truncatedStacks: folder.truncatedStacks,
  };
}

export async function foldHeapProfile(source: ByteSource, options: PprofOptions = {}): Promise<PprofProfile> {
  const o = { ...DEFAULTS, ...options };
  const json = (await readJson(source, o.maxBytes)) as { head?: HeapNode; samples?: unknown[] };
  if (!json.head || typeof json.head !== 'object') throw new Error('not a V8 heap profile: it has no head');
  const sources: Record<string, string> = {};
  const folder = new Folder(o);
  let visited = 0;
  // Depth-first without recursion: a hostile profile may nest deeper than the stack allows.
  const todo: { node: HeapNode; path: string[] }[] = [{ node: json.head, path: [] }];
  while (todo.length > 0 && visited < MAX_NODES) {
    const { node, path } = todo.pop() as { node: HeapNode; path: string[] };
    visited += 1;
    const here = node === json.head ? path : [...path, frameName(node.callFrame, sources)];
    folder.add(here, typeof node.selfSize === 'number' ? node.selfSize : 0);
    for (const c of Array.isArray(node.children) ? node.children : []) if (c && typeof c === 'object') todo.push({ node: c, path: here });
  }
  return {
    stacks: folder.stacks,
    total: folder.total,
    valueType: 'inuse_space',
    unit: 'bytes',
    samples: Array.isArray(json.samples) ? json.samples.length : 0,
    durationSeconds: 0,
    sources,
    otherStacks: folder.otherStacks,
    truncatedStacks: folder.truncatedStacks,
  };
}
