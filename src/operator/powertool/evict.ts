/**
 * The pod-kill fault's one action: evict a target pod through the Eviction API (pods/eviction), so that the
 * API server applies the PodDisruptionBudgets that cover it. A run a budget forbids is refused with the budget's
 * name; it is never forced by a plain delete. An operator-side action: an ephemeral container cannot be given the
 * RBAC to evict, and a tool inside the target would die with the pod it kills. Needs `create` on `pods/eviction`
 * (src/operator/rbac.ts). run-evict.ts calls it for tools with spec.action evict.
 */
import { ApiException, type CoreV1Api } from '@kubernetes/client-node';
import { apiMessage, statusCode } from '../../kube/errors.ts';

export type EvictionOutcome =
  | { pod: string; outcome: 'Evicted' }
  | { pod: string; outcome: 'Gone' }
  | { pod: string; outcome: 'RefusedByBudget'; budgets: string[]; message: string }
  | { pod: string; outcome: 'Failed'; message: string };

export interface EvictOptions {
  /** Seconds the pod gets to shut down; the pod's own terminationGracePeriodSeconds when unset. */
  gracePeriodSeconds?: number;
  /** Ask the API server to check everything (budgets included) and change nothing. */
  dryRun?: boolean;
  /** Evict only the pod with this UID: a new pod that took the selected one's name is not the target (409 then). */
  uid?: string;
}

export async function evictPod(core: CoreV1Api, namespace: string, pod: string, opts: EvictOptions = {}): Promise<EvictionOutcome> {
  try {
    await core.createNamespacedPodEviction({
      name: pod,
      namespace,
      body: {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: pod, namespace },
        deleteOptions: {
          ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
          ...(opts.dryRun ? { dryRun: ['All'] } : {}),
          ...(opts.uid ? { preconditions: { uid: opts.uid } } : {}),
        },
      },
    });
    return { pod, outcome: 'Evicted' };
  } catch (err) {
    const code = statusCode(err);
    if (code === 404) return { pod, outcome: 'Gone' };
    // 429 TooManyRequests is how the Eviction API says "a disruption budget forbids this now".
    if (code === 429) {
      const causes = budgetCauses(err);
      const budgets = [...new Set(causes.flatMap((c) => budgetName(c) ?? []))];
      const detail = causes.join('; ') || apiMessage(err);
      const named = budgets.length > 0 ? `PodDisruptionBudget ${budgets.map((b) => `"${b}"`).join(', ')}` : 'a PodDisruptionBudget';
      return {
        pod,
        outcome: 'RefusedByBudget',
        budgets,
        message: `eviction of pod ${pod} refused by ${named}: ${detail}; not forced`,
      };
    }
    return { pod, outcome: 'Failed', message: `evict pod ${pod}: ${apiMessage(err)}` };
  }
}

/** The Status body's DisruptionBudget causes ("The disruption budget web needs 1 healthy pods and has 1 currently"). */
function budgetCauses(err: unknown): string[] {
  if (!(err instanceof ApiException)) return [];
  let body: unknown = err.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return [];
    }
  }
  type Cause = { reason?: unknown; type?: unknown; message?: unknown };
  const causes = (body as { details?: { causes?: Cause[] } } | undefined)?.details?.causes;
  return (causes ?? [])
    .filter((c) => (c.reason ?? c.type) === 'DisruptionBudget' && typeof c.message === 'string')
    .map((c) => c.message as string);
}

/** The budget's name in the API server's cause text (staging/.../registry/core/pod/storage/eviction.go). */
export function budgetName(cause: string): string | undefined {
  return /disruption budget ([a-z0-9]([-a-z0-9.]*[a-z0-9])?)/.exec(cause)?.[1];
}
