const TOOL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const MAX_TOOLS = 32;

/**
 * The `tool` label from the `Toe-Tool` header. The header is the tool's own claim, used for this label only (never
 * for a path or a decision), so it is bounded: not a DNS label → `unknown`, past MAX_TOOLS distinct names → `other`.
 */
export function toolLabel(seen: Set<string>, header: string | undefined): string {
  if (header === undefined || !TOOL.test(header)) return 'unknown';
  if (seen.has(header)) return header;
  if (seen.size >= MAX_TOOLS) return 'other';
  seen.add(header);
  return header;
}
