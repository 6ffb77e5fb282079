/**
 * `toe quickstart`, in order: check → cluster (the local one brought up, or KUBECONFIG's) → images → CRDs →
 * tool configs → sample app → operator in this process → a sample PowerTool followed to its end → its result
 * and report → stop the operator (the cluster stays up). Every install is a server-side apply, so a second run
 * changes nothing but adds a run of its own.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { GROUP, VERSION, parseDuration, type PowerTool } from '../api/index.ts';
import type { Streams } from '../cli/command.ts';
import type { Steps } from '../cli/output.ts';
import { apiMessage } from '../kube/errors.ts';
import { follow, readPowerTool, refusal } from './follow.ts';
import { DEMO_NAMESPACE, readManifests, repoRoot } from './install.ts';
import { aborted, interruption } from './interrupt.ts';
import { gatherFacts, problems } from './preflight.ts';
import { ensureCluster, installAll, kubectlCommand, operatorReady } from './prepare.ts';
import { collectResult } from './result.ts';
import { formatSummary } from './summary.ts';
import { chooseTarget, type Target } from './target.ts';
import { waitFor } from '../kube/wait.ts';

export interface QuickstartOptions {
  keepRunning: boolean;
  reportsDir?: string;
}

export const SAMPLE = join(repoRoot, 'samples/powertools/quickstart.yaml');
export const RUN_LABEL = 'app.kubernetes.io/part-of';
export const RUN_LABEL_VALUE = 'toe-quickstart';

/** Stops earlier quickstart runs that are still active: two perf runs on one pod conflict. Finished ones stay. */
async function stopEarlierRuns(custom: CustomObjectsApi, steps: Steps, signal: AbortSignal): Promise<void> {
  const list = (await custom.listNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: DEMO_NAMESPACE,
    plural: 'powertools',
    labelSelector: `${RUN_LABEL}=${RUN_LABEL_VALUE}`,
  })) as { items: PowerTool[] };
  const active = list.items.filter((p) => !p.status?.finishedAt && !p.metadata.deletionTimestamp);
  for (const p of active) {
    steps.info(`stopping an earlier run that did not finish: ${p.metadata.name}`);
    await custom.deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: DEMO_NAMESPACE,
      plural: 'powertools',
      name: p.metadata.name,
    });
  }
  for (const p of active) {
    await waitFor(
      `earlier run ${p.metadata.name} deleted`,
      async () => ((await readPowerTool(custom, DEMO_NAMESPACE, p.metadata.name)) ? undefined : true),
      { timeoutMs: 60_000, signal: signal },
    );
  }
}

async function createRun(custom: CustomObjectsApi): Promise<PowerTool> {
  const [doc] = (await readManifests(SAMPLE)) as unknown as PowerTool[];
  if (!doc) throw new Error(`${SAMPLE} holds no PowerTool`);
  const name = `quickstart-${Date.now().toString(36)}`;
  const body = { ...doc, metadata: { ...doc.metadata, name } };
  try {
    return (await custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: DEMO_NAMESPACE,
      plural: 'powertools',
      body,
    })) as PowerTool;
  } catch (err) {
    throw new Error(`create PowerTool ${DEMO_NAMESPACE}/${name}: ${apiMessage(err)}`, { cause: err });
  }
}

export function defaultReportsDir(target: Target): string {
  return target.local ? join(target.layout.stateDir, 'quickstart', 'reports') : join(tmpdir(), 'toe-quickstart', 'reports');
}

async function sampleRun(kc: KubeConfig, steps: Steps, signal: AbortSignal, started: (name: string) => void): Promise<PowerTool> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  await stopEarlierRuns(custom, steps, signal);
  const created = await createRun(custom);
  const name = created.metadata.name;
  started(name);
  const seconds = Math.round((parseDuration(created.spec.tool.duration ?? '10s') ?? 10_000) / 1000);
  const pt = await steps.run(`perf on every demo-app pod for ${seconds}s: PowerTool ${DEMO_NAMESPACE}/${name}`, () =>
    follow(custom, DEMO_NAMESPACE, name, seconds * 1000 + 150_000, (line) => steps.info(line), signal),
  );
  if (pt.status?.phase !== 'Succeeded' && !(pt.status?.targets ?? []).some((t) => t.phase === 'Succeeded')) {
    const why =
      refusal(pt) ??
      (pt.status?.targets ?? [])
        .map((t) => `${t.pod}: ${t.phase}${t.reason ? ` ${t.reason}` : ''}${t.message ? ` (${t.message})` : ''}`)
        .join('; ');
    throw new Error(
      `PowerTool ${DEMO_NAMESPACE}/${name} ended ${pt.status?.phase ?? 'without a phase'}: ${why || 'no target ran'}; see \`kubectl describe pt -n ${DEMO_NAMESPACE} ${name}\``,
    );
  }
  return pt;
}

export async function runQuickstart(o: QuickstartOptions, streams: Streams, steps: Steps): Promise<number> {
  const started = Date.now();
  const target = await chooseTarget();
  const found = problems(await gatherFacts(target));
  if (found.length > 0) throw new Error(`cannot run the quickstart:\n${found.map((p) => `  * ${p}`).join('\n')}`);
  streams.err.write(
    `TOE quickstart on ${target.source === 'env' ? `the cluster in KUBECONFIG (${target.kubeconfig})` : 'the local toe cluster'}\n`,
  );

  const kc = await ensureCluster(target, steps, streams.err);
  await installAll(kc, target, steps);
  const reportsDir = o.reportsDir ?? defaultReportsDir(target);
  const stop = interruption();
  let run: string | undefined;
  try {
    const op = await operatorReady(kc, target, steps, 'quickstart', 'perf');
    try {
      const pt = await sampleRun(kc, steps, stop.signal, (name) => (run = name));
      stop.signal.throwIfAborted();
      const result = await steps.run(`reading each tool's log and writing the report`, () => collectResult(kc, pt, reportsDir));
      const kubectl = await kubectlCommand(target.layout.cacheDir);
      streams.out.write(
        formatSummary({
          pt,
          ...result,
          reportsDir,
          kubectl,
          local: target.local,
          ...(target.source === 'local' ? { exportKubeconfig: target.kubeconfig } : {}),
        }),
      );
      if (o.keepRunning) {
        streams.err.write('The operator keeps running in this process: apply PowerTools from samples/powertools/ (Ctrl-C stops it).\n');
        await aborted(stop.signal);
      }
      return pt.status?.phase === 'Succeeded' ? 0 : 1;
    } catch (err) {
      if (!stop.signal.aborted) throw err;
      steps.warn(String((stop.signal.reason as Error | undefined)?.message ?? 'interrupted'));
      if (run)
        steps.warn(
          `PowerTool ${DEMO_NAMESPACE}/${run} may not have finished: its tools stop at their deadline, and the next quickstart deletes it`,
        );
      return 130;
    } finally {
      await steps.run('stopping the operator (the cluster stays up)', () => op.stop());
      streams.err.write(`Quickstart took ${((Date.now() - started) / 1000).toFixed(0)}s.\n`);
    }
  } finally {
    stop.dispose();
  }
}
