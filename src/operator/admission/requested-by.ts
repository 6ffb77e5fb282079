import { REQUESTED_BY_ANNOTATION, type Requester } from '../../api/index.ts';
import type { AdmissionRequest } from './envelope.ts';

/**
 * The requested-by annotation: who created a PowerTool, as the API server authenticated them. Status cannot be
 * written at create time, so admission records it in an annotation and the controller copies it to
 * status.requestedBy. An audit record the user can write is worthless: at CREATE whatever the user sent is
 * overwritten, and on UPDATE a changed or removed value is put back.
 */
export type JsonPatchOp = { op: 'add'; path: string; value: unknown } | { op: 'remove'; path: string };

// RFC 6901: "~" and "/" inside a key are written "~0" and "~1"; the annotation key contains a "/".
const escapePointer = (key: string): string => key.replaceAll('~', '~0').replaceAll('/', '~1');
const ANNOTATIONS = '/metadata/annotations';
const KEY_PATH = `${ANNOTATIONS}/${escapePointer(REQUESTED_BY_ANNOTATION)}`;

export function requesterValue(userInfo: AdmissionRequest['userInfo']): string {
  const requester: Requester = { username: userInfo.username ?? '' };
  if (userInfo.uid) requester.uid = userInfo.uid;
  if (userInfo.groups) requester.groups = userInfo.groups;
  return JSON.stringify(requester);
}

/** The patch that makes the annotation what it must be, or undefined when it already is. */
export function requestedByPatch(request: AdmissionRequest): { patch: JsonPatchOp[]; warning?: string } | undefined {
  const annotations = annotationsOf(request.object);
  const sent = annotations?.[REQUESTED_BY_ANNOTATION];
  let wanted: string | undefined;
  if (request.operation === 'CREATE') wanted = requesterValue(request.userInfo);
  else if (request.operation === 'UPDATE') wanted = annotationsOf(request.oldObject)?.[REQUESTED_BY_ANNOTATION];
  else return undefined;
  if (sent === wanted) return undefined;

  const what =
    sent === undefined ? 'it cannot be removed and was restored' : `the value sent was ${wanted === undefined ? 'removed' : 'replaced'}`;
  // A first CREATE without the annotation is the normal case, not something to warn about.
  const warning =
    request.operation === 'CREATE' && sent === undefined
      ? undefined
      : `metadata.annotations[${REQUESTED_BY_ANNOTATION}] is recorded by admission; ${what}`;
  if (wanted === undefined) return { patch: [{ op: 'remove', path: KEY_PATH }], warning };
  // "add" on an existing member replaces it (RFC 6902 4.1); without an annotations map, the map itself is added.
  const patch: JsonPatchOp[] = annotations
    ? [{ op: 'add', path: KEY_PATH, value: wanted }]
    : [{ op: 'add', path: ANNOTATIONS, value: { [REQUESTED_BY_ANNOTATION]: wanted } }];
  return { patch, warning };
}

function annotationsOf(object: unknown): Record<string, string> | undefined {
  const annotations = (object as { metadata?: { annotations?: Record<string, string> | null } } | undefined)?.metadata?.annotations;
  return annotations ?? undefined;
}
