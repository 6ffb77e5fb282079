/**
 * The PowerToolSchedule controller as the manager starts it: its informer, its queue, and the watch that maps a
 * run's change to its owning schedule (a run finishing matters to Forbid, history limits and status). Only the
 * leader reconciles; every pass asks to come back at the next slot.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { GROUP, VERSION } from '../../api/index.ts';
import { watchedCache, type WatchedCache } from '../../kube/informer.ts';
import { keyOf, type Controller, type ControllerDeps } from '../controller.ts';
import { WorkQueue } from '../queue.ts';
import { ScheduleEvents } from './events.ts';
import { reconcileSchedule, type LiveRun, type LiveSchedule, type ScheduleContext } from './reconcile.ts';

export interface ScheduleController extends Controller {
  queue: WorkQueue;
}

export interface ScheduleOptions {
  /** The clock; the manager passes none (the real one), tests a controllable one. */
  now?: () => Date;
}

const CONCURRENCY = 2;

export async function startScheduleController(deps: ControllerDeps, opts: ScheduleOptions = {}): Promise<ScheduleController> {
  const { clients, caches, log } = deps;
  const schedules = watchedCache<LiveSchedule & KubernetesObject>(
    clients.kc,
    `/apis/${GROUP}/${VERSION}/${clients.resources.schedules.plural}`,
    () => clients.resources.schedules.list() as never,
    log,
  );
  await schedules.start();
  const ctx: ScheduleContext = {
    clients,
    schedules,
    powerTools: caches.powerTools as unknown as WatchedCache<LiveRun & KubernetesObject>,
    events: new ScheduleEvents(deps.recorder),
    log,
    now: opts.now ?? (() => new Date()),
  };
  const queue = new WorkQueue((key) => reconcileSchedule(ctx, key), CONCURRENCY, deps.hooks);

  const generations = new Map<string, number | undefined>();
  schedules.onChange((s, kind) => {
    const key = keyOf(s);
    if (kind === 'delete') return void generations.delete(key);
    // Our own status writes change nothing to decide on; a spec change or a new object does.
    const changed = kind === 'add' || generations.get(key) !== s.metadata.generation;
    generations.set(key, s.metadata.generation);
    if (changed && deps.leading()) queue.add(key);
  });
  caches.powerTools.onChange((pt) => {
    if (!deps.leading()) return;
    const owner = ((pt.metadata as LiveRun['metadata']).ownerReferences ?? []).find(
      (o) => o.controller === true && (o as { kind?: string }).kind === 'PowerToolSchedule',
    ) as { name?: string } | undefined;
    if (owner?.name) queue.add(`${pt.metadata.namespace}/${owner.name}`);
  });

  return {
    queue,
    lead() {
      for (const s of schedules.list()) queue.add(keyOf(s));
    },
    async stop() {
      await queue.shutdown();
      await schedules.stop();
    },
  };
}
