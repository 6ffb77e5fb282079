/** tutorial/steps.yaml: the tutorial as data, checked on load so a typo in a step fails loudly, naming the field. */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';

const commandItem = z.union([
  z.string().min(1),
  z.strictObject({
    run: z.string().min(1),
    /** A check to pass before the command runs (the operator needs a moment to write status). */
    waitFor: z.string().optional(),
    /** The command runs until this check passes, then is stopped (for --watch). */
    until: z.string().optional(),
  }),
]);

export const stepSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a lower-case id'),
  title: z.string().min(1),
  explain: z.string().min(1),
  /** A file (relative to the repository) printed before the commands. */
  show: z.string().optional(),
  commands: z.array(commandItem).min(1),
  /** The last command is meant to fail (a refusal is the lesson). */
  expectFailure: z.boolean().default(false),
  check: z.string(),
  /** What to look at when the check fails, before retrying. */
  retry: z.string().min(1),
});

export const tutorialSchema = z.strictObject({
  title: z.string(),
  intro: z.string(),
  steps: z.array(stepSchema).min(1),
  outro: z.string(),
});

export type Step = z.output<typeof stepSchema>;
export type Tutorial = z.output<typeof tutorialSchema>;
export interface CommandSpec {
  run: string;
  waitFor?: string;
  until?: string;
}

export const STEPS_FILE = new URL('./steps.yaml', import.meta.url).pathname;

export function commandsOf(step: Step): CommandSpec[] {
  return step.commands.map((c) => (typeof c === 'string' ? { run: c } : c));
}

/** Parses and checks the tutorial; every check a step names must be one of `checks`. */
export function parseTutorial(text: string, checks: readonly string[], source = STEPS_FILE): Tutorial {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`${source} is not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const result = tutorialSchema.safeParse(doc);
  if (!result.success) {
    throw new Error(
      `${source} is invalid:\n${result.error.issues.map((i) => `* ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`,
    );
  }
  const problems: string[] = [];
  result.data.steps.forEach((s, i) => {
    const named = [s.check, ...commandsOf(s).flatMap((c) => [c.waitFor, c.until])].filter((n): n is string => n !== undefined);
    for (const n of named)
      if (!checks.includes(n)) problems.push(`* steps[${i}] (${s.id}): unknown check "${n}"; known: ${checks.join(', ')}`);
  });
  if (problems.length > 0) throw new Error(`${source} is invalid:\n${problems.join('\n')}`);
  return result.data;
}

export async function loadTutorial(checks: readonly string[], file = STEPS_FILE): Promise<Tutorial> {
  return parseTutorial(await readFile(file, 'utf8'), checks, file);
}
