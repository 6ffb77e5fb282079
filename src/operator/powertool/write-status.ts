import type { Logger } from 'pino';
import type { PowerToolStatus } from '../../api/index.ts';
import type { PowerToolContext } from './context.ts';
import type { LivePowerTool } from './reconcile.ts';
import { requesterOf } from './resolve.ts';

/** The PowerTool's status through the shared writer (ResourceClient.updateStatus), with its requester and a log of phase changes. */
export async function writeStatus(ctx: PowerToolContext, pt: LivePowerTool, status: PowerToolStatus, log: Logger): Promise<boolean> {
  const requestedBy = status.requestedBy ?? requesterOf(pt);
  const next: PowerToolStatus = requestedBy ? { ...status, requestedBy } : status;
  if (!(await ctx.clients.resources.powerTools.updateStatus(pt, next))) return false;
  if (next.phase !== pt.status?.phase)
    log.info({ phase: next.phase, selected: next.selected, succeeded: next.succeeded, failed: next.failed }, 'phase changed');
  return true;
}
