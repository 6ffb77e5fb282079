import type { Logger } from 'pino';
import { classify } from '../../kube/errors.ts';
import type { ReconcileResult } from '../queue.ts';
import type { PowerToolContext } from './context.ts';
import { observeTarget } from './observe.ts';
import type { LivePowerTool } from './reconcile.ts';
import { stopTargets } from './stop-targets.ts';
import { computeStatus } from './status.ts';
import { targetEnded } from './target-phase.ts';
import { undoAbrupt, undoing } from './run-undo.ts';
import { writeStatus } from './write-status.ts';

/** Held while tools may be running, so deleting a PowerTool stops its tools before the object goes. */
export const FINALIZER = 'toe.dev/stop-tools';

/**
 * How long a deleted PowerTool waits for its tools to stop. A tool that cannot be reached (its pod's node is gone,
 * say) must not keep the object forever; the Event then names the pods to check by hand.
 */
const DELETE_WAIT_MS = 60_000;

async function setFinalizers(ctx: PowerToolContext, pt: LivePowerTool, finalizers: string[]): Promise<void> {
  try {
    await ctx.clients.resources.powerTools.mergePatch(pt.metadata.namespace ?? '', pt.metadata.name, {
      metadata: { finalizers, resourceVersion: pt.metadata.resourceVersion },
    });
  } catch (err) {
    if (classify(err) !== 'gone') throw err;
  }
}

/** Adds the finalizer; true when it did, so the caller stops here and works on the updated object next time. */
export async function ensureFinalizer(ctx: PowerToolContext, pt: LivePowerTool): Promise<boolean> {
  const current = pt.metadata.finalizers ?? [];
  if (current.includes(FINALIZER)) return false;
  await setFinalizers(ctx, pt, [...current, FINALIZER]);
  return true;
}

/** Deletion: stop every running tool, record it, and let the object go once all have ended (or the wait is over). */
export async function releaseFinalizer(ctx: PowerToolContext, pt: LivePowerTool, now: Date, log: Logger): Promise<ReconcileResult | void> {
  const current = pt.metadata.finalizers ?? [];
  if (!current.includes(FINALIZER)) return;
  const namespace = pt.metadata.namespace ?? '';
  const prevTargets = pt.status?.targets ?? [];
  const pods = new Map(prevTargets.map((t) => [t.pod, ctx.caches.pods.get(t.pod, namespace)]));
  let targets = prevTargets.map((t) => observeTarget(t, pods.get(t.pod)));
  targets = await stopTargets(ctx, pt, targets, 'Deleted', now, log);
  // A tool that ended abruptly, before or during the stop, has its fault undone before the object goes.
  targets = await undoAbrupt(ctx, pt, targets, pods, log);
  const waitedMs = now.getTime() - Date.parse(pt.metadata.deletionTimestamp ?? now.toISOString());
  const running = targets.filter((t) => (!targetEnded(t) && t.phase !== 'Pending') || undoing([t]).length > 0);
  if (targets.length > 0) {
    await writeStatus(
      ctx,
      pt,
      computeStatus({
        prev: pt.status,
        generation: pt.metadata.generation,
        now,
        dryRun: pt.spec.dryRun,
        suspended: pt.spec.suspend,
        targets,
        startedAt: pt.status?.startedAt,
        deadline: pt.status?.deadline,
      }),
      log,
    );
  }
  if (running.length > 0 && waitedMs < DELETE_WAIT_MS) return { requeueAfterMs: 1_000 };
  if (running.length > 0) {
    ctx.events.finished(
      pt,
      'Deleted',
      `tools may still run in pods ${running.map((t) => t.pod).join(', ')}: they stop at their deadline (${pt.status?.deadline}); check them with kubectl describe pod`,
    );
  }
  await setFinalizers(
    ctx,
    { ...pt, metadata: { ...pt.metadata, resourceVersion: undefined } },
    current.filter((f) => f !== FINALIZER),
  );
}

/** How long until a finished run's TTL passes (≤ 0: delete it now); undefined when it has no TTL or has not finished. */
export function expiresInMs(ttlSeconds: number | undefined, finishedAt: string | undefined, now: Date): number | undefined {
  if (ttlSeconds === undefined || !finishedAt) return undefined;
  return Date.parse(finishedAt) + ttlSeconds * 1000 - now.getTime();
}

/** A finished run: drop the finalizer (nothing runs any more) and delete the object once its TTL has passed. */
export async function deleteIfExpired(ctx: PowerToolContext, pt: LivePowerTool, now: Date): Promise<ReconcileResult | void> {
  if ((pt.metadata.finalizers ?? []).includes(FINALIZER)) {
    await setFinalizers(
      ctx,
      pt,
      (pt.metadata.finalizers ?? []).filter((f) => f !== FINALIZER),
    );
    return;
  }
  const dueMs = expiresInMs(pt.spec.ttlSecondsAfterFinished, pt.status?.finishedAt, now);
  if (dueMs === undefined) return;
  if (dueMs > 0) return { requeueAfterMs: dueMs };
  try {
    await ctx.clients.resources.powerTools.delete(pt.metadata.namespace ?? '', pt.metadata.name, { uid: pt.metadata.uid });
  } catch (err) {
    if (classify(err) !== 'gone') throw err;
  }
}
