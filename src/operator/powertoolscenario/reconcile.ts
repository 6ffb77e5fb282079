/**
 * The PowerToolScenario reconciler.
 * Reads: the scenario (cache, then the API server before it creates anything), the PowerTools named for its steps
 * (cache, then the API server), the EmergencyStops (cache).
 * Writes: its status (the only writer), its PowerTools (create; spec.suspend to stop them), Events.
 * Each pass: plan (plan.ts, pure), act (suspend first, then create), record, and come back when a wait ends. A
 * PowerTool's name comes from its step and index, so a create repeated after a restart or a lost status write
 * collides (AlreadyExists) instead of starting a second run.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  API_VERSION,
  SCENARIO_LABEL,
  SCENARIO_STEP_LABEL,
  powerToolScenarioSpec,
  type PowerTool,
  type PowerToolScenario,
  type PowerToolScenarioStatus,
} from '../../api/index.ts';
import type { Clients } from '../../kube/client.ts';
import { findCondition, setCondition, type ConditionInput } from '../../kube/conditions.ts';
import { apiMessage, classify } from '../../kube/errors.ts';
import type { Cache } from '../../kube/informer.ts';
import type { Live } from '../../kube/resources.ts';
import { checkScenario } from '../../policy/scenario.ts';
import { activeStop, describeStop, type LiveEmergencyStop } from '../emergency-stop/active.ts';
import type { ReconcileResult } from '../queue.ts';
import type { ScenarioEvents } from './events.ts';
import { plan, toolName, type Plan, type PlanInput, type Tool } from './plan.ts';

export type LiveScenario = Live<PowerToolScenario>;
export type LiveTool = Live<PowerTool> & { metadata: { ownerReferences?: { uid?: string; controller?: boolean }[] } };

export interface ScenarioContext {
  clients: Clients;
  scenarios: Cache<LiveScenario>;
  powerTools: Cache<LiveTool>;
  emergencyStops: () => LiveEmergencyStop[];
  events: ScenarioEvents;
  log: Logger;
  now: () => Date;
}

const TERMINAL: ReadonlySet<string> = new Set(['Succeeded', 'Failed', 'Aborted']);

export function toTool(pt: LiveTool, scenarioUid: string): Tool {
  const held = findCondition(pt.status?.conditions, 'SteadyStateHeld');
  return {
    name: pt.metadata.name,
    owned: (pt.metadata.ownerReferences ?? []).some((o) => o.controller === true && o.uid === scenarioUid),
    ...(pt.status?.phase ? { phase: pt.status.phase } : {}),
    suspended: pt.spec.suspend === true,
    ...(pt.status?.steadyState?.stage ? { steadyStage: pt.status.steadyState.stage } : {}),
    ...(held ? { held: { status: held.status, reason: held.reason, message: held.message } } : {}),
  };
}

export async function reconcileScenario(ctx: ScenarioContext, key: string): Promise<ReconcileResult | void> {
  const [namespace, name] = key.split('/') as [string, string];
  const cached = ctx.scenarios.get(name, namespace);
  if (!cached || cached.metadata.deletionTimestamp || !cached.metadata.uid) return;
  const log = ctx.log.child({ namespace, name, reconcileID: randomUUID() });
  const now = ctx.now();
  const ref = { namespace, name, uid: cached.metadata.uid };

  const parsed = powerToolScenarioSpec.safeParse(cached.spec);
  const problems = parsed.success
    ? checkScenario(name, parsed.data).map((e) => `${e.path}: ${e.message}`)
    : parsed.error.issues.map((i) => `spec.${i.path.join('.')}: ${i.message}`);
  if (!parsed.success || problems.length > 0) {
    const message = problems.join('; ');
    const status = withConditions(cached, [{ type: 'Ready', status: 'False', reason: 'InvalidScenario', message }], now);
    if (await ctx.clients.resources.scenarios.updateStatus(cached, status)) ctx.events.invalid(ref, message);
    return;
  }
  const spec = parsed.data;
  const stop = activeStop(ctx.emergencyStops());
  const names = spec.steps.flatMap((s) => (s.powerTools ?? []).map((_, j) => toolName(name, s.name, j)));
  const fromCache = new Map<string, Tool>();
  for (const n of names) {
    const pt = ctx.powerTools.get(n, namespace);
    if (pt && !pt.metadata.deletionTimestamp) fromCache.set(n, toTool(pt, cached.metadata.uid));
  }
  const inputOf = (s: LiveScenario, tools: Map<string, Tool>, refused?: Map<string, string>): PlanInput => ({
    scenario: name,
    steps: spec.steps,
    suspend: spec.suspend,
    ...(stop ? { emergencyStop: describeStop(stop) } : {}),
    ...(s.status ? { previous: s.status } : {}),
    tools,
    ...(refused ? { refused } : {}),
    now: now.getTime(),
  });

  let s = cached;
  let tools = fromCache;
  let p = plan(inputOf(s, tools));
  // Creating must not repeat and a PowerTool must not be judged deleted on a cache that lags: ask the API server.
  if (p.create.length > 0 || p.missing.length > 0) {
    try {
      s = (await ctx.clients.resources.scenarios.get(namespace, name)) as LiveScenario;
    } catch (err) {
      if (classify(err) === 'gone') return;
      throw err;
    }
    tools = new Map(fromCache);
    for (const { name: n } of [...p.create, ...p.missing.map((m) => ({ name: m }))]) {
      const pt = await getTool(ctx, namespace, n);
      if (pt && !pt.metadata.deletionTimestamp) tools.set(n, toTool(pt, cached.metadata.uid));
    }
    p = plan(inputOf(s, tools));
  }

  await suspendAll(ctx, namespace, p.suspend, log);
  const refused = new Map<string, string>();
  for (const c of p.create) {
    const result = await createTool(ctx, s, c.step, c.index, c.name);
    if (result.refused) {
      refused.set(c.name, result.refused);
      ctx.events.failedCreate(ref, c.name, result.refused);
    } else log.info({ powerTool: c.name, step: spec.steps[c.step]?.name }, 'powertool created');
  }
  if (refused.size > 0) {
    // A refused PowerTool fails its step: plan again knowing it, and stop the siblings created a moment ago.
    const created = await Promise.all(p.create.filter((c) => !refused.has(c.name)).map((c) => getTool(ctx, namespace, c.name)));
    for (const pt of created) if (pt) tools.set(pt.metadata.name, toTool(pt, cached.metadata.uid));
    p = plan(inputOf(s, tools, refused));
    await suspendAll(ctx, namespace, p.suspend, log);
  }

  const status = statusOf(s, p, now);
  if (await ctx.clients.resources.scenarios.updateStatus(s, status)) {
    ctx.events.transitions(ref, s.status?.steps ?? [], p.steps);
    if (TERMINAL.has(p.phase) && s.status?.phase !== p.phase) {
      ctx.events.ended(ref, p.phase, p.outcome.message);
      log.info({ phase: p.phase }, 'scenario ended');
    }
  }
  return p.requeueAfterMs === undefined ? undefined : { requeueAfterMs: Math.max(1_000, p.requeueAfterMs) };
}

function statusOf(s: LiveScenario, p: Plan, now: Date): PowerToolScenarioStatus {
  const status: PowerToolScenarioStatus = {
    ...withConditions(
      s,
      [
        { type: 'Ready', status: 'True', reason: 'Valid', message: 'the steps are valid' },
        { type: 'Completed', ...p.outcome },
      ],
      now,
    ),
    phase: p.phase,
    steps: p.steps,
  };
  if (p.currentStep) status.currentStep = p.currentStep;
  else delete status.currentStep;
  const startedAt = p.steps.find((x) => x.startedAt)?.startedAt;
  if (startedAt) status.startedAt = s.status?.startedAt ?? startedAt;
  if (TERMINAL.has(p.phase)) status.finishedAt = s.status?.finishedAt ?? now.toISOString();
  else delete status.finishedAt;
  const baselineStep = s.spec.steps.find((x) => x.baseline)?.name;
  const baseline = p.steps.find((x) => x.name === baselineStep)?.powerTools;
  if (baseline) status.baseline = baseline;
  return status;
}

function withConditions(s: LiveScenario, list: ConditionInput[], now: Date): PowerToolScenarioStatus {
  let conditions = s.status?.conditions;
  for (const c of list) conditions = setCondition(conditions, c, s.metadata.generation, now);
  return { ...(s.status ?? {}), observedGeneration: s.metadata.generation, conditions: conditions ?? [] };
}

async function getTool(ctx: ScenarioContext, namespace: string, name: string): Promise<LiveTool | undefined> {
  try {
    return (await ctx.clients.resources.powerTools.get(namespace, name)) as LiveTool;
  } catch (err) {
    if (classify(err) === 'gone') return undefined;
    throw new Error(`get PowerTool ${namespace}/${name}`, { cause: err });
  }
}

/** spec.suspend on each: the PowerTool controller stops its tools and undoes its faults, as for a user's suspend. */
async function suspendAll(ctx: ScenarioContext, namespace: string, names: string[], log: Logger): Promise<void> {
  for (const n of names) {
    try {
      await ctx.clients.resources.powerTools.mergePatch(namespace, n, { spec: { suspend: true } });
      log.info({ powerTool: n }, 'powertool suspended');
    } catch (err) {
      if (classify(err) !== 'gone') throw new Error(`suspend PowerTool ${namespace}/${n}`, { cause: err });
    }
  }
}

