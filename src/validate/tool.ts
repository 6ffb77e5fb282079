import { admitArgs } from '../allowlist/index.ts';
import { parseDuration, type PowerTool, type PowerToolConfigSpec } from '../api/index.ts';
import { quote, type FieldError } from './field-error.ts';

/**
 * A PowerTool against the PowerToolConfig of its tool: the allowlist (parsed and checked by src/allowlist, never
 * here), the duration limit, the output mode and the volume. The schema says what a PowerTool may look like; the
 * config says what this tool admits, which only the config knows (the same check admission applies).
 */

/** A tool's config as found in the input: its spec when it is valid, and where it came from (`FILE#N`). */
export interface ToolConfig {
  tool: string;
  where: string;
  spec?: PowerToolConfigSpec;
}

export function toolErrors(powerTool: PowerTool, config: ToolConfig | undefined, lookedIn: string): FieldError[] {
  const { tool, output, volume } = powerTool.spec;
  if (!config)
    return [{ path: 'spec.tool.name', message: `Not found: ${quote(tool.name)}: no PowerToolConfig for this tool in ${lookedIn}` }];
  const spec = config.spec;
  if (!spec) {
    return [
      {
        path: 'spec.tool.name',
        message: `Invalid value: ${quote(tool.name)}: the PowerToolConfig for this tool (${config.where}) is itself invalid; fix it first`,
      },
    ];
  }
  const errors: FieldError[] = [];
  const admitted = admitArgs(spec, tool.args, 'spec.tool.args');
  if (!admitted.ok) errors.push(...admitted.errors);

  const max = spec.limits.maxDuration;
  if (tool.duration !== undefined && (parseDuration(tool.duration) ?? 0) > (parseDuration(max) ?? Infinity)) {
    errors.push({
      path: 'spec.tool.duration',
      message: `Invalid value: ${quote(tool.duration)}: must be at most ${max}, the limit of tool ${quote(tool.name)} (${config.where})`,
    });
  }
  if (!spec.outputModes.includes(output.mode)) {
    const allowed = spec.outputModes.map((m) => quote(m)).join(', ');
    errors.push({
      path: 'spec.output.mode',
      message: `Unsupported value: ${quote(output.mode)}: tool ${quote(tool.name)} allows ${allowed}`,
    });
  }
  if (spec.volume === 'required' && !volume) {
    errors.push({
      path: 'spec.volume',
      message: `Required value: tool ${quote(tool.name)} acts on a volume of the target pod; name it in spec.volume.name`,
    });
  }
  if (spec.volume === 'none' && volume) {
    errors.push({ path: 'spec.volume', message: `Forbidden: tool ${quote(tool.name)} does not act on a volume; remove spec.volume` });
  }
  return errors;
}
