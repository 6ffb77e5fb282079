/**
 * `toe tutorial` from start to end: the same preparation as the quickstart (cluster, images, CRDs, tool configs,
 * demo-app, the operator and admission in this process), then the steps of steps.yaml, then cleanup: the
 * tutorial's PowerTools are deleted (while the operator still runs, so their finalizers complete) and the
 * operator stops. The cluster stays up.
 */
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { GROUP, VERSION } from '../src/api/index.ts';
import { kubernetesDir } from '../src/cluster/steps/build-kubernetes.ts';
import type { Streams } from '../src/cli/command.ts';
import type { Steps } from '../src/cli/output.ts';
import { classify } from '../src/kube/errors.ts';
import { DEMO_NAMESPACE, repoRoot } from '../src/quickstart/install.ts';
import { gatherFacts, problems } from '../src/quickstart/preflight.ts';
import { interruption } from '../src/quickstart/interrupt.ts';
import { ensureCluster, installAll, kubectlCommand, operatorReady } from '../src/quickstart/prepare.ts';
import { chooseTarget, type Target } from '../src/quickstart/target.ts';
import { checks, TUTORIAL_POWERTOOLS, type CheckContext } from './checks.ts';
import { autoPrompt, linePrompt } from './prompt.ts';
import { runTutorial } from './runner.ts';
import { loadTutorial } from './steps.ts';
import { waitFor } from '../src/kube/wait.ts';

export interface SessionOptions {
  yes: boolean;
  input: NodeJS.ReadableStream;
}

/** The kubectl commands run with: the one built for the local cluster (same version), else kubectl on PATH. */
async function kubectlBinary(target: Target): Promise<string> {
  const built = join(kubernetesDir(target.layout.cacheDir), 'bin', 'kubectl');
  if (
    target.local &&
    (await access(built, constants.X_OK).then(
      () => true,
      () => false,
    ))
  )
    return built;
  const found = await kubectlCommand(target.layout.cacheDir);
  if (found === 'kubectl') return found;
  if (
    await access(found, constants.X_OK).then(
      () => true,
      () => false,
    )
  )
    return found;
  throw new Error('the tutorial runs kubectl: put kubectl on PATH (any version within one minor of the cluster)');
}

/** Deletes the tutorial's PowerTools and waits until they are gone (their finalizers need the operator). */
async function removeTutorialRuns(kc: KubeConfig, signal?: AbortSignal): Promise<string[]> {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const removed: string[] = [];
  for (const name of TUTORIAL_POWERTOOLS) {
    try {
      await custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: DEMO_NAMESPACE, plural: 'powertools', name });
      removed.push(name);
    } catch (err) {
      if (classify(err) !== 'gone') throw err;
    }
  }
  for (const name of removed) {
    await waitFor(
      `PowerTool ${DEMO_NAMESPACE}/${name} deleted`,
      async () =>
        custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: DEMO_NAMESPACE, plural: 'powertools', name }).then(
          () => undefined,
          (err: unknown) => (classify(err) === 'gone' ? true : undefined),
        ),
      { timeoutMs: 60_000, signal: signal },
    );
  }
  return removed;
}

export async function runSession(o: SessionOptions, streams: Streams, steps: Steps): Promise<number> {
  const tutorial = await loadTutorial(Object.keys(checks));
  const target = await chooseTarget();
  const found = problems(await gatherFacts(target));
  if (found.length > 0) throw new Error(`cannot run the tutorial:\n${found.map((p) => `  * ${p}`).join('\n')}`);
  streams.err.write(
    `Preparing the tutorial on ${target.source === 'env' ? `the cluster in KUBECONFIG (${target.kubeconfig})` : 'the local toe cluster'}\n`,
  );
  const kc = await ensureCluster(target, steps, streams.err);
  await installAll(kc, target, steps);
  const kubectl = await kubectlBinary(target);
  const stop = interruption();
  const prompt = o.yes ? autoPrompt() : linePrompt(o.input, streams.out);
  try {
    const op = await operatorReady(kc, target, steps, 'tutorial', 'perf');
    try {
      await steps.run('removing PowerTools left by an earlier tutorial', async () => {
        const removed = await removeTutorialRuns(kc, stop.signal);
        if (removed.length) steps.info(`removed ${removed.join(', ')}`);
      });
      const ctx: CheckContext = {
        kc,
        custom: kc.makeApiClient(CustomObjectsApi),
        core: kc.makeApiClient(CoreV1Api),
        vars: {},
        admission: op.admission,
      };
      streams.out.write(
        `\n(kubectl below is ${kubectl}; KUBECONFIG=${target.kubeconfig}; commands run in ${repoRoot.replace(/\/$/, '')})\n\n`,
      );
      const outcome = await runTutorial(tutorial, ctx, {
        out: streams.out,
        prompt,
        kubectl,
        env: { ...process.env, KUBECONFIG: target.kubeconfig },
        cwd: repoRoot,
        yes: o.yes,
        signal: stop.signal,
      });
      if (outcome.failed)
        streams.err.write(
          `\nThe tutorial stopped at step "${outcome.failed}". Fix what the step says, then run \`npx toe tutorial\` again (it starts over).\n`,
        );
      if (outcome.quit)
        streams.err.write(`\nQuit after ${outcome.passed.length} of ${tutorial.steps.length} steps; \`npx toe tutorial\` starts over.\n`);
      return outcome.passed.length === tutorial.steps.length ? 0 : 1;
    } catch (err) {
      if (!stop.signal.aborted) throw err;
      steps.warn(String((stop.signal.reason as Error | undefined)?.message ?? 'interrupted'));
      return 130;
    } finally {
      await steps.run("cleaning up: the tutorial's PowerTools, then the operator (the cluster stays up)", async () => {
        await removeTutorialRuns(kc).catch((err: unknown) =>
          steps.warn(`could not delete the tutorial's PowerTools: ${err instanceof Error ? err.message : String(err)}`),
        );
        await op.stop();
      });
    }
  } finally {
    prompt.close();
    stop.dispose();
  }
}
