/**
 * The runs under the reports directory, for the index page when none was written: every `*.html` report, with
 * the metadata the processing controller writes beside it (`<report>.json`, IndexEntry fields) when present, else
 * what the file system says. Bounded in depth and count.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { IndexEntry } from '../../processing/report/index.ts';

const MAX_DEPTH = 4;
const MAX_ENTRIES = 2000;

export async function listReports(root: string): Promise<IndexEntry[]> {
  const out: IndexEntry[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (out.length >= MAX_ENTRIES || e.name.startsWith('.')) continue;
      const path = join(dir, e.name);
      if (e.isDirectory() && depth < MAX_DEPTH) await walk(path, depth + 1);
      else if (e.isFile() && e.name.endsWith('.html') && !(depth === 0 && e.name === 'index.html')) out.push(await entry(root, path));
    }
  };
  await walk(root, 0);
  return out;
}

async function entry(root: string, path: string): Promise<IndexEntry> {
  const rel = relative(root, path);
  const info = await stat(path);
  const fallback: IndexEntry = {
    path: rel,
    powerTool: rel.split('/').slice(0, -1).join('/') || rel,
    tool: '',
    generatedAt: info.mtime.toISOString(),
    findings: 0,
  };
  const metaPath = path.replace(/\.html$/, '.json');
  const metaSize = (await stat(metaPath).catch(() => undefined))?.size ?? Number.POSITIVE_INFINITY;
  // The metadata is one small object; anything larger is not ours to parse.
  const meta =
    metaSize <= 64 * 1024
      ? await readFile(metaPath, 'utf8')
          .then((text) => JSON.parse(text) as unknown)
          .catch(() => undefined)
      : undefined;
  if (!meta || typeof meta !== 'object') return fallback;
  const m = meta as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof m[k] === 'string' ? (m[k] as string).slice(0, 512) : undefined);
  const num = (k: string): number | undefined => (typeof m[k] === 'number' && Number.isFinite(m[k]) ? (m[k] as number) : undefined);
  const analysis = str('analysis');
  return {
    path: rel,
    powerTool: str('powerTool') ?? fallback.powerTool,
    tool: str('tool') ?? '',
    ...(str('phase') ? { phase: str('phase') as string } : {}),
    generatedAt: str('generatedAt') ?? fallback.generatedAt,
    findings: num('findings') ?? 0,
    ...(num('critical') !== undefined ? { critical: num('critical') as number } : {}),
    ...(analysis === 'None' || analysis === 'Succeeded' || analysis === 'Failed' ? { analysis } : {}),
  };
}
