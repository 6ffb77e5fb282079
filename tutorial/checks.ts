/**
 * What each tutorial step must have achieved, checked against the real cluster (never against the commands' own
 * output alone): a step passes only when the cluster says so. A check may leave values for later commands in
 * `vars` ($POD, $CONTAINER).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Log, type CoreV1Api, type CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { mergeFolded } from '../processing/kinds/perf/folded.ts';
import { topFunctions } from '../processing/kinds/perf/flame.ts';
import { collapsePerfScript } from '../processing/kinds/perf/parse.ts';
import { GROUP, REQUESTED_BY_ANNOTATION, VERSION, type PowerTool } from '../src/api/index.ts';
import { spoolLogArtifacts } from '../processing/pipeline/log-artifacts.ts';
import { finished, readPowerTool, refusal } from '../src/quickstart/follow.ts';
import { DEMO_NAMESPACE, OPERATOR_NAMESPACE } from '../src/quickstart/install.ts';

export interface CheckContext {
  kc: KubeConfig;
  custom: CustomObjectsApi;
  core: CoreV1Api;
  /** Values later commands use ($POD, $CONTAINER). */
  vars: Record<string, string>;
  /** Admission serves the cluster, so refusals happen at apply. */
  admission: boolean;
}

export interface CommandRun {
  line: string;
  code: number | null;
  output: string;
}

export interface CheckResult {
  ok: boolean;
  message: string;
}

export type Check = (ctx: CheckContext, runs: CommandRun[]) => Promise<CheckResult>;

export const RUN = 'hello-powertool';
export const DRY_RUN = 'hello-dry-run';
export const HOSTILE = 'hello-hostile';
/** Every PowerTool the tutorial makes, for its cleanup before and after. */
export const TUTORIAL_POWERTOOLS = [RUN, DRY_RUN, HOSTILE];

const pass = (message: string): CheckResult => ({ ok: true, message });
const fail = (message: string): CheckResult => ({ ok: false, message });
const get = (ctx: CheckContext, name: string): Promise<PowerTool | undefined> => readPowerTool(ctx.custom, DEMO_NAMESPACE, name);

/** The first lines of text, for a message. */
function firstLines(text: string, n: number): string {
  return text.trim().split('\n').slice(0, n).join(' / ');
}

async function configReady(ctx: CheckContext): Promise<CheckResult> {
  const c = (await ctx.custom.getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: OPERATOR_NAMESPACE,
    plural: 'powertoolconfigs',
    name: 'perf',
  })) as {
    spec: { parameters?: { flag: string }[] };
    status?: { conditions?: { type: string; status: string; message?: string }[] };
  };
  const ready = c.status?.conditions?.find((x) => x.type === 'Ready');
  if (ready?.status !== 'True') return fail(`the perf PowerToolConfig is not Ready${ready?.message ? `: ${ready.message}` : ''}`);
  return pass(`perf is Ready; users may pass only ${(c.spec.parameters ?? []).map((p) => p.flag).join(', ')}`);
}

async function applied(ctx: CheckContext): Promise<CheckResult> {
  const pt = await get(ctx, RUN);
  if (!pt) return fail(`PowerTool ${DEMO_NAMESPACE}/${RUN} does not exist`);
  const who = pt.metadata.annotations?.[REQUESTED_BY_ANNOTATION];
  if (ctx.admission && !who)
    return fail(`PowerTool ${DEMO_NAMESPACE}/${RUN} exists but admission did not record who asked (${REQUESTED_BY_ANNOTATION})`);
  const user = who ? (JSON.parse(who) as { username?: string }).username : undefined;
  return pass(`PowerTool ${DEMO_NAMESPACE}/${RUN} exists${user ? `, requested by ${user} (recorded by admission)` : ''}`);
}

async function isFinished(ctx: CheckContext): Promise<CheckResult> {
  const pt = await get(ctx, RUN);
  return pt && finished(pt)
    ? pass(`${RUN} finished: ${pt.status?.phase}`)
    : fail(`${RUN} has not finished (${pt?.status?.phase ?? 'no status yet'})`);
}

async function succeeded(ctx: CheckContext): Promise<CheckResult> {
  const pt = await get(ctx, RUN);
  if (!pt) return fail(`PowerTool ${DEMO_NAMESPACE}/${RUN} does not exist: apply it again (step 2)`);
  if (!finished(pt)) return fail(`${RUN} has not finished yet (phase ${pt.status?.phase ?? 'none'})`);
  const targets = pt.status?.targets ?? [];
  if (pt.status?.phase !== 'Succeeded') {
    const why = refusal(pt) ?? targets.map((t) => `${t.pod}: ${t.phase}${t.reason ? ` ${t.reason}` : ''}`).join('; ');
    return fail(`${RUN} ended ${pt.status?.phase}: ${why}`);
  }
  const first = targets.find((t) => t.exitCode === 0);
  if (!first) return fail(`${RUN} Succeeded but no target recorded exit code 0`);
  ctx.vars.POD = first.pod;
  ctx.vars.CONTAINER = first.ephemeralContainer;
  return pass(`${RUN} Succeeded: ${targets.filter((t) => t.exitCode === 0).length} of ${targets.length} tools exited 0`);
}

