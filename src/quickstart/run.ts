/**
 * `toe quickstart`, in order: check → cluster (the local one brought up, or KUBECONFIG's) → images → CRDs →
 * tool configs → sample app → operator in this process → a sample PowerTool followed to its end → its result
 * and report → stop the operator (the cluster stays up). Every install is a server-side apply, so a second run
 * changes nothing but adds a run of its own.
 */
import { access, constants } from 'node:fs/promises';
import { join, delimiter } from 'node:path';
import { tmpdir } from 'node:os';
import { CustomObjectsApi, VersionApi, type KubeConfig } from '@kubernetes/client-node';
import { GROUP, VERSION, parseDuration, type PowerTool } from '../api/index.ts';
import { kubernetesDir } from '../cluster/steps/build-kubernetes.ts';
import type { Streams } from '../cli/command.ts';
import type { Steps } from '../cli/output.ts';
import { loadKubeConfig } from '../kube/client.ts';
import { apiMessage, withContext } from '../kube/errors.ts';
import { follow, refusal } from './follow.ts';
import { ensureQuickstartImages } from './images.ts';
import { DEMO_NAMESPACE, OPERATOR_NAMESPACE, installConfigs, installCrds, installSampleApps, readManifests, repoRoot, waitForDemoApp, waitUntil } from './install.ts';
import { startOperator, type InProcessOperator } from './operator.ts';
import { gatherFacts, problems } from './preflight.ts';
import { collectResult } from './result.ts';
import { formatSummary } from './summary.ts';
import { chooseTarget, type Target } from './target.ts';

export interface QuickstartOptions {
  keepRunning: boolean;
  reportsDir?: string;
}

export const SAMPLE = join(repoRoot, 'samples/powertools/quickstart.yaml');
export const RUN_LABEL = 'app.kubernetes.io/part-of';
export const RUN_LABEL_VALUE = 'toe-quickstart';

/** "kubectl" when it is on PATH, else the one the local cluster built. */
export async function kubectlCommand(cacheDir: string): Promise<string> {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (await access(join(dir, 'kubectl'), constants.X_OK).then(() => true, () => false)) return 'kubectl';
  }
  return join(kubernetesDir(cacheDir), 'bin', 'kubectl');
}

/** The cluster, brought up if it is the local one and not running; says which cluster it is. */
export async function ensureCluster(target: Target, steps: Steps, err: NodeJS.WritableStream): Promise<KubeConfig> {
  if (target.source === 'local' && !target.localUp) {
    const { stepsFor, up } = await import('../cluster/up.ts');
    err.write(`Bringing up the local single-node cluster: ${stepsFor('node').length} steps (the first time on a machine it builds Kubernetes: ~20 min)\n`);
    await up(target.layout, 'node', steps);
    target.localUp = true;
    target.local = true;
  } else if (target.source === 'local') {
    steps.info(`the local toe cluster runs (kubeconfig ${target.kubeconfig})`);
  }
  const kc = loadKubeConfig(target.kubeconfig);
  const server = kc.getCurrentCluster()?.server ?? '?';
  await steps.run(`API server ${server} answers`, () =>
    withContext(`the cluster in ${target.kubeconfig} (${server}) does not answer`, () => timeout(kc.makeApiClient(VersionApi).getCode(), 15_000)),
  );
  if (!target.local) steps.warn(`not the local toe cluster: its nodes must already have the images of powertools/perf and samples/apps/cpu-hot (see README "Using an existing cluster")`);
  return kc;
}

function timeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms / 1000}s`)), ms).unref())]);
}

/** CRDs, tool configs and the sample app, as the quickstart and the tutorial both need them. */
export async function installAll(kc: KubeConfig, target: Target, steps: Steps): Promise<void> {
  if (target.local) {
    await steps.run('images: toe-perf and the sample app toe-demo-hot (built once, then cached)', () => ensureQuickstartImages(target.layout, (ref, action) => steps.info(`${ref}: ${action}`)));
  }
  await steps.run('CRDs (crds/*.yaml, server-side apply), until Established', async () => steps.info(`${(await installCrds(kc)).join(', ')}`));
  await steps.run(`namespace ${OPERATOR_NAMESPACE} and every tool's PowerToolConfig (powertools/*/config.yaml)`, async () => steps.info(`tools: ${(await installConfigs(kc)).join(', ')}`));
  await steps.run(`sample app: namespace ${DEMO_NAMESPACE} (opted in), Deployment demo-app, until its pods are Ready`, async () => {
    await installSampleApps(kc);
    steps.info(`pods: ${(await waitForDemoApp(kc)).map((p) => p.metadata?.name).join(', ')}`);
  });
}

/** The operator in this process, once the config of `tool` is Ready (so admission and the controller accept it). */
export async function operatorReady(kc: KubeConfig, target: Target, steps: Steps, identity: string, tool: string): Promise<InProcessOperator> {
  const title = `operator in this process${target.local ? ', with admission on loopback' : ''}, until ${tool}'s config is Ready`;
  return steps.run(title, async () => {
    const op = await startOperator(kc, { admission: target.local, identity });
    try {
      const custom = kc.makeApiClient(CustomObjectsApi);
      await waitUntil(`PowerToolConfig ${OPERATOR_NAMESPACE}/${tool} Ready`, 30_000, async () => {
        const c = (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: OPERATOR_NAMESPACE, plural: 'powertoolconfigs', name: tool })) as { metadata: { generation?: number }; status?: { observedGeneration?: number; conditions?: { type: string; status: string; message?: string }[] } };
        const ready = c.status?.conditions?.find((x) => x.type === 'Ready');
        if ((c.status?.observedGeneration ?? -1) < (c.metadata.generation ?? 0) || !ready) return undefined;
        if (ready.status !== 'True') throw new Error(`the ${tool} config is not Ready: ${ready.message ?? ''}`);
        return true;
      });
      return op;
    } catch (err) {
      await op.stop().catch(() => undefined);
      throw err;
    }
  });
}

/** Stops earlier quickstart runs that are still active: two perf runs on one pod conflict. Finished ones stay. */
async function stopEarlierRuns(custom: CustomObjectsApi, steps: Steps, signal: AbortSignal): Promise<void> {
  const list = (await custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: DEMO_NAMESPACE, plural: 'powertools', labelSelector: `${RUN_LABEL}=${RUN_LABEL_VALUE}` })) as { items: PowerTool[] };
  const active = list.items.filter((p) => !p.status?.finishedAt && !p.metadata.deletionTimestamp);
  for (const p of active) {
    steps.info(`stopping an earlier run that did not finish: ${p.metadata.name}`);
    await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: DEMO_NAMESPACE, plural: 'powertools', name: p.metadata.name });
  }
  for (const p of active) {
    await waitUntil(`earlier run ${p.metadata.name} deleted`, 60_000, async () => {
      try {
        await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: DEMO_NAMESPACE, plural: 'powertools', name: p.metadata.name });
        return undefined;
      } catch {
        return true;
      }
    }, undefined, signal);
  }
}

async function createRun(custom: CustomObjectsApi): Promise<PowerTool> {
  const [doc] = (await readManifests(SAMPLE)) as unknown as PowerTool[];
  if (!doc) throw new Error(`${SAMPLE} holds no PowerTool`);
  const name = `quickstart-${Date.now().toString(36)}`;
  const body = { ...doc, metadata: { ...doc.metadata, name } };
  try {
    return (await custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: DEMO_NAMESPACE, plural: 'powertools', body })) as PowerTool;
  } catch (err) {
    throw new Error(`create PowerTool ${DEMO_NAMESPACE}/${name}: ${apiMessage(err)}`, { cause: err });
  }
}

export function defaultReportsDir(target: Target): string {
  return target.local ? join(target.layout.stateDir, 'quickstart', 'reports') : join(tmpdir(), 'toe-quickstart', 'reports');
}

