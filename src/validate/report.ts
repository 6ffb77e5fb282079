import type { DocumentResult } from './validate.ts';

/** The two outputs of `toe validate`: kubectl-style lines with a summary, or a JSON array for programs. */

export function isValid(result: DocumentResult): boolean {
  return result.errors.length === 0;
}

/** One line per problem, `FILE#DOC FIELD: message (line N)`, then one summary line. */
export function formatText(results: DocumentResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const at = r.document === null ? r.file : `${r.file}#${r.document}`;
    for (const e of r.errors) {
      const line = e.line === undefined ? '' : ` (line ${e.line})`;
      lines.push(`${at}${e.path ? ` ${e.path}` : ''}: ${e.message}${line}`);
    }
  }
  lines.push(summary(results));
  return lines.join('\n') + '\n';
}

export function summary(results: DocumentResult[]): string {
  const docs = results.filter((r) => r.document !== null);
  const invalid = docs.filter((r) => !isValid(r)).length;
  const unusable = results.length - docs.length;
  const files = new Set(results.map((r) => r.file)).size;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const parts = [`${plural(docs.length - invalid, 'document')} valid`, `${invalid} invalid`];
  if (unusable > 0) parts.push(`${plural(unusable, 'input')} unreadable or empty`);
  return `${parts.join(', ')} (${plural(files, 'file')})`;
}

/** A JSON array: one entry per document (or unusable file) with its problems; pretty-printed, newline-ended. */
export function formatJson(results: DocumentResult[]): string {
  const entries = results.map((r) => ({
    file: r.file,
    document: r.document,
    kind: r.kind,
    name: r.name,
    valid: isValid(r),
    errors: r.errors.map((e) =>
      e.line === undefined ? { path: e.path, message: e.message } : { path: e.path, message: e.message, line: e.line },
    ),
  }));
  return JSON.stringify(entries, null, 2) + '\n';
}
