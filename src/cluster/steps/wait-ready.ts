import { Resolver } from 'node:dns/promises';
import { CoreV1Api } from '@kubernetes/client-node';
import { kubeConfigFrom } from '../client.ts';
import type { Context } from '../context.ts';
import { network, NODE_NAME } from '../settings.ts';
import { waitFor } from '../../kube/wait.ts';

/**
 * "Ready" as a user means it: the kubelet has reported Ready since this `up` began (etcd keeps the last run's
 * status, so an old Ready proves nothing), pods can be created in `default`, and a Service name resolves through
 * CoreDNS behind its ClusterIP, which exercises kube-proxy, the bridge and the pod network end to end.
 */
export async function runWaitReady(ctx: Context): Promise<void> {
  // Heartbeats have one-second resolution.
  const since = ctx.startedAt - 1000;
  const core = kubeConfigFrom(ctx.layout.kubeconfig).makeApiClient(CoreV1Api);
  await waitFor(
    `node ${NODE_NAME} to be Ready`,
    async () => {
      const node = await core.readNode({ name: NODE_NAME });
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'True' && new Date(ready.lastHeartbeatTime ?? 0).getTime() >= since ? true : undefined;
    },
    { timeoutMs: 60_000 },
  );
  // The ServiceAccount admission plugin refuses pods until the controller-manager has made the namespace's SA.
  await waitFor(
    'the default ServiceAccount',
    async () => ((await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' })) ? true : undefined),
    { timeoutMs: 30_000 },
  );
  const resolver = new Resolver({ timeout: 500, tries: 1 });
  resolver.setServers([network.dnsServiceIp]);
  await waitFor(
    'Service names to resolve through CoreDNS',
    async () => {
      const addrs = await resolver.resolve4(`kubernetes.default.svc.${network.clusterDomain}`);
      return addrs.includes(network.apiServiceIp) ? true : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 500 },
  );
}
