/**
 * The PowerTool controller as the manager starts it: its context, its queue, and its watches — a PowerTool's own
 * changes, its target pods' (through the TargetIndex), its tool's PowerToolConfig and any EmergencyStop.
 */
import type { Controller, ControllerDeps } from '../controller.ts';
import { keyOf } from '../controller.ts';
import type { ToolPrivileges } from '../powertoolconfig/check.ts';
import { WorkQueue } from '../queue.ts';
import type { PowerToolContext } from './context.ts';
import { PowerToolEvents } from './events.ts';
import { reconcilePowerTool } from './reconcile.ts';
import { TargetIndex } from './watches.ts';

export interface PowerToolOptions {
  operatorNamespace: string;
  collectorUrl?: string;
  privileges: ToolPrivileges;
  /** Reconciles at once, and injections in flight per pass. */
  injectConcurrency: number;
  stopTool: PowerToolContext['stopTool'];
}

export function startPowerToolController(deps: ControllerDeps, opts: PowerToolOptions): Controller {
  const { caches } = deps;
  const ctx: PowerToolContext = {
    clients: deps.clients,
    caches,
    operatorNamespace: opts.operatorNamespace,
    events: new PowerToolEvents(deps.recorder),
    metrics: deps.metrics,
    log: deps.log,
    collectorUrl: opts.collectorUrl,
    privileges: opts.privileges,
    injectConcurrency: opts.injectConcurrency,
    maxInjectAttempts: 5,
    now: () => new Date(),
    stopTool: opts.stopTool,
  };
  const queue = new WorkQueue((key) => reconcilePowerTool(ctx, key), opts.injectConcurrency, deps.hooks);
  const index = new TargetIndex();
  caches.powerTools.onChange((pt, kind) => {
    index.update(pt, kind === 'delete');
    if (deps.leading() && kind !== 'delete') queue.add(keyOf(pt));
  });
  caches.pods.onChange((pod) => {
    if (deps.leading()) for (const key of index.keysForPod(pod)) queue.add(key);
  });
  // A config change reaches the runs of its tool: a pending target may now be injectable, or no longer.
  caches.configs.onChange((ptc) => {
    if (!deps.leading()) return;
    for (const pt of caches.powerTools.list()) if (pt.spec?.tool?.name === ptc.spec?.tool?.name) queue.add(keyOf(pt));
  });
  // An emergency stop pulled (or cleared) concerns every run: each is visited now, not at its next requeue, so
  // every tool is asked to stop within seconds.
  caches.emergencyStops.onChange(() => {
    if (deps.leading()) for (const pt of caches.powerTools.list()) queue.add(keyOf(pt));
  });
  return {
    lead() {
      for (const pt of caches.powerTools.list()) {
        index.update(pt);
        queue.add(keyOf(pt));
      }
    },
    stop: () => queue.shutdown(),
  };
}
