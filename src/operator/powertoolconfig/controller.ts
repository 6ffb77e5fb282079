/** The PowerToolConfig controller as the manager starts it: its queue and the watch on configs. */
import type { Controller, ControllerDeps } from '../controller.ts';
import { keyOf } from '../controller.ts';
import { WorkQueue } from '../queue.ts';
import type { ToolPrivileges } from './check.ts';
import { reconcilePowerToolConfig } from './reconcile.ts';

/** Config checks are cheap and rare: two at once is plenty. */
const CONCURRENCY = 2;

export function startPowerToolConfigController(deps: ControllerDeps, privileges: ToolPrivileges): Controller {
  const ctx = { clients: deps.clients, configs: deps.caches.configs, privileges, log: deps.log, now: () => new Date() };
  const queue = new WorkQueue((key) => reconcilePowerToolConfig(ctx, key), CONCURRENCY, deps.hooks);
  deps.caches.configs.onChange((ptc, kind) => {
    if (deps.leading() && kind !== 'delete') queue.add(keyOf(ptc));
  });
  return {
    lead() {
      for (const ptc of deps.caches.configs.list()) queue.add(keyOf(ptc));
    },
    stop: () => queue.shutdown(),
  };
}