/** Aborts on SIGINT/SIGTERM (Ctrl-C), so waits end and the operator is stopped cleanly; `dispose` removes the handlers. */
export function interruption(): { signal: AbortSignal; dispose: () => void } {
  const abort = new AbortController();
  const on = (sig: string) => () => abort.abort(new Error(`interrupted (${sig})`));
  const int = on('SIGINT');
  const term = on('SIGTERM');
  process.once('SIGINT', int);
  process.once('SIGTERM', term);
  return {
    signal: abort.signal,
    dispose: () => {
      process.off('SIGINT', int);
      process.off('SIGTERM', term);
    },
  };
}

/** Resolves when `signal` aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

async function sampleRun(kc: KubeConfig, steps: Steps, signal: AbortSignal): Promise<PowerTool> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  await stopEarlierRuns(custom, steps, signal);
  const created = await createRun(custom);
  const name = created.metadata.name;
  const seconds = Math.round((parseDuration(created.spec.tool.duration ?? '10s') ?? 10_000) / 1000);
  const pt = await steps.run(`perf on every demo-app pod for ${seconds}s: PowerTool ${DEMO_NAMESPACE}/${name}`, () => follow(custom, DEMO_NAMESPACE, name, seconds * 1000 + 150_000, (line) => steps.info(line), signal));
  if (pt.status?.phase !== 'Succeeded' && !(pt.status?.targets ?? []).some((t) => t.phase === 'Succeeded')) {
    const why = refusal(pt) ?? (pt.status?.targets ?? []).map((t) => `${t.pod}: ${t.phase}${t.reason ? ` ${t.reason}` : ''}${t.message ? ` (${t.message})` : ''}`).join('; ');
    throw new Error(`PowerTool ${DEMO_NAMESPACE}/${name} ended ${pt.status?.phase ?? 'without a phase'}: ${why || 'no target ran'}; see \`kubectl describe pt -n ${DEMO_NAMESPACE} ${name}\``);
  }
  return pt;
}

export async function runQuickstart(o: QuickstartOptions, streams: Streams, steps: Steps): Promise<number> {
  const started = Date.now();
  const target = await chooseTarget();
  const found = problems(await gatherFacts(target));
  if (found.length > 0) throw new Error(`cannot run the quickstart:\n${found.map((p) => `  * ${p}`).join('\n')}`);
  streams.err.write(`TOE quickstart on ${target.source === 'env' ? `the cluster in KUBECONFIG (${target.kubeconfig})` : 'the local toe cluster'}\n`);

  const kc = await ensureCluster(target, steps, streams.err);
  await installAll(kc, target, steps);
  const reportsDir = o.reportsDir ?? defaultReportsDir(target);
  const stop = interruption();
  try {
    const op = await operatorReady(kc, target, steps, 'quickstart', 'perf');
    try {
      const pt = await sampleRun(kc, steps, stop.signal);
      stop.signal.throwIfAborted();
      const result = await steps.run(`reading each tool's log and writing the report`, () => collectResult(kc, pt, reportsDir));
      const kubectl = await kubectlCommand(target.layout.cacheDir);
      streams.out.write(formatSummary({ pt, ...result, reportsDir, kubectl, local: target.local, ...(target.source === 'local' ? { exportKubeconfig: target.kubeconfig } : {}) }));
      if (o.keepRunning) {
        streams.err.write('The operator keeps running in this process: apply PowerTools from samples/powertools/ (Ctrl-C stops it).\n');
        await aborted(stop.signal);
      }
      return pt.status?.phase === 'Succeeded' ? 0 : 1;
    } catch (err) {
      if (!stop.signal.aborted) throw err;
      steps.warn(String((stop.signal.reason as Error | undefined)?.message ?? 'interrupted'));
      return 130;
    } finally {
      await steps.run('stopping the operator (the cluster stays up)', () => op.stop());
      streams.err.write(`Quickstart took ${((Date.now() - started) / 1000).toFixed(0)}s.\n`);
    }
  } finally {
    stop.dispose();
  }
}
