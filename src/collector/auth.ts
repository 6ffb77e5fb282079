/**
 * Bearer token → verified principal, through the Kubernetes TokenReview API (src/collector/README.md, "Routes").
 *
 * A tool's token is a TokenRequest for the target pod's ServiceAccount, bound to the pod, with the one audience
 * `toe.dev/collector/<powertool-uid>`. The audience read from the unverified JWT is handed to TokenReview as
 * spec.audiences, so the apiserver checks signature, expiry, audience and that the bound pod still exists (a
 * deleted pod invalidates its tokens). The identity then comes only from the review: namespace and ServiceAccount
 * from the username, pod name and UID from the bound-token extras, the PowerTool UID from the verified audience.
 *
 * The collector's ServiceAccount needs `create` on `tokenreviews` (ClusterRole system:auth-delegator).
 */
import { AuthenticationV1Api, type KubeConfig, type V1TokenReviewStatus } from '@kubernetes/client-node';
import { AuthError, claimed, type Claimed } from './token.ts';
import { ReviewCache } from './review-cache.ts';
import { checkNamespace, checkPodName, checkUID, passes } from './paths.ts';

/** A tool's verified identity; the storage path is derived from it and from nothing else. */
export interface ToolIdentity {
  namespace: string;
  serviceAccount: string;
  podName: string;
  podUID: string;
  powerToolUID: string;
}

export type Principal = { kind: 'tool'; identity: ToolIdentity } | { kind: 'reader'; username: string };

/** The seam between HTTP and Kubernetes: resolves a bearer token or throws an AuthError. */
export type Authenticator = (token: string) => Promise<Principal>;

/** One TokenReview call: the token, and the single audience it must carry. */
export type Review = (token: string, audience: string) => Promise<V1TokenReviewStatus>;

export function tokenReview(kubeConfig: KubeConfig): Review {
  const api = kubeConfig.makeApiClient(AuthenticationV1Api);
  return async (token, audience) => {
    const review = await api.createTokenReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: [audience] } },
    });
    return review.status ?? {};
  };
}

export interface AuthenticatorOptions {
  /** How long a positive review is reused (at most 30 s; 0 reviews every request). */
  cacheTtlMs?: number;
  now?: () => number;
}

export function reviewingAuthenticator(review: Review, options: AuthenticatorOptions = {}): Authenticator {
  const now = options.now ?? Date.now;
  const cache = options.cacheTtlMs === 0 ? undefined : new ReviewCache<Principal>(options.cacheTtlMs);
  return async (token) => {
    const claim = claimed(token, now());
    const hit = cache?.get(token, now());
    if (hit) return hit;
    let status: V1TokenReviewStatus;
    try {
      status = await review(token, claim.audience);
    } catch (err) {
      throw new AuthError('unavailable', 'the Kubernetes API could not review the token', { cause: err });
    }
    const principal = principalOf(status, claim);
    cache?.set(token, principal, now(), claim.expiresAt);
    return principal;
  };
}

const SA_USERNAME = /^system:serviceaccount:([^:]+):([^:]+)$/;
const POD_NAME = 'authentication.kubernetes.io/pod-name';
const POD_UID = 'authentication.kubernetes.io/pod-uid';

/** The principal a TokenReview status proves, or the refusal. */
export function principalOf(status: V1TokenReviewStatus, claim: Claimed): Principal {
  if (status.authenticated !== true) {
    throw new AuthError('unauthenticated', 'the Kubernetes API did not accept the token', { cause: status.error });
  }
  if (!status.audiences?.includes(claim.audience)) throw new AuthError('audience', 'the Kubernetes API did not confirm the token audience');
  const username = status.user?.username ?? '';
  if (claim.role === 'reader') {
    if (username === '') throw new AuthError('claims', 'the reviewed token names no user');
    return { kind: 'reader', username };
  }
  const sa = SA_USERNAME.exec(username);
  if (!sa) throw new AuthError('claims', 'the token is not a ServiceAccount token');
  const extra = status.user?.extra ?? {};
  const podName = single(extra[POD_NAME]);
  const podUID = single(extra[POD_UID]);
  if (podName === undefined || podUID === undefined) throw new AuthError('claims', 'the token is not bound to a pod');
  const namespace = sa[1] as string;
  if (!passes(checkNamespace, namespace) || !passes(checkPodName, podName) || !passes(checkUID, podUID)) {
    throw new AuthError('claims', 'the token names a namespace or pod that is not a Kubernetes name');
  }
  return { kind: 'tool', identity: { namespace, serviceAccount: sa[2] as string, podName, podUID, powerToolUID: claim.powerToolUID } };
}

function single(values: string[] | undefined): string | undefined {
  return values?.length === 1 ? values[0] : undefined;
}
