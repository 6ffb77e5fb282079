import type { PowerToolConfigSpec, PowerToolSpec } from '../api/index.ts';
import { parseDuration } from '../api/units.ts';
import { admitArgs, checkConfig, quote, type ArgError } from '../allowlist/index.ts';
import { checkSteadyState } from './steady-state.ts';

export type PowerToolAdmission = { ok: true; argv: string[]; durationMs: number } | { ok: false; errors: ArgError[] };

export interface AdmitOptions {
  /** Where the spec sits in the document, for field paths; `spec` unless the PowerTool is nested. */
  specPath?: string;
  /** Where the config came from (`perf.yaml#0`, `PowerToolConfig toe-system/perf`), named beside its limits. */
  configSource?: string;
}

/**
 * A PowerTool checked against its tool's PowerToolConfig: the allowlist for its args (src/allowlist), the duration
 * limit, the output mode, the volume the tool needs and the steady-state probes' bounds. The one function `toe validate`, admission and the
 * controller's re-check before injecting call, so the three cannot disagree. Messages read as kubectl prints field
 * errors (`Invalid value: "11m": must be at most 10m, ...`) and say what is allowed. Finding the config is the
 * caller's business: each looks in a different place (input files, the operator's namespace, its cache).
 */
export function admitPowerTool(spec: PowerToolSpec, config: PowerToolConfigSpec, options: AdmitOptions = {}): PowerToolAdmission {
  const at = options.specPath ?? 'spec';
  const from = options.configSource ? ` (${options.configSource})` : '';
  const tool = quote(config.tool.name);
  const configErrors = checkConfig(config);
  if (configErrors.length > 0) {
    const problems = configErrors.map((e) => `${e.path}: ${e.message}`).join('; ');
    return {
      ok: false,
      errors: [
        { path: `${at}.tool.name`, message: `Invalid value: ${tool}: the PowerToolConfig for this tool${from} is invalid: ${problems}` },
      ],
    };
  }
  const errors: ArgError[] = [];
  const args = admitArgs(config, spec.tool.args, `${at}.tool.args`);
  if (!args.ok) errors.push(...args.errors);

  const durationText = spec.tool.duration ?? config.limits.defaultDuration;
  const durationMs = parseDuration(durationText);
  const maxMs = parseDuration(config.limits.maxDuration) ?? 0;
  if (durationMs === undefined || durationMs <= 0) {
    errors.push({
      path: `${at}.tool.duration`,
      message: `Invalid value: ${quote(durationText)}: must be a positive duration such as "30s" or "5m", at most ${config.limits.maxDuration}`,
    });
  } else if (durationMs > maxMs) {
    errors.push({
      path: `${at}.tool.duration`,
      message: `Invalid value: ${quote(durationText)}: must be at most ${config.limits.maxDuration}, the limit of tool ${tool}${from}`,
    });
  }
  if (!config.outputModes.includes(spec.output.mode)) {
    errors.push({
      path: `${at}.output.mode`,
      message: `Unsupported value: ${quote(spec.output.mode)}: tool ${tool} allows ${config.outputModes.map((m) => quote(m)).join(', ')}`,
    });
  }
  if (config.volume === 'required' && !spec.volume) {
    errors.push({
      path: `${at}.volume`,
      message: `Required value: tool ${tool} acts on a volume of the target pod; name it in ${at}.volume.name`,
    });
  }
  if (config.volume === 'none' && spec.volume) {
    errors.push({ path: `${at}.volume`, message: `Forbidden: tool ${tool} does not act on a volume; remove ${at}.volume` });
  }
  errors.push(...checkSteadyState(spec, at, config.steadyState));
  if (errors.length > 0 || !args.ok || durationMs === undefined) return { ok: false, errors };
  return { ok: true, argv: args.admitted.argv, durationMs };
}
