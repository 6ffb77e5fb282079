/**
 * The PowerToolScenario controller as the manager starts it: its informer, its queue, and the watches that map a
 * PowerTool's change to its owning scenario (a step ends when its PowerTools do) and an EmergencyStop's to every
 * scenario (an active stop aborts them). Only the leader reconciles; a wait step asks to come back when it ends.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { GROUP, VERSION } from '../../api/index.ts';
import { watchedCache, type WatchedCache } from '../../kube/informer.ts';
import { keyOf, type Controller, type ControllerDeps } from '../controller.ts';
import type { LiveEmergencyStop } from '../emergency-stop/active.ts';
import { WorkQueue } from '../queue.ts';
import { ScenarioEvents } from './events.ts';
import { reconcileScenario, type LiveScenario, type LiveTool, type ScenarioContext } from './reconcile.ts';

export interface ScenarioController extends Controller {
  queue: WorkQueue;
}

export interface ScenarioOptions {
  /** The clock; the manager passes none (the real one), tests a controllable one. */
  now?: () => Date;
}

const CONCURRENCY = 2;

export async function startScenarioController(deps: ControllerDeps, opts: ScenarioOptions = {}): Promise<ScenarioController> {
  const { clients, caches, log } = deps;
  const scenarios = watchedCache<LiveScenario & KubernetesObject>(
    clients.kc,
    `/apis/${GROUP}/${VERSION}/${clients.resources.scenarios.plural}`,
    () => clients.resources.scenarios.list() as never,
    log,
  );
  await scenarios.start();
  const ctx: ScenarioContext = {
    clients,
    scenarios,
    powerTools: caches.powerTools as unknown as WatchedCache<LiveTool & KubernetesObject>,
    emergencyStops: () => caches.emergencyStops.list() as LiveEmergencyStop[],
    events: new ScenarioEvents(deps.recorder),
    log,
    now: opts.now ?? (() => new Date()),
  };
  const queue = new WorkQueue((key) => reconcileScenario(ctx, key), CONCURRENCY, deps.hooks);
  const all = (): void => {
    for (const s of scenarios.list()) queue.add(keyOf(s));
  };

  const generations = new Map<string, number | undefined>();
  scenarios.onChange((s, kind) => {
    const key = keyOf(s);
    if (kind === 'delete') return void generations.delete(key);
    // Our own status writes change nothing to decide on; a spec change or a new object does.
    const changed = kind === 'add' || generations.get(key) !== s.metadata.generation;
    generations.set(key, s.metadata.generation);
    if (changed && deps.leading()) queue.add(key);
  });
  caches.powerTools.onChange((pt) => {
    if (!deps.leading()) return;
    const owner = ((pt.metadata as LiveTool['metadata']).ownerReferences ?? []).find(
      (o) => o.controller === true && (o as { kind?: string }).kind === 'PowerToolScenario',
    ) as { name?: string } | undefined;
    if (owner?.name) queue.add(`${pt.metadata.namespace}/${owner.name}`);
  });
  caches.emergencyStops.onChange(() => {
    if (deps.leading()) all();
  });

  return {
    queue,
    lead: all,
    async stop() {
      await queue.shutdown();
      await scenarios.stop();
    },
  };
}
