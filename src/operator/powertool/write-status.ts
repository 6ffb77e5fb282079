import type { Logger } from 'pino';
import type { PowerToolStatus } from '../../api/index.ts';
import type { PowerToolContext } from './context.ts';
import type { LivePowerTool } from './reconcile.ts';
import { requesterOf } from './resolve.ts';

/** JSON with sorted keys, so a status read back from the API server compares equal to the one we computed. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/**
 * Writes the status only when it changed, with the object's resourceVersion as a precondition: a status computed
 * from a stale cache is refused (409) and the key is retried on fresh data, never written over newer state.
 * Returns whether anything was written.
 */
export async function writeStatus(ctx: PowerToolContext, pt: LivePowerTool, status: PowerToolStatus, log: Logger): Promise<boolean> {
  const requestedBy = status.requestedBy ?? requesterOf(pt);
  const next: PowerToolStatus = requestedBy ? { ...status, requestedBy } : status;
  if (canonical(pt.status ?? {}) === canonical(next)) return false;
  await ctx.clients.resources.powerTools.patchStatus(pt.metadata.namespace ?? '', pt.metadata.name, next, pt.metadata.resourceVersion);
  if (next.phase !== pt.status?.phase)
    log.info({ phase: next.phase, selected: next.selected, succeeded: next.succeeded, failed: next.failed }, 'phase changed');
  return true;
}
