/**
 * The PowerToolConfig reconciler.
 * Reads: the config from the informer cache. Writes: its status (Ready with a reason, observedGeneration).
 * Owns nothing else: PowerTools re-check their config themselves before acting.
 */
import type { Logger } from 'pino';
import type { PowerToolConfig } from '../../api/index.ts';
import { setCondition } from '../../kube/conditions.ts';
import type { Cache } from '../../kube/informer.ts';
import type { Clients } from '../../kube/client.ts';
import { checkToolConfig, type ToolPrivileges } from './check.ts';

export interface PowerToolConfigContext {
  clients: Clients;
  configs: Cache<PowerToolConfig>;
  privileges: ToolPrivileges;
  log: Logger;
  now: () => Date;
}

export async function reconcilePowerToolConfig(ctx: PowerToolConfigContext, key: string): Promise<void> {
  const [namespace, name] = key.split('/') as [string, string];
  const ptc = ctx.configs.get(name, namespace) as
    (PowerToolConfig & { metadata: { generation?: number; resourceVersion?: string } }) | undefined;
  if (!ptc) return;
  const errors = checkToolConfig(ptc.spec, ctx.privileges);
  const generation = ptc.metadata.generation;
  const conditions = setCondition(
    ptc.status?.conditions,
    errors.length === 0
      ? { type: 'Ready', status: 'True', reason: 'Valid', message: `tool ${ptc.spec.tool.name} can be used by PowerTools` }
      : {
          type: 'Ready',
          status: 'False',
          reason: 'Invalid',
          message: errors
            .map((e) => `${e.path}: ${e.message}`)
            .join('; ')
            .slice(0, 32_000),
        },
    generation,
    ctx.now(),
  );
  const status = { observedGeneration: generation, conditions };
  if (!(await ctx.clients.resources.configs.updateStatus(ptc, status))) return;
  ctx.log.info({ namespace, name, ready: errors.length === 0 }, 'config checked');
}
