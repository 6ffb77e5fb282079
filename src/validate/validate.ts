import { isDeepStrictEqual } from 'node:util';
import { checkConfig } from '../allowlist/index.ts';
import type { KindName, PowerTool, PowerToolConfig, PowerToolScenario, PowerToolSchedule } from '../api/index.ts';
import { splitDocuments, type Document, type Source } from './documents.ts';
import { quote, type FieldError } from './field-error.ts';
import { kindOf, schemaErrors } from './schema.ts';
import { scenarioErrors, scheduleErrors, toolErrors, type ToolConfig } from './tool.ts';

/**
 * `toe validate` without the I/O: every document of the input against its schema, then each PowerTool against
 * its tool's PowerToolConfig, found among the input documents first and then among the config sources.
 */

export interface Problem extends FieldError {
  /** The 1-based line in the file, when the field (or its nearest parent) is there. */
  line?: number;
}

export interface DocumentResult {
  file: string;
  /** The document's 0-based position in the file; null when the file itself could not be used. */
  document: number | null;
  kind: string | null;
  name: string | null;
  errors: Problem[];
}

interface Checked {
  doc: Document;
  kind?: KindName;
  object?: unknown;
  errors: FieldError[];
}

function check(doc: Document): Checked {
  if (doc.parseErrors.length > 0) return { doc, errors: doc.parseErrors };
  const claimed = kindOf(doc.value);
  if ('error' in claimed) return { doc, errors: [claimed.error] };
  const { errors, object } = schemaErrors(claimed.kind, doc.value);
  if (object && claimed.kind === 'PowerToolConfig') errors.push(...checkConfig((object as PowerToolConfig).spec));
  return { doc, kind: claimed.kind, object, errors };
}

const where = (doc: Document): string => `${doc.file}#${doc.index}`;

function toolName(value: unknown): string | undefined {
  const name = (value as { spec?: { tool?: { name?: unknown } } } | null)?.spec?.tool?.name;
  return typeof name === 'string' ? name : undefined;
}

/** The configs by tool; the first definition wins, and a differing second one in the input is an error. */
function collectConfigs(input: Checked[], extra: Checked[]): Map<string, ToolConfig> {
  const configs = new Map<string, ToolConfig & { checked: Checked }>();
  for (const [list, fromInput] of [
    [input, true],
    [extra, false],
  ] as const) {
    for (const checked of list) {
      const tool = checked.kind === 'PowerToolConfig' ? toolName(checked.doc.value) : undefined;
      if (tool === undefined) continue;
      const config = checked.errors.length === 0 ? (checked.object as PowerToolConfig).spec : undefined;
      const first = configs.get(tool);
      if (!first) configs.set(tool, { tool, where: where(checked.doc), spec: config, checked });
      else if (fromInput && first.checked !== checked && !isDeepStrictEqual(first.spec, config)) {
        checked.errors.push({
          path: 'spec.tool.name',
          message: `Duplicate value: ${quote(tool)}: ${first.where} already defines this tool differently`,
        });
      }
    }
  }
  return configs;
}

function result(checked: Checked): DocumentResult {
  const { doc } = checked;
  const name = (doc.value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return {
    file: doc.file,
    document: doc.index,
    kind: checked.kind ?? null,
    name: typeof name === 'string' ? name : null,
    errors: checked.errors.map((e) => ({ ...e, line: doc.lineOf(e.path) })),
  };
}

function unusable(source: Source): DocumentResult {
  return {
    file: source.file,
    document: null,
    kind: null,
    name: null,
    errors: [{ path: '', message: source.error ?? 'no YAML document in the file' }],
  };
}

/**
 * Validates the input. `configSources` are read only for PowerToolConfigs (their other documents are ignored);
 * `configsLabel` says where they came from, for the error of a PowerTool whose tool has no config.
 */
export function validateSources(inputs: Source[], configSources: Source[] = [], configsLabel?: string): DocumentResult[] {
  const results: (DocumentResult | Checked)[] = [];
  const checked: Checked[] = [];
  for (const source of inputs) {
    const docs = source.text === undefined ? [] : splitDocuments(source.file, source.text);
    if (docs.length === 0) results.push(unusable(source));
    for (const doc of docs) {
      const c = check(doc);
      checked.push(c);
      results.push(c);
    }
  }
  // A --configs folder that cannot be read is a problem of the input too: PowerTools would miss their configs.
  for (const source of configSources) if (source.error !== undefined) results.push(unusable(source));
  const extra = configSources.flatMap((s) => (s.text === undefined ? [] : splitDocuments(s.file, s.text))).map(check);
  const configs = collectConfigs(checked, extra);
  const lookedIn = configsLabel
    ? `the input files or under ${configsLabel}`
    : 'the input files (pass --configs DIR to read configs from a folder)';
  for (const c of checked) {
    if (c.kind === 'PowerTool' && c.object)
      c.errors.push(...toolErrors(c.object as PowerTool, configs.get(toolName(c.object) ?? ''), lookedIn));
    if (c.kind === 'PowerToolSchedule' && c.object) {
      const schedule = c.object as PowerToolSchedule;
      c.errors.push(...scheduleErrors(schedule, configs.get(schedule.spec.template.spec.tool.name), lookedIn));
    }
    if (c.kind === 'PowerToolScenario' && c.object) c.errors.push(...scenarioErrors(c.object as PowerToolScenario, configs, lookedIn));
  }
  return results.map((r) => ('doc' in r ? result(r) : r));
}
