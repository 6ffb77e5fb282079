import {
  MAX_SCHEDULE_NAME,
  type PowerToolConfigSpec,
  type PowerToolScenario,
  type PowerToolSchedule,
  type PowerToolSpec,
} from '../api/index.ts';
import { parseCron } from '../schedule/cron.ts';
import { admitPowerTool } from '../policy/admit.ts';
import { checkScenario } from '../policy/scenario.ts';
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

export function toolErrors(
  powerTool: { spec: PowerToolSpec },
  config: ToolConfig | undefined,
  lookedIn: string,
  specPath = 'spec',
): FieldError[] {
  const { tool } = powerTool.spec;
  if (!config)
    return [{ path: `${specPath}.tool.name`, message: `Not found: ${quote(tool.name)}: no PowerToolConfig for this tool in ${lookedIn}` }];
  if (!config.spec) {
    return [
      {
        path: `${specPath}.tool.name`,
        message: `Invalid value: ${quote(tool.name)}: the PowerToolConfig for this tool (${config.where}) is itself invalid; fix it first`,
      },
    ];
  }
  const admission = admitPowerTool(powerTool.spec, config.spec, { configSource: config.where, specPath });
  return admission.ok ? [] : admission.errors;
}

/** A PowerToolSchedule as admission checks it: the name its runs derive from, the cron, and the template's tool. */
export function scheduleErrors(schedule: PowerToolSchedule, config: ToolConfig | undefined, lookedIn: string): FieldError[] {
  const errors: FieldError[] = [];
  const name = schedule.metadata.name;
  if (name.length > MAX_SCHEDULE_NAME)
    errors.push({
      path: 'metadata.name',
      message: `Invalid value: ${quote(name)}: must be no more than ${MAX_SCHEDULE_NAME} characters (each run is named <schedule>-<slot>)`,
    });
  try {
    parseCron(schedule.spec.schedule);
  } catch (err) {
    errors.push({ path: 'spec.schedule', message: `Invalid value: ${quote(schedule.spec.schedule)}: ${(err as Error).message}` });
  }
  return [...errors, ...toolErrors(schedule.spec.template, config, lookedIn, 'spec.template.spec')];
}

/** A PowerToolScenario as admission checks it: what its schema cannot say, and each step's PowerTools' tools. */
export function scenarioErrors(scenario: PowerToolScenario, configs: ReadonlyMap<string, ToolConfig>, lookedIn: string): FieldError[] {
  const errors: FieldError[] = checkScenario(scenario.metadata.name, scenario.spec);
  scenario.spec.steps.forEach((step, i) =>
    (step.powerTools ?? []).forEach((t, j) =>
      errors.push(...toolErrors(t, configs.get(t.spec.tool.name), lookedIn, `spec.steps[${i}].powerTools[${j}].spec`)),
    ),
  );
  return errors;
}
