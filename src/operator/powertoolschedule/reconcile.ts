/**
 * The PowerToolSchedule reconciler.
 * Reads: the schedule (cache, then the API server before it creates anything) and the PowerTools it owns (cache).
 * Writes: its status (the only writer), its runs (create; delete for Replace and the history limits), Events.
 * Each pass: plan from the clock (plan.ts, pure), act, record, and come back at the next slot. A run's name comes
 * from its slot, so a create repeated after a restart, a lost status write or a leader fail-over collides
 * (AlreadyExists) instead of starting a second run.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  API_VERSION,
  SCHEDULE_LABEL,
  SCHEDULED_AT_ANNOTATION,
  powerToolScheduleSpec,
  type PowerTool,
  type PowerToolSchedule,
  type PowerToolScheduleStatus,
} from '../../api/index.ts';
import type { Clients } from '../../kube/client.ts';
import { setCondition, type ConditionInput } from '../../kube/conditions.ts';
import { apiMessage, classify } from '../../kube/errors.ts';
import type { Cache } from '../../kube/informer.ts';
import type { Live } from '../../kube/resources.ts';
import { parseCron, type Cron } from '../../schedule/cron.ts';
import type { ReconcileResult } from '../queue.ts';
import type { ScheduleEvents } from './events.ts';
import { isFinished, isSucceeded, plan, prune, runName, type Plan, type Run } from './plan.ts';

export type LiveSchedule = Live<PowerToolSchedule> & { metadata: { ownerReferences?: unknown } };
export type LiveRun = Live<PowerTool> & { metadata: { ownerReferences?: { uid?: string; controller?: boolean }[] } };

export interface ScheduleContext {
  clients: Clients;
  schedules: Cache<LiveSchedule>;
  powerTools: Cache<LiveRun>;
  events: ScheduleEvents;
  log: Logger;
  /** The clock; tests drive slots, restarts and catch-up with it instead of waiting minutes. */
  now: () => Date;
}

/** The soonest a pass comes back, so a slot due right now is not re-planned in a tight loop. */
const MIN_REQUEUE_MS = 1_000;

export function ownedRuns(ctx: ScheduleContext, s: LiveSchedule): LiveRun[] {
  return ctx.powerTools
    .list(s.metadata.namespace)
    .filter((pt) => (pt.metadata.ownerReferences ?? []).some((o) => o.controller === true && o.uid === s.metadata.uid));
}

export function toRun(pt: LiveRun): Run {
  const time = (t?: string): number | undefined => (t ? Date.parse(t) : undefined);
  const slot = time(pt.metadata.annotations?.[SCHEDULED_AT_ANNOTATION]);
  return {
    name: pt.metadata.name,
    uid: pt.metadata.uid ?? '',
    ...(slot !== undefined && !Number.isNaN(slot) ? { slot } : {}),
    ...(pt.status?.phase ? { phase: pt.status.phase } : {}),
    ...(pt.status?.finishedAt ? { finishedAt: time(pt.status.finishedAt) } : {}),
    ...(pt.metadata.creationTimestamp ? { creationTimestamp: time(pt.metadata.creationTimestamp) } : {}),
    deleting: pt.metadata.deletionTimestamp !== undefined,
  };
}

