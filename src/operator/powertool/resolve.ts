import type { PowerTool, PowerToolConfig, PowerToolConfigSpec, Requester } from '../../api/index.ts';
import { REQUESTED_BY_ANNOTATION, powerToolConfigSpec } from '../../api/index.ts';
import { parseDuration } from '../../api/units.ts';
import type { Cache } from '../../kube/informer.ts';
import { admitPowerTool } from '../../policy/admit.ts';
import { MAX_FINISH_GRACE_MS, checkToolConfig, type ToolPolicy } from '../powertoolconfig/check.ts';
import type { Blocker } from './status.ts';

export type Resolved = { ok: true; config: PowerToolConfigSpec; argv: string[]; durationMs: number } | { ok: false; blocker: Blocker };

/** The PowerToolConfig for a tool name; configs live in the operator's namespace only, so users cannot add tools. */
export function findConfig(configs: Cache<PowerToolConfig>, operatorNamespace: string, tool: string): PowerToolConfig | undefined {
  return configs.list(operatorNamespace).find((c) => c.spec?.tool?.name === tool);
}

/** The tool and arguments as the controller re-checks them before acting: admission may have been bypassed. */
export function resolveTool(pt: PowerTool, configs: Cache<PowerToolConfig>, operatorNamespace: string, policy: ToolPolicy): Resolved {
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
  // The config's own checks, the operator's policy included: its Ready condition may lag a change, or be forged.
  const problems = checkToolConfig(found.spec, policy);
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
  return { ok: true, config: parsed.data, argv: admission.argv, durationMs: admission.durationMs };
}

/**
 * How long past its deadline a run's tools may take to save their output before the operator stops them: the
 * config's limits.finishGrace, or the default when the config is gone or unreadable (the run still has to end).
 */
export const DEFAULT_FINISH_GRACE_MS = 3_000;

export function finishGraceMs(pt: PowerTool, configs: Cache<PowerToolConfig>, operatorNamespace: string): number {
  const spec = findConfig(configs, operatorNamespace, pt.spec.tool.name)?.spec as { limits?: { finishGrace?: string } } | undefined;
  return Math.min(parseDuration(spec?.limits?.finishGrace ?? '') ?? DEFAULT_FINISH_GRACE_MS, MAX_FINISH_GRACE_MS);
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
