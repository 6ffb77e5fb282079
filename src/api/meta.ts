import { z } from 'zod';
import { DURATION_PATTERN } from './units.ts';

/**
 * Pieces shared by the three kinds: names, selectors, conditions, durations.
 *
 * Constants follow the Kubernetes API conventions: CamelCase enum values for phases, reasons and condition types;
 * lower-case values where Kubernetes itself uses them (imagePullPolicy aside, `logs | pvc | collector` read as
 * words in YAML). Durations are strings (see units.ts for why).
 */
export const GROUP = 'toe.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export const dnsLabel = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
  .describe('A DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters.');

export const dnsSubdomain = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/)
  .describe('A DNS-1123 subdomain: lower-case letters, digits, "-" and ".", at most 253 characters.');

export const duration = (what: string) =>
  z.string().regex(new RegExp(DURATION_PATTERN)).max(64).describe(`${what} A Go-style duration such as "30s", "5m" or "1h30m".`);

export const labelSelectorRequirement = z
  .object({
    key: z.string().min(1).max(317).describe('The label key that the selector applies to.'),
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']).describe('How the key relates to the values.'),
    values: z.array(z.string().max(63)).max(64).optional().describe('Values for In and NotIn; empty for Exists and DoesNotExist.'),
  })
  .describe('One label requirement, as in a Kubernetes label selector.');

export const labelSelector = z
  .object({
    matchLabels: z.record(z.string(), z.string()).optional().describe('Labels that must all be present with these values.'),
    matchExpressions: z.array(labelSelectorRequirement).max(32).optional().describe('Requirements that must all hold.'),
  })
  .describe('A Kubernetes label selector; the requirements are ANDed.');
export type LabelSelector = z.infer<typeof labelSelector>;

export const conditionStatus = z.enum(['True', 'False', 'Unknown']);

/** metav1.Condition, as the API conventions describe it: keyed by type, reason one CamelCase word. */
export const condition = z
  .object({
    type: z
      .string()
      .regex(/^[A-Z][A-Za-z0-9]*$/)
      .max(316)
      .describe('The condition type, a PascalCase observed state such as Ready or Injected.'),
    status: conditionStatus.describe('True, False or Unknown.'),
    observedGeneration: z.number().int().min(0).optional().describe('The .metadata.generation the condition was computed from.'),
    lastTransitionTime: z.string().describe('When status last changed (RFC 3339).'),
    reason: z
      .string()
      .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
      .max(1024)
      .describe('One CamelCase word saying why.'),
    message: z.string().max(32768).describe('A sentence for humans, with what to do when action is needed.'),
  })
  .describe('An observation of one aspect of the object, as metav1.Condition.');
export type Condition = z.infer<typeof condition>;

export const conditions = z
  .array(condition)
  .max(32)
  .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })
  .describe('The latest observations of the object, one per type.');

/** The minimal ObjectMeta a document must carry to be checked; the API server owns the rest. */
export const objectMeta = z
  .object({
    name: dnsSubdomain.describe('The object name.'),
    namespace: dnsLabel.optional().describe('The namespace; defaults to the one in use.'),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .loose();

export const kindHeader = <K extends string>(kind: K) => ({
  apiVersion: z.literal(API_VERSION).describe(`Always ${API_VERSION}.`),
  kind: z.literal(kind).describe(`Always ${kind}.`),
  metadata: objectMeta,
});

/** The user who asked for a PowerTool, recorded by admission for audit. */
export const requester = z
  .object({
    username: z.string().describe('The authenticated user name.'),
    uid: z.string().optional().describe('The user UID, when the authenticator gives one.'),
    groups: z.array(z.string()).optional().describe('The groups of the user at the time of the request.'),
  })
  .describe('Who created the object, as the API server authenticated them.');
export type Requester = z.infer<typeof requester>;

/** How the CRD generator shows the kind in kubectl: printer columns, names, scope. */
export interface CrdPresentation {
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  /** Namespaced unless a kind says otherwise (EmergencyStop acts on the whole cluster). */
  scope?: 'Namespaced' | 'Cluster';
  printerColumns: {
    name: string;
    type: 'string' | 'integer' | 'date' | 'boolean' | 'number';
    jsonPath: string;
    description: string;
    priority?: number;
  }[];
}
