import type { PowerTool, PowerToolConfigSpec } from '../api/index.ts';
import { admitPowerTool } from '../policy/admit.ts';
import { quote, type FieldError } from './field-error.ts';

/**
 * A PowerTool against the PowerToolConfig of its tool. The check itself is admission's (`admitPowerTool`, which
 * the webhook and the controller call too); this file only finds the config among the input and says where it was
 * looked for. The schema says what a PowerTool may look like; the config says what this tool admits.
 */

/** A tool's config as found in the input: its spec when it is valid, and where it came from (`FILE#N`). */
export interface ToolConfig {
  tool: string;
  where: string;
  spec?: PowerToolConfigSpec;
}

export function toolErrors(powerTool: PowerTool, config: ToolConfig | undefined, lookedIn: string): FieldError[] {
  const { tool } = powerTool.spec;
  if (!config)
    return [{ path: 'spec.tool.name', message: `Not found: ${quote(tool.name)}: no PowerToolConfig for this tool in ${lookedIn}` }];
  if (!config.spec) {
    return [
      {
        path: 'spec.tool.name',
        message: `Invalid value: ${quote(tool.name)}: the PowerToolConfig for this tool (${config.where}) is itself invalid; fix it first`,
      },
    ];
  }
  const admission = admitPowerTool(powerTool.spec, config.spec, { configSource: config.where });
  return admission.ok ? [] : admission.errors;
}