export async function reconcileSchedule(ctx: ScheduleContext, key: string): Promise<ReconcileResult | void> {
  const [namespace, name] = key.split('/') as [string, string];
  const cached = ctx.schedules.get(name, namespace);
  if (!cached || cached.metadata.deletionTimestamp || !cached.metadata.uid) return;
  const log = ctx.log.child({ namespace, name, reconcileID: randomUUID() });
  const now = ctx.now();

  const parsed = powerToolScheduleSpec.safeParse(cached.spec);
  let cron: Cron | undefined;
  let problem = parsed.success ? undefined : parsed.error.issues.map((i) => `spec.${i.path.join('.')}: ${i.message}`).join('; ');
  if (parsed.success) {
    try {
      cron = parseCron(parsed.data.schedule);
    } catch (err) {
      problem = `spec.schedule: "${parsed.data.schedule}": ${(err as Error).message}`;
    }
  }
  if (!parsed.success || !cron || problem) {
    const message = problem ?? 'invalid';
    const status = withReady(cached, { type: 'Ready', status: 'False', reason: 'InvalidSchedule', message }, now);
    if (await ctx.clients.resources.schedules.updateStatus(cached, status)) ctx.events.invalid(cached.metadata, message);
    return;
  }
  const spec = parsed.data;
  const decide = (s: LiveSchedule): Plan =>
    plan({
      cron: cron as Cron,
      since: Date.parse(s.status?.lastScheduleTime ?? s.metadata.creationTimestamp ?? now.toISOString()),
      ...(spec.startingDeadlineSeconds !== undefined ? { startingDeadlineSeconds: spec.startingDeadlineSeconds } : {}),
      concurrencyPolicy: spec.concurrencyPolicy,
      suspend: spec.suspend,
      runs: ownedRuns(ctx, s).map(toRun),
      now: now.getTime(),
    });

  let s = cached;
  let decision = decide(s);
  // Creating is the step that must not repeat: confirm lastScheduleTime against the API server, not the cache.
  if (decision.action === 'start') {
    try {
      s = (await ctx.clients.resources.schedules.get(namespace, name)) as LiveSchedule;
    } catch (err) {
      if (classify(err) === 'gone') return;
      throw err;
    }
    decision = decide(s);
  }
  const ref = { namespace, name, uid: s.metadata.uid };
  if (decision.action !== 'none' || decision.tooMany) log.debug({ action: decision.action }, 'pass');
  if ('tooMany' in decision && decision.tooMany && decision.action === 'start') ctx.events.tooMany(ref, decision.tooMany);

  let lastScheduleTime = s.status?.lastScheduleTime;
  let ready: ConditionInput = {
    type: 'Ready',
    status: 'True',
    reason: 'Scheduled',
    message: 'the schedule is valid and runs are started on time',
  };
  if (decision.action === 'forbid') {
    ctx.events.forbidden(
      ref,
      new Date(decision.slot),
      decision.active.map((r) => r.name),
    );
  } else if (decision.action === 'start') {
    for (const r of decision.replace) {
      await deleteRun(ctx, namespace, r);
      ctx.events.replaced(ref, r);
      log.info({ run: r.name }, 'active run replaced');
    }
    const created = await createRun(ctx, s, spec.template, decision.slot);
    if (created.ok) {
      lastScheduleTime = new Date(decision.slot).toISOString();
      if (created.uid) {
        ctx.events.created(ref, { name: created.name, uid: created.uid }, new Date(decision.slot));
        log.info({ run: created.name, slot: lastScheduleTime }, 'run created');
      }
    } else {
      ctx.events.failedCreate(ref, created.name, created.message);
      ready = { type: 'Ready', status: 'False', reason: 'FailedCreate', message: created.message };
    }
  }

  const runs = ownedRuns(ctx, s).map(toRun);
  for (const r of prune(runs, spec.successfulRunsHistoryLimit, spec.failedRunsHistoryLimit)) {
    await deleteRun(ctx, namespace, r);
    ctx.events.pruned(ref, r);
  }
  const lastSuccess = runs
    .filter((r) => isFinished(r) && isSucceeded(r) && r.finishedAt !== undefined)
    .reduce<number | undefined>((a, r) => Math.max(a ?? 0, r.finishedAt as number), undefined);
  const active = runs.filter((r) => !isFinished(r)).map((r) => ({ name: r.name, uid: r.uid }));
  const status: PowerToolScheduleStatus = {
    ...withReady(s, ready, now),
    ...(lastScheduleTime ? { lastScheduleTime } : {}),
    ...newer(s.status?.lastSuccessfulTime, lastSuccess),
  };
  if (active.length > 0) status.active = active.sort((a, b) => a.name.localeCompare(b.name));
  else delete status.active;
  await ctx.clients.resources.schedules.updateStatus(s, status);
  return decision.next === undefined ? undefined : { requeueAfterMs: Math.max(MIN_REQUEUE_MS, decision.next - now.getTime()) };
}

function withReady(s: LiveSchedule, ready: ConditionInput, now: Date): PowerToolScheduleStatus {
  return {
    ...(s.status ?? {}),
    observedGeneration: s.metadata.generation,
    conditions: setCondition(s.status?.conditions, ready, s.metadata.generation, now),
  };
}

function newer(current: string | undefined, candidate: number | undefined): { lastSuccessfulTime?: string } {
  if (candidate === undefined) return current ? { lastSuccessfulTime: current } : {};
  if (current && Date.parse(current) >= candidate) return { lastSuccessfulTime: current };
  return { lastSuccessfulTime: new Date(candidate).toISOString() };
}

type Created = { ok: true; name: string; uid?: string } | { ok: false; name: string; message: string };

async function createRun(
  ctx: ScheduleContext,
  s: LiveSchedule,
  template: PowerToolSchedule['spec']['template'],
  slot: number,
): Promise<Created> {
  const namespace = s.metadata.namespace ?? '';
  const name = runName(s.metadata.name, slot);
  // The template as the user wrote it (not the parsed form with defaults), so the run reads like a hand-made one.
  const raw = (s.spec as { template?: { spec?: unknown } }).template?.spec ?? template.spec;
  const body = {
    apiVersion: API_VERSION,
    kind: 'PowerTool',
    metadata: {
      name,
      namespace,
      labels: { ...(template.metadata?.labels ?? {}), [SCHEDULE_LABEL]: s.metadata.name },
      annotations: { ...(template.metadata?.annotations ?? {}), [SCHEDULED_AT_ANNOTATION]: new Date(slot).toISOString() },
      // No blockOwnerDeletion: it needs update on powertoolschedules/finalizers, and nothing waits on it here.
      ownerReferences: [
        { apiVersion: API_VERSION, kind: 'PowerToolSchedule', name: s.metadata.name, uid: s.metadata.uid, controller: true },
      ],
    },
    spec: raw,
  };
  try {
    const created = (await ctx.clients.custom.createNamespacedCustomObject({
      group: 'toe.dev',
      version: 'v1alpha1',
      namespace,
      plural: ctx.clients.resources.powerTools.plural,
      body,
    })) as { metadata?: { uid?: string } };
    return { ok: true, name, ...(created.metadata?.uid ? { uid: created.metadata.uid } : {}) };
  } catch (err) {
    // AlreadyExists: this slot's run was created before (a restart, a lost status write, another leader).
    if (classify(err) === 'conflict') return { ok: true, name };
    if (classify(err) === 'terminal') return { ok: false, name, message: apiMessage(err) };
    throw new Error(`create PowerTool ${namespace}/${name}`, { cause: err });
  }
}

/** Deletes one run (that incarnation only); its finalizer stops the tools through the PowerTool controller. */
async function deleteRun(ctx: ScheduleContext, namespace: string, run: Run): Promise<void> {
  try {
    await ctx.clients.resources.powerTools.delete(namespace, run.name, { uid: run.uid });
  } catch (err) {
    if (classify(err) !== 'gone' && classify(err) !== 'conflict')
      throw new Error(`delete PowerTool ${namespace}/${run.name}`, { cause: err });
  }
}
