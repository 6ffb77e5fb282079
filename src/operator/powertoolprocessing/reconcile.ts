/**
 * The PowerToolProcessing reconciler.
 * Reads: the processing, the PowerTools of its namespace and their pods (informer caches), the report files on
 * disk, and artifacts (collector or tool logs). Writes: its status (the only writer), report files under
 * --reports-dir, the Service, EndpointSlice and Ingress it owns, Events. Never writes a PowerTool.
 * Each pass: decide which reports are due and what retention drops (pure), publish, build at most two (same id
 * for the same run, so a restart never makes a second), prune, record; come back for more, at the next period,
 * or when a report ages out.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ReportRecord } from '../../api/index.ts';
import { findCondition, type ConditionInput } from '../../kube/conditions.ts';
import { classify } from '../../kube/errors.ts';
import type { ReconcileResult } from '../queue.ts';
import { buildReport, type Built } from './build.ts';
import type { LivePowerTool, LiveProcessing, ProcessingContext } from './context.ts';
import { decide, nextExpiry, type Decision } from './plan.ts';
import { publish } from './publish.ts';
import { retain } from './retention.ts';
import { computeStatus, mergeReports, readyCondition, type ProcessingStatus } from './status.ts';
import { removeReport, writeIndex } from '../../../processing/pipeline/write.ts';

/** Reports built per pass; the limiter bounds all processings together, this keeps one pass short. */
const PER_PASS = 2;
const RETRY_FAILED_MS = 30_000;

export async function reconcileProcessing(ctx: ProcessingContext, key: string): Promise<ReconcileResult | void> {
  const [namespace, name] = key.split('/') as [string, string];
  let p = ctx.caches.processings.get(name, namespace);
  if (!p || p.metadata.deletionTimestamp || !p.metadata.uid) return;
  const log = ctx.log.child({ namespace, name, reconcileID: randomUUID() });
  const ref = { namespace, name, uid: p.metadata.uid };
  const now = ctx.now();
  let decision = await decide(ctx, p, now.getTime());
  // Building is the expensive part: confirm against the API server that the cache was not behind our last write.
  if (decision.ok && decision.plan.build.length > 0) {
    p = await fresh(ctx, namespace, name);
    if (!p) return;
    decision = await decide(ctx, p, now.getTime());
  }
  const generation = p.metadata.generation;
  const specChanged = p.status?.observedGeneration !== generation;
  if (!decision.ok) return invalid(ctx, p, decision, specChanged, log);
  log.debug({ build: decision.plan.build.map((c) => c.id), keep: decision.plan.keep.length, remove: decision.plan.remove.length }, 'pass');

  const served = await publish(ctx, ref, decision.spec, specChanged);
  if (served.reason === 'ExposeFailed' && findCondition(p.status?.conditions, 'ReportsServed')?.reason !== 'ExposeFailed')
    ctx.events.exposeFailed(p.metadata, served.message);

  const batch = decision.plan.build.slice(0, PER_PASS);
  const results = await Promise.allSettled(
    batch.map((c) =>
      buildReport(ctx, {
        processing: p as LiveProcessing,
        spec: decision.spec,
        candidate: c,
        powerTools: covered(ctx, namespace, c.powerTools),
      }),
    ),
  );
  const built: Built[] = [];
  const failed: { id: string; message: string }[] = [];
  results.forEach((r, i) => {
    const c = batch[i] as (typeof batch)[number];
    const related = c.kind === 'run' ? ctx.caches.powerTools.get(c.powerTools[0] as string, namespace)?.metadata : undefined;
    if (r.status === 'fulfilled') {
      built.push(r.value);
      const rec = r.value.record;
      log.info({ id: rec.id, findings: rec.findings, analysis: rec.analysis }, 'report built');
      ctx.events.built(p.metadata, rec.id, rec.powerTools, rec.findings, rec.url, related);
      if (r.value.analysis.status === 'Failed') ctx.events.analysisFailed(p.metadata, rec.id, r.value.analysis.reason);
    } else {
      const message = r.reason instanceof Error ? r.reason.message : String(r.reason);
      failed.push({ id: c.id, message });
      log.warn({ id: c.id, err: message }, 'report not built');
      ctx.events.failed(p.metadata, c.id, message, related);
    }
  });

  // Retention over what exists now, so nothing is dropped for a report that is not built yet.
  const current = mergeReports(
    decision.plan.keep.concat(decision.plan.remove),
    built.map((b) => b.record),
    [],
  );
  const { spec } = decision;
  const removed = retain({
    candidates: [],
    reports: current,
    present: () => true,
    maxReports: spec.report.retention.maxReports,
    maxAgeMs: decision.maxAgeMs,
    now: now.getTime(),
  }).remove.map((r) => r.id);
  for (const id of removed) await removeReport(ctx.reportsDir, namespace, name, id);
  if (removed.length > 0) ctx.events.pruned(p.metadata, removed);
  if (spec.report.enabled && (built.length > 0 || removed.length > 0)) await writeIndex(ctx.reportsDir);

  const pending = decision.plan.build.length - batch.length;
  const ready = readyCondition({ failed, reports: current.length - removed.length, nextRunAt: decision.nextRunAt, pending });
  const records = built.map((b) => b.record);
  await record(ctx, p, { built: records, removed, nextRunAt: decision.nextRunAt, ready, served }, now, log);
  return nextVisit({
    pending,
    failed: failed.length,
    wakeAt: decision.wakeAt,
    expiry: nextExpiry(mergeReports(current, [], removed), decision.maxAgeMs),
    now: now.getTime(),
  });
}

