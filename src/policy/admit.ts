import type { PowerToolConfigSpec, PowerToolSpec } from '../api/index.ts';
import { formatDuration, parseDuration } from '../api/units.ts';
import { admitArgs, checkConfig, type ArgError } from '../allowlist/index.ts';

export type PowerToolAdmission = { ok: true; argv: string[]; durationMs: number } | { ok: false; errors: ArgError[] };

/**
 * A PowerTool checked against its tool's PowerToolConfig: the allowlist for its args, the duration limit, the
 * output mode and the volume the tool needs. One function for `toe validate`, admission and the controller's
 * re-check before injecting, so the three can never disagree.
 */
export function admitPowerTool(spec: PowerToolSpec, config: PowerToolConfigSpec, specPath = 'spec'): PowerToolAdmission {
  const configErrors = checkConfig(config);
  if (configErrors.length > 0) {
    return {
      ok: false,
      errors: [
        {
          path: `${specPath}.tool.name`,
          message: `the PowerToolConfig for tool "${config.tool.name}" is invalid: ${configErrors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        },
      ],
    };
  }
  const errors: ArgError[] = [];
  const args = admitArgs(config, spec.tool.args, `${specPath}.tool.args`);
  if (!args.ok) errors.push(...args.errors);

  const maxMs = parseDuration(config.limits.maxDuration) ?? 0;
  const durationText = spec.tool.duration ?? config.limits.defaultDuration;
  const durationMs = parseDuration(durationText);
  if (durationMs === undefined || durationMs <= 0) {
    errors.push({ path: `${specPath}.tool.duration`, message: `"${durationText}" is not a positive duration such as "30s" or "5m"` });
  } else if (durationMs > maxMs) {
    errors.push({
      path: `${specPath}.tool.duration`,
      message: `${durationText} is longer than the ${formatDuration(maxMs)} the ${config.tool.name} tool allows (limits.maxDuration)`,
    });
  }
  if (!config.outputModes.includes(spec.output.mode)) {
    errors.push({
      path: `${specPath}.output.mode`,
      message: `the ${config.tool.name} tool does not support output mode "${spec.output.mode}"; allowed: ${config.outputModes.join(', ')}`,
    });
  }
  if (config.volume === 'required' && !spec.volume) {
    errors.push({
      path: `${specPath}.volume`,
      message: `the ${config.tool.name} tool acts on a volume: name one of the target pod's volumes in spec.volume.name`,
    });
  }
  if (config.volume === 'none' && spec.volume) {
    errors.push({ path: `${specPath}.volume`, message: `the ${config.tool.name} tool does not act on a volume; remove spec.volume` });
  }
  if (errors.length > 0 || !args.ok) return { ok: false, errors };
  return { ok: true, argv: args.admitted.argv, durationMs: durationMs as number };
}
