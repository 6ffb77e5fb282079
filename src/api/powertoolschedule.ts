import { z } from 'zod';
import { powerToolSpec } from './powertool.ts';
import { conditions, kindHeader, type CrdPresentation } from './meta.ts';

/**
 * PowerToolSchedule: a PowerTool template run on a cron schedule, with CronJob's fields and meaning
 * (https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/). Field names follow CronJob's where the
 * concept is the same, with "Runs" for "Jobs": a user who knows CronJob knows this kind.
 */
export const concurrencyPolicies = ['Allow', 'Forbid', 'Replace'] as const;
export type ConcurrencyPolicy = (typeof concurrencyPolicies)[number];

/**
 * Run names are `<schedule>-<unix minutes of the slot>` (8 digits until the year 2160), and the schedule's name is
 * also a label value on each run (at most 63 characters): 52 leaves room for both, as CronJob's own limit does.
 */
export const MAX_SCHEDULE_NAME = 52;

const historyLimit = (what: string, fallback: number) =>
  z.number().int().min(0).max(100).default(fallback).describe(`How many ${what} runs to keep; older ones are deleted.`);

export const powerToolScheduleSpec = z
  .object({
    schedule: z
      .string()
      .regex(/^(\S+\s+){4}\S+$/)
      .max(128)
      .describe('A five-field cron expression (minute hour day-of-month month day-of-week), in UTC, e.g. "*/15 * * * *".'),
    startingDeadlineSeconds: z
      .number()
      .int()
      .min(0)
      .max(31_536_000)
      .optional()
      .describe('A slot missed by more than this many seconds (operator down, Forbid) is skipped; without it a late slot still starts.'),
    concurrencyPolicy: z
      .enum(concurrencyPolicies)
      .default('Allow')
      .describe(
        'When a slot comes while a run is active: Allow starts another, Forbid skips the slot, Replace stops the active run first.',
      ),
    suspend: z.boolean().default(false).describe('Start no new runs; runs already started go on.'),
    successfulRunsHistoryLimit: historyLimit('succeeded', 3),
    failedRunsHistoryLimit: historyLimit('failed (or aborted, conflicted)', 1),
    template: z
      .object({
        metadata: z
          .object({
            labels: z.record(z.string(), z.string()).optional().describe('Labels for each run (besides toe.dev/schedule).'),
            annotations: z.record(z.string(), z.string()).optional().describe('Annotations for each run.'),
          })
          .optional()
          .describe("Metadata each run gets; its name is the schedule's and the slot's."),
        spec: powerToolSpec,
      })
      .describe("The PowerTool each slot creates, admitted against its tool's PowerToolConfig when the schedule is."),
  })
  .describe('Run a PowerTool on a cron schedule; each run is a PowerTool owned by this schedule.');
export type PowerToolScheduleSpec = z.infer<typeof powerToolScheduleSpec>;

export const runReference = z
  .object({
    name: z.string().max(253).describe("The run's PowerTool."),
    uid: z.string().max(64).optional().describe("That PowerTool's UID."),
  })
  .describe('A run of the schedule.');

export const powerToolScheduleStatus = z
  .object({
    observedGeneration: z.number().int().min(0).optional().describe('The generation the status describes.'),
    conditions: conditions.optional(),
    active: z
      .array(runReference)
      .max(1000)
      .optional()
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })
      .describe('The runs that have not finished.'),
    lastScheduleTime: z.string().optional().describe('The slot the newest run was started for (RFC 3339).'),
    lastSuccessfulTime: z.string().optional().describe('When the newest succeeded run finished (RFC 3339).'),
  })
  .describe('What the schedule has started.');
export type PowerToolScheduleStatus = z.infer<typeof powerToolScheduleStatus>;

export const powerToolSchedule = z
  .object({
    ...kindHeader('PowerToolSchedule'),
    spec: powerToolScheduleSpec,
    status: powerToolScheduleStatus.optional(),
  })
  .describe('PowerToolSchedule: run a PowerTool on a cron schedule, like a CronJob runs Jobs.');
export type PowerToolSchedule = z.infer<typeof powerToolSchedule>;

/** The label every run carries with its schedule's name, and the annotation with its slot, as CronJob's Jobs do. */
export const SCHEDULE_LABEL = 'toe.dev/schedule';
export const SCHEDULED_AT_ANNOTATION = 'toe.dev/scheduled-at';

export const powerToolSchedulePresentation: CrdPresentation = {
  plural: 'powertoolschedules',
  singular: 'powertoolschedule',
  shortNames: ['pts'],
  categories: ['toe'],
  printerColumns: [
    { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule', description: 'The cron expression (UTC).' },
    { name: 'Suspend', type: 'boolean', jsonPath: '.spec.suspend', description: 'Whether new slots are skipped.' },
    { name: 'Active', type: 'string', jsonPath: '.status.active[*].name', description: 'The runs not finished.' },
    { name: 'Last Schedule', type: 'date', jsonPath: '.status.lastScheduleTime', description: 'The newest slot started.' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since creation.' },
  ],
};
