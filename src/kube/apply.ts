import type { KubeConfig } from '@kubernetes/client-node';
import { request } from 'node:https';

/**
 * Server-side apply of an object as raw JSON. The typed client's serializer drops keys it has no field for (CRD
 * schemas lose their x-kubernetes-validations that way), so CRDs and other hand-written manifests go out as
 * written. Field manager "toe"; `force` takes over fields another manager set, as `kubectl apply --server-side
 * --force-conflicts` does.
 */
export async function serverSideApply(kc: KubeConfig, obj: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }, plural: string): Promise<unknown> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const ns = obj.metadata.namespace ? `/namespaces/${obj.metadata.namespace}` : '';
  const url = new URL(`${cluster.server}${base}${ns}/${plural}/${obj.metadata.name}?fieldManager=toe&force=true`);
  const opts: Parameters<typeof request>[1] = { method: 'PATCH', headers: { 'Content-Type': 'application/apply-patch+yaml', Accept: 'application/json' } };
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
