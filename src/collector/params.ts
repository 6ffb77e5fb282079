/** Query parameters of the upload routes, refused with the parameter's name and what it allows. Pure. */
import { HttpError } from './errors.ts';

const OFFSET = /^(0|[1-9][0-9]{0,15})$/;

export function offsetParam(value: unknown): number {
  if (value === undefined)
    throw new HttpError(400, 'offset is required: the byte offset this body starts at (HEAD tells the current one)', { field: 'offset' });
  if (typeof value !== 'string' || !OFFSET.test(value) || Number(value) > Number.MAX_SAFE_INTEGER) {
    throw new HttpError(400, 'offset must be one non-negative integer without leading zeros', { field: 'offset' });
  }
  return Number(value);
}

export function partialParam(value: unknown): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new HttpError(400, 'partial is required and must be true or false', { field: 'partial' });
}

/** The declared body length, when the client sent one (chunked bodies have none). */
export function declaredLength(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const n = Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
