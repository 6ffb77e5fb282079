/**
 * The reports directory: `<dir>/<namespace>/<processing>/<id>.html` with its index row `<id>.json` beside it, and
 * `<dir>/index.html` listing every report. Each file is written to a hidden temporary name and renamed into place,
 * so the report server (and a person) sees the old file or the new one, never half of one. Scratch space for
 * artifacts read from logs is `<dir>/.work/`, hidden from the server. The controller and the quickstart write here
 * alike; the quickstart's reports sit under `<namespace>/quickstart/`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { listReports } from '../../src/reports/list.ts';
import { indexEntry, renderIndex } from '../report/index.ts';
import type { ReportModel } from '../report/model.ts';
import { renderReport } from '../report/page.ts';
import { RESULT_FILES } from '../report/results/files.ts';

/** Where a report lives, relative to the reports directory (and to any URL prefix). */
export function reportPath(namespace: string, processing: string, id: string): string {
  return `${namespace}/${processing}/${id}.html`;
}

async function writeAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, content, { mode: 0o644 });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

const besides = (rel: string, suffix: string): string => rel.replace(/\.html$/, suffix);

/** The result files and the HTML, then its index row: a listed report always has its page and its files. */
export async function writeReport(dir: string, namespace: string, processing: string, model: ReportModel): Promise<void> {
  const rel = reportPath(namespace, processing, model.id);
  for (const f of RESULT_FILES) await writeAtomic(join(dir, besides(rel, f.suffix)), f.render(model));
  await writeAtomic(join(dir, rel), renderReport(model));
  await writeAtomic(join(dir, besides(rel, '.json')), JSON.stringify(indexEntry(model, rel)));
}

/** The index row first, so the report leaves the index before its files go. */
export async function removeReport(dir: string, namespace: string, processing: string, id: string): Promise<void> {
  const rel = reportPath(namespace, processing, id);
  await rm(join(dir, besides(rel, '.json')), { force: true });
  await rm(join(dir, rel), { force: true });
  for (const f of RESULT_FILES) await rm(join(dir, besides(rel, f.suffix)), { force: true });
}

export async function reportExists(dir: string, namespace: string, processing: string, id: string): Promise<boolean> {
  return stat(join(dir, reportPath(namespace, processing, id))).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** `<dir>/index.html` from what is on disk now. */
export async function writeIndex(dir: string): Promise<void> {
  await writeAtomic(join(dir, 'index.html'), renderIndex(await listReports(dir)));
}

/** A private scratch directory for one build; the caller removes it. */
export async function workDir(dir: string): Promise<string> {
  await mkdir(join(dir, '.work'), { recursive: true });
  return mkdtemp(join(dir, '.work', 'build-'));
}

/** Scratch left by builds of an operator that was killed; only safe before this one starts building. */
export async function clearScratch(dir: string): Promise<void> {
  await rm(join(dir, '.work'), { recursive: true, force: true });
}

/**
 * Removes the report folders of processings that no longer exist (deleted while this operator was not leading,
 * or just now). `exists(namespace, name)` answers from the cache.
 */
export async function sweep(dir: string, exists: (namespace: string, name: string) => boolean): Promise<string[]> {
  const removed: string[] = [];
  for (const ns of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (!ns.isDirectory() || ns.name.startsWith('.')) continue;
    for (const p of await readdir(join(dir, ns.name), { withFileTypes: true }).catch(() => [])) {
      if (!p.isDirectory() || exists(ns.name, p.name)) continue;
      await rm(join(dir, ns.name, p.name), { recursive: true, force: true });
      removed.push(`${ns.name}/${p.name}`);
    }
    if ((await readdir(join(dir, ns.name)).catch(() => ['x'])).length === 0) await rm(join(dir, ns.name), { recursive: true, force: true });
  }
  return removed;
}
