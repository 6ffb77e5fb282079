/**
 * What the quickstart and the tutorial both do before their runs: the cluster (the local one brought up, or
 * KUBECONFIG's), the images (local cluster), the CRDs, every tool's config and the sample app, and the operator in
 * this process. Each is a step line; every install is a server-side apply, so doing it again changes nothing.
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { CustomObjectsApi, VersionApi, type KubeConfig } from '@kubernetes/client-node';
import { GROUP, VERSION } from '../api/index.ts';
import { kubernetesDir } from '../cluster/steps/build-kubernetes.ts';
import type { Steps } from '../cli/output.ts';
import { loadKubeConfig } from '../kube/client.ts';
import { withContext } from '../kube/errors.ts';
import { ensureQuickstartImages } from './images.ts';
import { DEMO_NAMESPACE, OPERATOR_NAMESPACE, installConfigs, installCrds, installSampleApps, waitForDemoApp } from './install.ts';
import { startOperator, type InProcessOperator } from './operator.ts';
import type { Target } from './target.ts';
import { waitFor } from '../kube/wait.ts';

/** "kubectl" when it is on PATH, else the one the local cluster built. */
export async function kubectlCommand(cacheDir: string): Promise<string> {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (
      await access(join(dir, 'kubectl'), constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return 'kubectl';
  }
  return join(kubernetesDir(cacheDir), 'bin', 'kubectl');
}

/** The cluster, brought up if it is the local one and not running; says which cluster it is. */
export async function ensureCluster(target: Target, steps: Steps, err: NodeJS.WritableStream): Promise<KubeConfig> {
  if (target.source === 'local' && !target.localUp) {
    const { stepsFor, up } = await import('../cluster/up.ts');
    err.write(
      `Bringing up the local single-node cluster: ${stepsFor('node').length} steps (the first time on a machine it builds Kubernetes: ~20 min)\n`,
    );
    await up(target.layout, 'node', steps);
    target.localUp = true;
    target.local = true;
  } else if (target.source === 'local') {
    steps.info(`the local toe cluster runs (kubeconfig ${target.kubeconfig})`);
  }
  const kc = loadKubeConfig(target.kubeconfig);
  const server = kc.getCurrentCluster()?.server ?? '?';
  await steps.run(`API server ${server} answers`, () =>
    withContext(`the cluster in ${target.kubeconfig} (${server}) does not answer`, () =>
      timeout(kc.makeApiClient(VersionApi).getCode(), 15_000),
    ),
  );
  if (!target.local)
    steps.warn(
      `not the local toe cluster: its nodes must already have the images of powertools/perf and samples/apps/cpu-hot (see README "Using an existing cluster")`,
    );
  return kc;
}

function timeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms / 1000}s`)), ms).unref()),
  ]);
}

/** CRDs, tool configs and the sample app, as the quickstart and the tutorial both need them. */
export async function installAll(kc: KubeConfig, target: Target, steps: Steps): Promise<void> {
  if (target.local) {
    await steps.run('images: toe-perf and the sample app toe-demo-hot (built once, then cached)', () =>
      ensureQuickstartImages(target.layout, (ref, action) => steps.info(`${ref}: ${action}`)),
    );
  }
  await steps.run('CRDs (crds/*.yaml, server-side apply), until Established', async () =>
    steps.info(`${(await installCrds(kc)).join(', ')}`),
  );
  await steps.run(`namespace ${OPERATOR_NAMESPACE} and every tool's PowerToolConfig (powertools/*/config.yaml)`, async () =>
    steps.info(`tools: ${(await installConfigs(kc)).join(', ')}`),
  );
  await steps.run(`sample app: namespace ${DEMO_NAMESPACE} (opted in), Deployment demo-app, until its pods are Ready`, async () => {
    await installSampleApps(kc);
    steps.info(`pods: ${(await waitForDemoApp(kc)).map((p) => p.metadata?.name).join(', ')}`);
  });
}

/** The operator in this process, once the config of `tool` is Ready (so admission and the controller accept it). */
export async function operatorReady(
  kc: KubeConfig,
  target: Target,
  steps: Steps,
  identity: string,
  tool: string,
): Promise<InProcessOperator> {
  const title = `operator in this process${target.local ? ', with admission on loopback' : ''}, until ${tool}'s config is Ready`;
  return steps.run(title, async () => {
    const op = await startOperator(kc, { admission: target.local, identity });
    try {
      const custom = kc.makeApiClient(CustomObjectsApi);
      await waitFor(
        `PowerToolConfig ${OPERATOR_NAMESPACE}/${tool} Ready`,
        async () => {
          const c = (await custom.getNamespacedCustomObject({
            group: GROUP,
            version: VERSION,
            namespace: OPERATOR_NAMESPACE,
            plural: 'powertoolconfigs',
            name: tool,
          })) as {
            metadata: { generation?: number };
            status?: { observedGeneration?: number; conditions?: { type: string; status: string; message?: string }[] };
          };
          const ready = c.status?.conditions?.find((x) => x.type === 'Ready');
          if ((c.status?.observedGeneration ?? -1) < (c.metadata.generation ?? 0) || !ready) return undefined;
          if (ready.status !== 'True') throw new Error(`the ${tool} config is not Ready: ${ready.message ?? ''}`);
          return true;
        },
        { timeoutMs: 30_000 },
      );
      return op;
    } catch (err) {
      await op.stop().catch(() => undefined);
      throw err;
    }
  });
}