function covered(ctx: ProcessingContext, namespace: string, names: string[]): LivePowerTool[] {
  return names.map((n) => ctx.caches.powerTools.get(n, namespace)).filter((pt): pt is LivePowerTool => pt !== undefined);
}

async function fresh(ctx: ProcessingContext, namespace: string, name: string): Promise<LiveProcessing | undefined> {
  try {
    return (await ctx.clients.resources.processings.get(namespace, name)) as LiveProcessing;
  } catch (err) {
    if (classify(err) === 'gone') return undefined;
    throw err;
  }
}

async function invalid(
  ctx: ProcessingContext,
  p: LiveProcessing,
  d: Extract<Decision, { ok: false }>,
  specChanged: boolean,
  log: Logger,
): Promise<void> {
  if (specChanged) {
    log.warn({ err: d.invalid }, 'processing refused');
    if (d.kind === 'schedule') ctx.events.invalidSchedule(p.metadata, d.invalid);
  }
  const served = findCondition(p.status?.conditions, 'ReportsServed') ?? {
    type: 'ReportsServed',
    status: 'Unknown' as const,
    reason: 'NotChecked',
    message: 'the spec is invalid',
  };
  await record(
    ctx,
    p,
    { built: [], removed: [], ready: { type: 'Ready', status: 'False', reason: 'InvalidSpec', message: d.invalid }, served },
    ctx.now(),
    log,
  );
}

interface Outcome {
  built: ReportRecord[];
  removed: string[];
  nextRunAt?: number;
  ready: ConditionInput;
  served: ConditionInput;
}

/**
 * Writes the status when it changed, with the resourceVersion as a precondition so a status computed from a
 * stale cache is refused. Reports built in this pass are facts: after a conflict they are merged into a fresh
 * read once more rather than built again.
 */
async function record(ctx: ProcessingContext, p: LiveProcessing, o: Outcome, now: Date, log: Logger): Promise<void> {
  const write = async (obj: LiveProcessing): Promise<void> => {
    const prev = obj.status as ProcessingStatus | undefined;
    const status = computeStatus({
      prev,
      generation: obj.metadata.generation,
      now,
      kept: prev?.reports ?? [],
      built: o.built,
      removed: o.removed,
      nextRunAt: o.nextRunAt,
      ready: o.ready,
      served: o.served,
    });
    await ctx.clients.resources.processings.updateStatus(obj, status);
  };
  try {
    await write(p);
  } catch (err) {
    if (classify(err) !== 'conflict' || o.built.length === 0) throw err;
    log.debug({}, 'status conflict after building; merging into a fresh read');
    const latest = await fresh(ctx, p.metadata.namespace ?? '', p.metadata.name);
    if (latest) await write(latest);
  }
}

function nextVisit(a: { pending: number; failed: number; wakeAt?: number; expiry?: number; now: number }): ReconcileResult | void {
  if (a.pending > 0) return { requeueAfterMs: 0 };
  const times = [a.wakeAt, a.expiry, a.failed > 0 ? a.now + RETRY_FAILED_MS : undefined].filter((t): t is number => t !== undefined);
  if (times.length === 0) return;
  return { requeueAfterMs: Math.max(0, Math.min(...times) - a.now) };
}
