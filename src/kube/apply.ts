import type { KubeConfig } from '@kubernetes/client-node';
import { request } from 'node:https';

/** An object as TOE applies it: what the request path needs; every other key goes out as written. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/**
 * The resource name of each kind TOE applies. Without it the typed client asks discovery for every kind; the
 * kinds are few and fixed, and an unknown one is a mistake in our code, said so before any request.
 */
const PLURALS: Record<string, string> = {
  ClusterRole: 'clusterroles',
  ClusterRoleBinding: 'clusterrolebindings',
  ConfigMap: 'configmaps',
  CustomResourceDefinition: 'customresourcedefinitions',
  Deployment: 'deployments',
  IngressClass: 'ingressclasses',
  Namespace: 'namespaces',
  PowerTool: 'powertools',
  PowerToolConfig: 'powertoolconfigs',
  Service: 'services',
  ServiceAccount: 'serviceaccounts',
};

export function pluralOf(kind: string): string {
  const plural = PLURALS[kind];
  if (!plural) throw new Error(`no resource name known for kind ${kind} (known: ${Object.keys(PLURALS).join(', ')})`);
  return plural;
}

/** Applies each object in order, as `serverSideApply`: creating and updating are the same call, so it can repeat. */
export async function applyAll(kc: KubeConfig, objects: Manifest[], fieldManager?: string): Promise<void> {
  for (const obj of objects) await serverSideApply(kc, obj, pluralOf(obj.kind), fieldManager);
}

/**
 * Server-side apply of an object as raw JSON. The typed client's serializer drops keys it has no field for (CRD
 * schemas lose their x-kubernetes-validations that way), so CRDs and other hand-written manifests go out as
 * written. Field manager "toe" unless given; `force` takes over fields another manager set, as
 * `kubectl apply --server-side --force-conflicts` does.
 */
export async function serverSideApply(kc: KubeConfig, obj: Manifest, plural: string, fieldManager = 'toe'): Promise<unknown> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const ns = obj.metadata.namespace ? `/namespaces/${obj.metadata.namespace}` : '';
  const url = new URL(
    `${cluster.server}${base}${ns}/${plural}/${obj.metadata.name}?fieldManager=${encodeURIComponent(fieldManager)}&force=true`,
  );
  const opts: Parameters<typeof request>[1] = {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/apply-patch+yaml', Accept: 'application/json' },
  };
  await kc.applyToHTTPSOptions(opts);
  const body = JSON.stringify(obj);
  return new Promise((resolve, reject) => {
    const req = request(url, opts, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const parsed: unknown = text ? JSON.parse(text) : undefined;
        if ((res.statusCode ?? 500) >= 300) {
          const message = (parsed as { message?: string } | undefined)?.message ?? text;
          reject(Object.assign(new Error(`apply ${obj.kind} ${obj.metadata.name}: ${message}`), { code: res.statusCode }));
        } else resolve(parsed);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
