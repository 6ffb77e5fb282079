import { emergencyStop, emergencyStopPresentation } from './emergency-stop.ts';
import { powerTool, powerToolPresentation } from './powertool.ts';
import { powerToolConfig, powerToolConfigPresentation } from './powertoolconfig.ts';
import { powerToolProcessing, powerToolProcessingPresentation } from './powertoolprocessing.ts';
import { powerToolScenario, powerToolScenarioPresentation } from './powertoolscenario.ts';
import { powerToolSchedule, powerToolSchedulePresentation } from './powertoolschedule.ts';

/** The kinds, in the order their CRDs are written. */
export const kinds = {
  PowerToolConfig: { schema: powerToolConfig, presentation: powerToolConfigPresentation },
  PowerTool: { schema: powerTool, presentation: powerToolPresentation },
  PowerToolProcessing: { schema: powerToolProcessing, presentation: powerToolProcessingPresentation },
  EmergencyStop: { schema: emergencyStop, presentation: emergencyStopPresentation },
  PowerToolSchedule: { schema: powerToolSchedule, presentation: powerToolSchedulePresentation },
  PowerToolScenario: { schema: powerToolScenario, presentation: powerToolScenarioPresentation },
} as const;
export type KindName = keyof typeof kinds;

export * from './emergency-stop.ts';
export * from './meta.ts';
export * from './powertool.ts';
export * from './powertoolconfig.ts';
export * from './powertoolprocessing.ts';
export * from './powertoolscenario.ts';
export * from './powertoolschedule.ts';
export * from './steady-state.ts';
export * from './units.ts';
