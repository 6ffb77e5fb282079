import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { FieldError } from './field-error.ts';

/** Reading the input: files, directories and stdin into YAML documents that remember their lines. */

export const STDIN = '-';
export const STDIN_NAME = '<stdin>';

/** One input file's text, or why it could not be read. */
export interface Source {
  file: string;
  text?: string;
  error?: string;
}

/** One YAML document of a file: its position (0-based, as in `FILE#0`), its value, and where its fields are. */
export interface Document {
  file: string;
  index: number;
  value: unknown;
  /** Problems found while parsing (syntax, duplicate keys); the value is not usable when there are any. */
  parseErrors: FieldError[];
  /** The 1-based line of a field path such as `spec.tool.args[1]` (or of its nearest existing parent). */
  lineOf(path: string): number | undefined;
}

const isYaml = (name: string): boolean => name.endsWith('.yaml') || name.endsWith('.yml');

/** The YAML files under a directory, in a stable order; hidden entries and node_modules are skipped. */
export async function yamlFilesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await yamlFilesUnder(path)));
    else if (entry.isFile() && isYaml(entry.name)) out.push(path);
  }
  return out;
}

/**
 * Reads each path: `-` is stdin, a directory stands for every YAML file under it, anything else is a file.
 * A path that cannot be read becomes a Source with an error, so one bad path does not hide the others.
 */
export async function readSources(paths: readonly string[], readStdin: () => Promise<string>): Promise<Source[]> {
  const out: Source[] = [];
  for (const path of paths) {
    if (path === STDIN) {
      out.push({ file: STDIN_NAME, text: await readStdin() });
      continue;
    }
    try {
      if ((await stat(path)).isDirectory()) {
        const files = await yamlFilesUnder(path);
        if (files.length === 0) out.push({ file: path, error: 'the directory holds no .yaml or .yml file' });
        for (const file of files) out.push({ file, text: await readFile(file, 'utf8') });
      } else {
        out.push({ file: path, text: await readFile(path, 'utf8') });
      }
    } catch (err) {
      out.push({ file: path, error: `cannot read: ${(err as Error).message}` });
    }
  }
  return out;
}

/** `spec.tool.args[1]` -> ['spec', 'tool', 'args', 1]; `metadata.labels[a.b/c]` -> ['metadata', 'labels', 'a.b/c']. */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const [, name, key] of path.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    if (name !== undefined) out.push(name);
    else if (key !== undefined) out.push(/^[0-9]+$/.test(key) ? Number(key) : key);
  }
  return out;
}

/** Where the key of a mapping field, or a list item, starts in the text. */
function fieldOffset(parent: unknown, key: string | number): number | undefined {
  if (isMap(parent)) {
    const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
    const node = isScalar(pair?.key) ? pair.key : isNode(pair?.value) ? pair.value : undefined;
    return node?.range?.[0];
  }
  if (isSeq(parent) && typeof key === 'number') {
    const item = parent.items[key];
    return isNode(item) ? item.range?.[0] : undefined;
  }
  return undefined;
}

/** Splits a file into its documents; empty documents (a stray `---`, comments only) are dropped. */
export function splitDocuments(file: string, text: string): Document[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  // parseAllDocuments returns an EmptyStream (an array with an `empty` flag) for a file with no document.
  if (!Array.isArray(docs)) return [];
  const out: Document[] = [];
  docs.forEach((doc, index) => {
    const lineAt = (offset: number): number => lines.linePos(offset).line;
    const parseErrors = doc.errors.map((e) => ({
      path: '',
      message: `YAML syntax error at line ${lineAt(e.pos[0])}: ${e.message.split('\n')[0]}`,
    }));
    let value: unknown;
    try {
      // The alias cap keeps a "billion laughs" document from expanding without bound.
      if (parseErrors.length === 0) value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      parseErrors.push({ path: '', message: `YAML error: ${(err as Error).message}` });
    }
    if (parseErrors.length === 0 && (value === null || value === undefined)) return;
    out.push({
      file,
      index,
      value,
      parseErrors,
      lineOf(path: string): number | undefined {
        const segments = pathSegments(path);
        // A field's line is the line of its key, which is where a reader looks (a mapping value starts below it).
        for (let n = segments.length; n > 0; n--) {
          const parent = n === 1 ? doc.contents : doc.getIn(segments.slice(0, n - 1), true);
          const offset = fieldOffset(parent, segments[n - 1] as string | number);
          if (offset !== undefined) return lineAt(offset);
        }
        const range = doc.contents?.range;
        return range ? lineAt(range[0]) : undefined;
      },
    });
  });
  return out;
}
