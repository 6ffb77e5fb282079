import { MAX_SCENARIO_NAME, type PowerToolScenarioSpec } from '../api/index.ts';
import { parseDuration } from '../api/units.ts';
import { quote, type ArgError } from '../allowlist/index.ts';

/** The longest wait a step may ask for: a scenario is an experiment, not a scheduler (PowerToolSchedule is). */
export const MAX_WAIT_MS = 3_600_000;

/**
 * What a scenario's schema cannot say: its name's length (its PowerTools are named from it), at most one baseline
 * step and only on one with PowerTools, a wait within bounds. Admission, `toe validate` and the controller call it,
 * so the three agree; each PowerTool template is then admitted as a PowerTool (admitPowerTool).
 */
export function checkScenario(name: string, spec: PowerToolScenarioSpec): ArgError[] {
  const errors: ArgError[] = [];
  if (name.length > MAX_SCENARIO_NAME)
    errors.push({
      path: 'metadata.name',
      message: `Invalid value: ${quote(name)}: must be no more than ${MAX_SCENARIO_NAME} characters (each PowerTool is named <scenario>-<step>-<index>)`,
    });
  const baselines = spec.steps.flatMap((s, i) => (s.baseline ? [i] : []));
  for (const i of baselines.slice(1))
    errors.push({
      path: `spec.steps[${i}].baseline`,
      message: `Invalid value: true: only one step may be the baseline (spec.steps[${baselines[0]}] already is)`,
    });
  spec.steps.forEach((step, i) => {
    if (step.baseline && !step.powerTools)
      errors.push({
        path: `spec.steps[${i}].baseline`,
        message: 'Invalid value: true: the baseline step must have powerTools, not a wait',
      });
    if (step.wait !== undefined) {
      const ms = parseDuration(step.wait);
      if (ms === undefined || ms <= 0 || ms > MAX_WAIT_MS)
        errors.push({ path: `spec.steps[${i}].wait`, message: `Invalid value: ${quote(step.wait)}: must be between 1ms and 1h` });
    }
  });
  return errors;
}
