/**
 * pprof profiles (what Go's net/http/pprof serves, gzipped protobuf) → folded stacks for the flame-graph renderer
 * perf uses. Decoded with DataDog's pprof-format. One value of each sample is folded: CPU time for a CPU profile,
 * live bytes (inuse_space) for a heap profile. Frames are function names, root first; inlined calls become frames
 * of their own, as `go tool pprof` shows them. Each function's source file and first line are kept beside the
 * stacks, for the report's top-functions table.
 *
 * Bounded: the input (compressed and not), the distinct stacks (the rest count as [other]) and the stack depth.
 */
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { readBounded, type ByteSource } from '../../lines.ts';
import type { Folded } from '../perf/folded.ts';
import { OTHER_FRAME, TRUNCATED_FRAME } from '../perf/parse.ts';

export interface PprofOptions {
  /** Bytes read from the artifact, compressed. */
  maxBytes?: number;
  /** Bytes after gunzip. */
  maxDecodedBytes?: number;
  maxStacks?: number;
  maxDepth?: number;
}

export interface PprofProfile extends Folded {
  /** The sample value folded: `cpu`, `inuse_space`, ... and its unit (`nanoseconds`, `bytes`). */
  valueType: string;
  unit: string;
  /** Samples in the profile (a sample may stand for many events: its value is what the stacks sum). */
  samples: number;
  durationSeconds: number;
  /** Function name → `file:line` where it starts, for the functions in the stacks. */
  sources: Record<string, string>;
  otherStacks: number;
  truncatedStacks: number;
}

// The value to fold, in order of preference: the first the profile has.
const PREFERRED = ['cpu', 'inuse_space', 'alloc_space', 'delay', 'contentions', 'samples'];
const DEFAULTS = { maxBytes: 64 << 20, maxDecodedBytes: 256 << 20, maxStacks: 50_000, maxDepth: 512 };

export async function foldPprof(source: ByteSource, options: PprofOptions = {}): Promise<PprofProfile> {
  const o = { ...DEFAULTS, ...options };
  const raw = await readBounded(source, o.maxBytes);
  if (raw.length === 0) throw new Error('the profile is empty');
  const bytes = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw, { maxOutputLength: o.maxDecodedBytes }) : raw;
  const profile = Profile.decode(bytes);
  const str = (i: number | bigint | undefined): string => profile.stringTable.strings[Number(i ?? 0)] ?? '';
  const types = profile.sampleType.map((t) => ({ type: str(t.type), unit: str(t.unit) }));
  if (types.length === 0) throw new Error('the profile has no sample types');
  const preferred = PREFERRED.map((p) => types.findIndex((t) => t.type === p)).find((i) => i >= 0);
  const index = preferred ?? types.length - 1;

  const functions = new Map(profile.function.map((f) => [Number(f.id), f]));
  const locations = new Map(profile.location.map((l) => [Number(l.id), l]));
  const sources: Record<string, string> = {};
  // A location's frames, caller last as pprof stores them; memoised, since samples share locations.
  const framesOf = new Map<number, string[]>();
  const frames = (id: number): string[] => {
    const known = framesOf.get(id);
    if (known) return known;
    const names = (locations.get(id)?.line ?? []).map((line) => {
      const fn = functions.get(Number(line.functionId));
      const name = (fn ? str(fn.name) : '') || `0x${(locations.get(id)?.address ?? 0).toString(16)}`;
      const file = fn ? str(fn.filename) : '';
      if (file && sources[name] === undefined) sources[name] = `${file}:${Number(fn?.startLine ?? 0)}`;
      return name.replace(/;/g, ':');
    });
    const out = names.length > 0 ? names : [`0x${(locations.get(id)?.address ?? 0).toString(16)}`];
    framesOf.set(id, out);
    return out;
  };

  const stacks = new Map<string, number>();
  let total = 0;
  let otherStacks = 0;
  let truncatedStacks = 0;
  for (const sample of profile.sample) {
    const value = Number(sample.value[index] ?? 0);
    if (!(value > 0)) continue;
    // location_id[0] is the leaf: fold root first.
    let path = sample.locationId.flatMap((id) => frames(Number(id))).reverse();
    if (path.length > o.maxDepth) {
      path = [TRUNCATED_FRAME, ...path.slice(path.length - o.maxDepth)];
      truncatedStacks += 1;
    }
    let key = path.join(';');
    if (!stacks.has(key) && stacks.size >= o.maxStacks) {
      key = OTHER_FRAME;
      otherStacks += 1;
    }
    stacks.set(key, (stacks.get(key) ?? 0) + value);
    total += value;
  }
  const chosen = types[index] as { type: string; unit: string };
  return {
    stacks,
    total,
    valueType: chosen.type,
    unit: chosen.unit,
    samples: profile.sample.length,
    durationSeconds: Number(profile.durationNanos) / 1e9,
    sources,
    otherStacks,
    truncatedStacks,
  };
}
