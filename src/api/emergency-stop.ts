import { z } from 'zod';
import { conditions, kindHeader, requester, type CrdPresentation } from './meta.ts';

/**
 * EmergencyStop (cluster-scoped): while one exists, the operator stops every running PowerTool in the cluster through
 * the suspend path (stop reason EmergencyStop), undoes their faults, and refuses new runs, at admission and again in
 * the reconcile. Deleting it clears the stop. An object rather than a flag on the operator so that `kubectl create`
 * and `kubectl delete` alone can pull and release the brake, and the API server's RBAC says who may.
 */
export const emergencyStopSpec = z
  .object({
    reason: z
      .string()
      .min(1)
      .max(1024)
      // Part of the audit record: it stays as it was written. A new reason is a new stop.
      .meta({
        'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'reason is immutable: clear the stop and pull a new one' }],
      })
      .describe('Why the stop was pulled, shown with every refusal and on every PowerTool it stopped.'),
  })
  .describe('An emergency stop of every PowerTool in the cluster, active while this object exists.');
export type EmergencyStopSpec = z.infer<typeof emergencyStopSpec>;

export const stoppedRun = z
  .object({
    namespace: z.string().max(63).describe("The PowerTool's namespace."),
    name: z.string().max(253).describe("The PowerTool's name."),
    stoppedAt: z.string().optional().describe('When the operator asked its tools to stop (RFC 3339).'),
    running: z.number().int().min(0).describe('How many of its tools have not exited yet.'),
  })
  .describe('One PowerTool this stop stopped.');
export type StoppedRun = z.infer<typeof stoppedRun>;

export const emergencyStopStatus = z
  .object({
    observedGeneration: z.number().int().min(0).optional().describe('The generation the status describes.'),
    conditions: conditions.optional(),
    activatedAt: z.string().optional().describe('When the stop was created (RFC 3339).'),
    activatedBy: requester.optional(),
    stoppedCount: z.number().int().min(0).optional().describe('How many PowerTools this stop stopped.'),
    runningCount: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('How many tools in the cluster have not exited yet, whichever stop reached them; 0 once all are stopped.'),
    refusedCount: z.number().int().min(0).optional().describe('How many PowerTools the operator refused to start while it was active.'),
    stopped: z
      .array(stoppedRun)
      .max(1000)
      .optional()
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['namespace', 'name'] })
      .describe('The PowerTools this stop stopped, the first 1000.'),
  })
  .describe('Who pulled the stop, when, and what it stopped.');
export type EmergencyStopStatus = z.infer<typeof emergencyStopStatus>;

export const emergencyStop = z
  .object({
    ...kindHeader('EmergencyStop'),
    spec: emergencyStopSpec,
    status: emergencyStopStatus.optional(),
  })
  .describe('EmergencyStop: while it exists, every PowerTool in the cluster is stopped and no new one starts.');
export type EmergencyStop = z.infer<typeof emergencyStop>;

export const emergencyStopPresentation: CrdPresentation = {
  plural: 'emergencystops',
  singular: 'emergencystop',
  shortNames: ['estop'],
  categories: ['toe'],
  scope: 'Cluster',
  printerColumns: [
    { name: 'Reason', type: 'string', jsonPath: '.spec.reason', description: 'Why the stop was pulled.' },
    { name: 'By', type: 'string', jsonPath: '.status.activatedBy.username', description: 'Who pulled it, as admission recorded.' },
    { name: 'Stopped', type: 'integer', jsonPath: '.status.stoppedCount', description: 'PowerTools it stopped.' },
    { name: 'Running', type: 'integer', jsonPath: '.status.runningCount', description: 'Tools in the cluster not yet exited.' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since the stop was pulled.' },
  ],
};