async function createTool(ctx: ScenarioContext, s: LiveScenario, step: number, index: number, name: string): Promise<{ refused?: string }> {
  const namespace = s.metadata.namespace ?? '';
  const stepSpec = s.spec.steps[step];
  const template = stepSpec?.powerTools?.[index];
  if (!stepSpec || !template) return { refused: `spec.steps[${step}].powerTools[${index}] is gone` };
  // The template as the user wrote it (not the parsed form with defaults), so the run reads like a hand-made one.
  const body = {
    apiVersion: API_VERSION,
    kind: 'PowerTool',
    metadata: {
      name,
      namespace,
      labels: { ...(template.metadata?.labels ?? {}), [SCENARIO_LABEL]: s.metadata.name, [SCENARIO_STEP_LABEL]: stepSpec.name },
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
      // No blockOwnerDeletion: it needs update on powertoolscenarios/finalizers, and nothing waits on it here.
      ownerReferences: [
        { apiVersion: API_VERSION, kind: 'PowerToolScenario', name: s.metadata.name, uid: s.metadata.uid, controller: true },
      ],
    },
    spec: template.spec,
  };
  try {
    await ctx.clients.custom.createNamespacedCustomObject({
      group: 'toe.dev',
      version: 'v1alpha1',
      namespace,
      plural: ctx.clients.resources.powerTools.plural,
      body,
    });
    return {};
  } catch (err) {
    // AlreadyExists: created before a restart or a lost status write; the next pass judges it (ownership included).
    if (classify(err) === 'conflict') return {};
    if (classify(err) === 'terminal') return { refused: apiMessage(err) };
    throw new Error(`create PowerTool ${namespace}/${name}`, { cause: err });
  }
}
