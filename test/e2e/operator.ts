/**
 * What end-to-end suites share: the operator as a real `toe operator` process under the chart's permissions (so a
 * SIGKILL is a real crash), the tool configs from powertools/ applied as written, and a demo Deployment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  AppsV1Api,
  type V1Container,
  type V1Deployment,
  type V1Pod,
  type V1ResourceRequirements,
  type V1Volume,
} from '@kubernetes/client-node';
import { BASE_IMAGE } from '../../src/cluster/settings.ts';
import { serverSideApply } from '../../src/kube/apply.ts';
import type { Clients } from '../../src/kube/client.ts';
import { ensureNamespace, installCrds, operatorKubeConfig } from '../integration/kube.ts';
import { waitFor } from '../../src/kube/wait.ts';

export const OPERATOR_NS = 'toe-system';
const root = new URL('../..', import.meta.url).pathname;

export interface OperatorProcess {
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** CRDs, the operator namespace, the tool configs named, and a kubeconfig file for the operator's ServiceAccount. */
export async function prepare(clients: Clients, tools: string[]): Promise<string> {
  await installCrds(clients);
  await ensureNamespace(clients, OPERATOR_NS);
  for (const tool of tools) {
    const config = parse(readFileSync(join(root, 'powertools', tool, 'config.yaml'), 'utf8')) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string; namespace: string };
    };
    await serverSideApply(clients.kc, config, 'powertoolconfigs');
  }
  const file = join(mkdtempSync(join(tmpdir(), 'toe-e2e-')), 'operator.kubeconfig');
  writeFileSync(file, (await operatorKubeConfig(clients, OPERATOR_NS)).exportConfig(), { mode: 0o600 });
  return file;
}

/** `toe operator` as a child process: from the checkout (bin/toe.js, through tsx) unless `toe` names another form. */
export function startOperator(kubeconfig: string, args: string[] = [], toe: string[] = [join(root, 'bin/toe.js')]): OperatorProcess {
  const child = spawn(
    process.execPath,
    [...toe, 'operator', `--namespace=${OPERATOR_NS}`, '--http-bind=127.0.0.1:0', '--leader-elect=false', ...args],
    {
      env: { ...process.env, KUBECONFIG: kubeconfig, TOE_LOG_LEVEL: process.env.TOE_LOG_LEVEL ?? 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return {
    child,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** busybox sleeping: a target that does nothing by itself. */
export function idleContainer(resources: V1ResourceRequirements = { limits: { cpu: '500m', memory: '64Mi' } }): V1Container {
  return { name: 'app', image: BASE_IMAGE, imagePullPolicy: 'Never', command: ['sleep', '3600'], resources };
}

/** Deployment `name` of `replicas` pods labelled app=<name>, quick to stop (a test deletes its namespace at the end). */
export function deploymentOf(name: string, replicas: number, containers: V1Container[], volumes?: V1Volume[]): V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { terminationGracePeriodSeconds: 1, containers, volumes } },
    },
  };
}

/** `deploymentOf` (idle pods unless given containers) in an opted-in namespace; resolves with its Running pods. */
export async function demoDeployment(
  clients: Clients,
  namespace: string,
  name: string,
  replicas: number,
  containers = [idleContainer()],
  volumes?: V1Volume[],
): Promise<V1Pod[]> {
  await ensureNamespace(clients, namespace, { 'toe.dev/allow-powertools': 'true' });
  await clients.kc
    .makeApiClient(AppsV1Api)
    .createNamespacedDeployment({ namespace, body: deploymentOf(name, replicas, containers, volumes) });
  return waitFor(
    `${replicas} running ${name} pods`,
    async () => {
      const pods = (await clients.core.listNamespacedPod({ namespace, labelSelector: `app=${name}` })).items;
      const running = pods.filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
      return running.length === replicas ? running : undefined;
    },
    { timeoutMs: 90_000 },
  );
}