async function refused(ctx: CheckContext, runs: CommandRun[]): Promise<CheckResult> {
  const apply = runs.at(-1);
  const pt = await get(ctx, HOSTILE);
  if (apply && apply.code !== 0 && /spec\.tool\.args\[\d+\]/.test(apply.output) && !pt) {
    const causes = apply.output.split('\n').filter((l) => /spec\.tool\.args\[\d+\]/.test(l));
    return pass(`kubectl apply was refused with the allowlist's message (${causes.length} argument(s)), and nothing was created`);
  }
  if (pt && !ctx.admission) {
    // No admission (the API server cannot call back to this machine): the controller's re-check refuses it.
    const why = refusal(pt);
    return finished(pt) && why
      ? pass(`the operator refused it before injecting anything: ${why}`)
      : fail(`${HOSTILE} was created and has not been refused yet`);
  }
  if (pt) return fail(`${HOSTILE} was created although admission runs: the allowlist did not refuse it`);
  return fail(`kubectl apply did not fail with the allowlist's message: ${firstLines(apply?.output ?? '', 3)}`);
}

async function rendered(ctx: CheckContext): Promise<CheckResult> {
  const pt = await get(ctx, DRY_RUN);
  if (!pt) return fail(`PowerTool ${DEMO_NAMESPACE}/${DRY_RUN} does not exist`);
  if (!finished(pt)) return fail(`${DRY_RUN} is not rendered yet`);
  const n = pt.status?.rendered?.length ?? 0;
  return n > 0
    ? pass(`${n} container(s) rendered`)
    : fail(`${DRY_RUN} ended ${pt.status?.phase} with nothing rendered${refusal(pt) ? `: ${refusal(pt)}` : ''}`);
}

async function dryRun(ctx: CheckContext): Promise<CheckResult> {
  const r = await rendered(ctx);
  if (!r.ok) return r;
  const pt = (await get(ctx, DRY_RUN)) as PowerTool;
  if (pt.status?.phase !== 'DryRun') return fail(`${DRY_RUN} is ${pt.status?.phase}, not DryRun`);
  const names = new Set((pt.status?.rendered ?? []).map((c) => String((c.ephemeralContainer as { name?: string } | undefined)?.name)));
  const pods = await ctx.core.listNamespacedPod({ namespace: DEMO_NAMESPACE, labelSelector: 'app=demo-app' });
  const injected = pods.items.flatMap((p) => (p.spec?.ephemeralContainers ?? []).map((c) => c.name)).filter((n) => names.has(n));
  if (injected.length > 0) return fail(`a dry run injected ${injected.join(', ')}`);
  return pass(`DryRun: ${names.size} container(s) rendered into status.rendered, none injected into the pods`);
}

/** The hottest function of the target's perf.script, read from its log as the report would. */
async function hottest(ctx: CheckContext, pod: string, container: string): Promise<string | undefined> {
  const work = await mkdtemp(join(tmpdir(), 'toe-tutorial-'));
  try {
    const stream = new PassThrough();
    await new Log(ctx.kc).log(DEMO_NAMESPACE, pod, container, stream, { follow: false });
    await spoolLogArtifacts(stream, work, { maxArtifactBytes: 64 << 20, maxArtifacts: 8 });
    if (!(await readdir(work)).includes('perf.script')) return undefined;
    const profile = await collapsePerfScript(createReadStream(join(work, 'perf.script')), { group: 'comm' });
    const [top] = topFunctions(mergeFolded([profile]), 1);
    return top ? `${top.name} (${top.selfPercent.toFixed(0)}% of ${profile.total} samples)` : undefined;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function resultRead(ctx: CheckContext, runs: CommandRun[]): Promise<CheckResult> {
  const pt = await get(ctx, RUN);
  const target = pt?.status?.targets?.find((t) => t.pod === ctx.vars.POD);
  if (!target) return fail(`no record of ${ctx.vars.POD ?? 'the pod'} in ${RUN}'s status`);
  const last = (runs.at(-1)?.output ?? '').trim().split('\n').at(-1) ?? '';
  if (!last.startsWith('TOE-RESULT ')) return fail(`the log's last line is not the TOE-RESULT line: ${last.slice(0, 120)}`);
  const fromLog = JSON.parse(last.slice('TOE-RESULT '.length)) as { tool?: string; exitReason?: string };
  if (fromLog.tool !== 'perf' || fromLog.exitReason !== (target.result as { exitReason?: string } | undefined)?.exitReason) {
    return fail('the TOE-RESULT line and status.targets[].result disagree');
  }
  const hot = await hottest(ctx, target.pod, target.ephemeralContainer);
  return pass(
    `exit ${target.exitCode}, ${fromLog.exitReason}; the log's TOE-RESULT matches the status${hot ? `; hottest function in its perf.script: ${hot}` : ''}`,
  );
}

async function cleanedUp(ctx: CheckContext): Promise<CheckResult> {
  const left: string[] = [];
  for (const name of TUTORIAL_POWERTOOLS) if (await get(ctx, name)) left.push(name);
  return left.length === 0 ? pass("the tutorial's PowerTools are gone") : fail(`still there: ${left.join(', ')}`);
}

export const checks: Record<string, Check> = {
  configReady,
  applied,
  finished: isFinished,
  succeeded,
  refused,
  rendered,
  dryRun,
  resultRead,
  cleanedUp,
};
