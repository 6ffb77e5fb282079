import type { PowerTool, PowerToolConfig, PowerToolConfigSpec, Requester, ResolvedTool } from '../../api/index.ts';
import { REQUESTED_BY_ANNOTATION, powerToolConfigSpec } from '../../api/index.ts';
import { parseDuration } from '../../api/units.ts';
import type { Cache } from '../../kube/informer.ts';
import { admitPowerTool } from '../../policy/admit.ts';
import { MAX_FINISH_GRACE_MS, checkToolConfig, privilegeErrors, type ToolPrivileges } from '../powertoolconfig/check.ts';
import type { Blocker } from './status.ts';

/** `tool` is what the targets get (its argv the admitted args); `config` is kept for selection's limits. */
export type Resolved = { ok: true; config: PowerToolConfigSpec; durationMs: number; tool: ResolvedTool } | { ok: false; blocker: Blocker };

/** The PowerToolConfig for a tool name; configs live in the operator's namespace only, so users cannot add tools. */
export function findConfig(configs: Cache<PowerToolConfig>, operatorNamespace: string, tool: string): PowerToolConfig | undefined {
  return configs.list(operatorNamespace).find((c) => c.spec?.tool?.name === tool);
}

/** The tool and arguments as the controller re-checks them before acting: admission may have been bypassed. */
export function resolveTool(
  pt: PowerTool,
  configs: Cache<PowerToolConfig>,
  operatorNamespace: string,
  privileges: ToolPrivileges,
): Resolved {
  const found = findConfig(configs, operatorNamespace, pt.spec.tool.name);
  if (!found) {
    const known = configs
      .list(operatorNamespace)
      .map((c) => c.spec?.tool?.name)
      .filter(Boolean)
      .sort();
    return {
      ok: false,
      blocker: {
        type: 'Admitted',
        reason: 'ToolNotFound',
        message: `no PowerToolConfig in ${operatorNamespace} defines tool "${pt.spec.tool.name}"; known tools: ${known.join(', ') || 'none'}`,
      },
    };
  }
  // The config's own checks, the operator's tool privileges included: its Ready condition may lag a change, or be forged.
  const problems = checkToolConfig(found.spec, privileges);
  const parsed = powerToolConfigSpec.safeParse(found.spec);
  if (problems.length > 0 || !parsed.success) {
    const why = problems.map((e) => `${e.path}: ${e.message}`).join('; ') || 'schema error';
    return {
      ok: false,
      blocker: { type: 'Admitted', reason: 'ToolInvalid', message: `the PowerToolConfig ${found.metadata.name} is invalid: ${why}` },
    };
  }
  const admission = admitPowerTool(pt.spec, parsed.data, { configSource: `PowerToolConfig ${operatorNamespace}/${found.metadata.name}` });
  if (!admission.ok) {
    return {
      ok: false,
      blocker: { type: 'Admitted', reason: 'ArgsRefused', message: admission.errors.map((e) => `${e.path}: ${e.message}`).join('; ') },
    };
  }
  return { ok: true, config: parsed.data, durationMs: admission.durationMs, tool: freeze(found, parsed.data, admission.argv) };
}

/** The record of what every target of the run gets, taken at selection (status.resolvedTool). */
export function freeze(found: PowerToolConfig, spec: PowerToolConfigSpec, argv: string[]): ResolvedTool {
  const meta = found.metadata as { name: string; generation?: number; resourceVersion?: string };
  const tool: ResolvedTool = {
    config: meta.name,
    action: spec.action,
    imagePullPolicy: spec.imagePullPolicy,
    argv: [...argv],
    volume: spec.volume,
    exclusive: spec.exclusive,
    finishGrace: spec.limits.finishGrace,
  };
  // An evict tool (action evict) runs no container: it has neither.
  if (spec.image !== undefined) tool.image = spec.image;
  if (spec.command !== undefined) tool.command = [...spec.command];
  if (meta.generation !== undefined) tool.generation = meta.generation;
  if (meta.resourceVersion !== undefined) tool.resourceVersion = meta.resourceVersion;
  if (spec.env) tool.env = structuredClone(spec.env);
  if (spec.securityContext) tool.securityContext = structuredClone(spec.securityContext);
  if (spec.resources) tool.resources = structuredClone(spec.resources);
  if (spec.undo) tool.undo = structuredClone(spec.undo);
  return tool;
}

export type RunTool = { ok: true; tool: ResolvedTool } | { ok: false; reason: string; message: string };

/**
 * What the run's pending targets are injected with: the record taken at selection, whatever the config became.
 *
 * A config edited or deleted mid-run does not change a run under way: the run was admitted as a whole (its args
 * against the allowlist, its security context against the policy) and its targets get what was admitted, so half a
 * run cannot get one image and half another, and deleting a config does not strand targets as "not injected". An
 * admin who wants a run to stop suspends or deletes the PowerTool. The record lives in status, which only the
 * operator may write (the chart grants powertools/status to it alone); its security context is still held to the
 * operator's tool privileges here, so a forged record cannot ask for more than any config could.
 *
 * A run selected before the record existed (an older operator) resolves from the current config, as it did then,
 * and records it; if that config is gone, its pending targets fail as ConfigDeleted.
 */
export function runTool(pt: PowerTool, configs: Cache<PowerToolConfig>, operatorNamespace: string, privileges: ToolPrivileges): RunTool {
  const frozen = pt.status?.resolvedTool;
  if (frozen) {
    const problems = privilegeErrors(frozen.securityContext, privileges);
    if (problems.length === 0) return { ok: true, tool: frozen };
    const why = problems.map((e) => `${e.path}: ${e.message}`).join('; ');
    return {
      ok: false,
      reason: 'ToolNotAllowed',
      message: `the tool recorded at selection is beyond this operator's tool privileges: ${why}`,
    };
  }
  const resolved = resolveTool(pt, configs, operatorNamespace, privileges);
  if (resolved.ok) return { ok: true, tool: resolved.tool };
  const reason = resolved.blocker.reason === 'ToolNotFound' ? 'ConfigDeleted' : resolved.blocker.reason;
  return { ok: false, reason, message: resolved.blocker.message };
}

/**
 * How long past its deadline a run's tools may take to save their output before the operator stops them: the
 * config's limits.finishGrace, or the default when the config is gone or unreadable (the run still has to end).
 */
export const DEFAULT_FINISH_GRACE_MS = 3_000;

export function finishGraceMs(pt: PowerTool, configs: Cache<PowerToolConfig>, operatorNamespace: string): number {
  const spec = findConfig(configs, operatorNamespace, pt.spec.tool.name)?.spec as { limits?: { finishGrace?: string } } | undefined;
  const grace = pt.status?.resolvedTool?.finishGrace ?? spec?.limits?.finishGrace ?? '';
  return Math.min(parseDuration(grace) ?? DEFAULT_FINISH_GRACE_MS, MAX_FINISH_GRACE_MS);
}

/** The requester admission recorded, if the annotation holds a well-formed one. */
export function requesterOf(pt: PowerTool): Requester | undefined {
  const raw = pt.metadata.annotations?.[REQUESTED_BY_ANNOTATION];
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Requester;
    return typeof value.username === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
