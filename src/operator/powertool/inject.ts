import type { CoreV1Api, V1EphemeralContainer, V1Pod } from '@kubernetes/client-node';
import { strategicMerge } from '../../kube/patch.ts';
import { classify } from '../../kube/errors.ts';

/** The audience of a tool's collector token; the collector derives the run from it after TokenReview. */
export const collectorAudience = (runUID: string): string => `toe.dev/collector/${runUID}`;

/**
 * Adds the tool through the pods/ephemeralcontainers subresource with a strategic merge patch keyed by name, as
 * `kubectl debug` does. If the apiserver refuses because the name exists already (a stale cache after a restart),
 * the pod is read back: the container being there is success, not an error.
 */
export async function injectContainer(core: CoreV1Api, namespace: string, pod: string, container: V1EphemeralContainer): Promise<V1Pod> {
  try {
    return await core.patchNamespacedPodEphemeralcontainers(
      { name: pod, namespace, body: { spec: { ephemeralContainers: [container] } }, fieldManager: 'toe-operator' },
      strategicMerge(),
    );
  } catch (err) {
    if (classify(err) !== 'terminal' && classify(err) !== 'conflict') throw err;
    const current = await core.readNamespacedPod({ name: pod, namespace });
    if ((current.spec?.ephemeralContainers ?? []).some((c) => c.name === container.name)) return current;
    throw err;
  }
}

/**
 * A short-lived token for the collector: bound to the pod (it dies with the pod) and to an audience naming the run,
 * so it is useless against the API server and against another run. TokenRequest's minimum lifetime is 10 minutes.
 */
export async function requestToolToken(core: CoreV1Api, pod: V1Pod, runUID: string, durationMs: number): Promise<string> {
  const sa = pod.spec?.serviceAccountName ?? 'default';
  const namespace = pod.metadata?.namespace ?? 'default';
  const res = await core.createNamespacedServiceAccountToken({
    name: sa,
    namespace,
    body: {
      spec: {
        audiences: [collectorAudience(runUID)],
        expirationSeconds: Math.max(600, Math.ceil(durationMs / 1000) + 600),
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name, uid: pod.metadata?.uid },
      },
    },
  });
  const token = res.status?.token;
  if (!token) throw new Error(`the TokenRequest for service account ${namespace}/${sa} returned no token`);
  return token;
}
