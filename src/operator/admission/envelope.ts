import { z } from 'zod';

/**
 * The admission.k8s.io/v1 AdmissionReview envelope: what the API server sends each webhook and what it expects back.
 * Only the fields admission reads are checked; the rest of the request passes through untouched.
 */
export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

const groupVersionKind = z.object({ group: z.string(), version: z.string(), kind: z.string() });

export const admissionRequest = z
  .object({
    uid: z.string().min(1),
    kind: groupVersionKind,
    name: z.string().optional(),
    namespace: z.string().optional(),
    operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
    userInfo: z
      .object({
        username: z.string().optional(),
        uid: z.string().optional(),
        groups: z.array(z.string()).optional(),
      })
      .loose(),
    object: z.unknown().optional(),
    oldObject: z.unknown().optional(),
    dryRun: z.boolean().optional(),
  })
  .loose();
export type AdmissionRequest = z.infer<typeof admissionRequest>;

export const admissionReviewRequest = z
  .object({
    apiVersion: z.literal(ADMISSION_API_VERSION),
    kind: z.literal('AdmissionReview'),
    request: admissionRequest,
  })
  .loose();

/** metav1.Status as a webhook returns it: the API server shows `message` and keeps `details` for kubectl. */
export interface DenialStatus {
  status: 'Failure';
  code: number;
  reason: 'Invalid' | 'BadRequest';
  message: string;
  details?: { name?: string; group: string; kind: string; causes: { type: string; field: string; message: string }[] };
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: DenialStatus;
  /** base64 of a JSON Patch (RFC 6902) array, mutating webhooks only. */
  patch?: string;
  patchType?: 'JSONPatch';
  /** Shown by kubectl as `Warning: …` lines. */
  warnings?: string[];
}

export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

export function reviewResponse(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}

/** The verdict a response carries, for the `verdict` label of toe_admission_requests_total. */
export function verdictOf(response: AdmissionResponse): 'allowed' | 'denied' | 'patched' {
  if (!response.allowed) return 'denied';
  return response.patch ? 'patched' : 'allowed';
}
