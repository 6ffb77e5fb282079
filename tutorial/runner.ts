/**
 * Runs the tutorial: for each step, explain, show the file and the exact commands, wait for Enter, run them for
 * real (kubectl, no shell), and check the outcome against the cluster. A failed check says what went wrong and
 * what to look at; at a terminal the step can be retried, with --yes the tutorial stops there.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checks as clusterChecks, type Check, type CheckContext, type CheckResult, type CommandRun } from './checks.ts';
import { splitCommand, substitute } from './command.ts';
import type { Prompt } from './prompt.ts';
import { commandsOf, type CommandSpec, type Step, type Tutorial } from './steps.ts';

export interface RunnerOptions {
  out: NodeJS.WritableStream;
  prompt: Prompt;
  /** The kubectl binary the commands' "kubectl" means. */
  kubectl: string;
  /** The environment commands run with (KUBECONFIG). */
  env: NodeJS.ProcessEnv;
  /** Commands run here (they name files as tutorial/…). */
  cwd: string;
  /** Unattended: no questions, and a failed step ends the tutorial. */
  yes: boolean;
  signal?: AbortSignal;
  /** The checks steps name; the cluster's own by default. */
  checks?: Record<string, Check>;
  /** How long a step's check may take to come true (default 20 s). */
  checkBudgetMs?: number;
}

export interface TutorialOutcome {
  passed: string[];
  /** The step that failed (and was not retried to success), or undefined. */
  failed?: string;
  quit: boolean;
}

const COMMAND_TIMEOUT_MS = 120_000;
const WAIT_BUDGET_MS = 120_000;
/** A check is given this long to come true: the operator acts a moment after kubectl returns. */
const CHECK_BUDGET_MS = 20_000;

function checkNamed(o: RunnerOptions, name: string): Check {
  const check = (o.checks ?? clusterChecks)[name];
  if (!check) throw new Error(`unknown check "${name}"`);
  return check;
}

function indent(text: string, by: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `${by}${l}`)
    .join('\n');
}

/** Polls a check until it passes or the budget ends; returns the last result. */
async function poll(check: () => Promise<CheckResult>, budgetMs: number, signal?: AbortSignal): Promise<CheckResult> {
  const until = Date.now() + budgetMs;
  let last: CheckResult = { ok: false, message: 'not checked' };
  for (;;) {
    signal?.throwIfAborted();
    last = await check().catch((err: unknown) => ({ ok: false, message: err instanceof Error ? err.message : String(err) }));
    if (last.ok || Date.now() >= until) return last;
    await sleep(1000, undefined, { signal });
  }
}

/** Runs one command, its output indented as it comes; `stop` ends it (for --watch) when it resolves. */
function execute(argv: string[], o: RunnerOptions, stop?: Promise<unknown>): Promise<CommandRun & { stopped: boolean }> {
  return new Promise((resolve, reject) => {
    const [, ...args] = argv;
    const child = spawn(o.kubectl, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let pending = '';
    let stopped = false;
    const write = (d: Buffer): void => {
      output += d.toString();
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) o.out.write(`    ${l}\n`);
    };
    child.stdout.on('data', write);
    child.stderr.on('data', write);
    const timer = setTimeout(() => child.kill('SIGTERM'), COMMAND_TIMEOUT_MS);
    void stop?.then(() => {
      stopped = true;
      child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (pending) o.out.write(`    ${pending}\n`);
      resolve({ line: argv.join(' '), code, output, stopped });
    });
  });
}

async function runCommands(step: Step, ctx: CheckContext, o: RunnerOptions): Promise<CommandRun[]> {
  const runs: CommandRun[] = [];
  const specs = commandsOf(step);
  for (const [i, spec] of specs.entries()) {
    const line = substitute(spec.run, ctx.vars);
    if (spec.waitFor) {
      const ready = await poll(() => checkNamed(o, spec.waitFor as string)(ctx, runs), WAIT_BUDGET_MS, o.signal);
      if (!ready.ok) throw new Error(`gave up waiting before \`${line}\`: ${ready.message}`);
    }
    o.out.write(`  $ ${line}\n`);
    const argv = splitCommand(line);
    if (argv[0] !== 'kubectl') throw new Error(`tutorial commands run kubectl only, not "${argv[0]}"`);
    const stop = spec.until ? untilPasses(spec, ctx, runs, o) : undefined;
    const run = await execute(argv, o, stop?.passed);
    stop?.cancel();
    if (run.stopped) o.out.write('    (stopped by the tutorial: the run has finished)\n');
    else if (run.code !== 0) o.out.write(`    (exit ${run.code}${step.expectFailure && i === specs.length - 1 ? ', as expected' : ''})\n`);
    runs.push(run);
    if (run.code !== 0 && !run.stopped && !(step.expectFailure && i === specs.length - 1)) break;
  }
  return runs;
}

/** For `until`: resolves when the check passes; cancel ends the polling when the command ended by itself. */
function untilPasses(
  spec: CommandSpec,
  ctx: CheckContext,
  runs: CommandRun[],
  o: RunnerOptions,
): { passed: Promise<void>; cancel: () => void } {
  const abort = new AbortController();
  const signal = o.signal ? AbortSignal.any([abort.signal, o.signal]) : abort.signal;
  const check = checkNamed(o, spec.until as string);
  const passed = poll(() => check(ctx, runs), WAIT_BUDGET_MS, signal).then(
    () => undefined,
    () => new Promise<void>(() => undefined),
  );
  return { passed, cancel: () => abort.abort() };
}

async function showStep(step: Step, n: number, total: number, o: RunnerOptions): Promise<void> {
  o.out.write(`\n━━ Step ${n}/${total}: ${step.title}\n\n${indent(step.explain, '  ')}\n`);
  if (step.show) o.out.write(`\n  ${step.show}:\n${indent(await readFile(join(o.cwd, step.show), 'utf8'), '    │ ')}\n`);
  o.out.write(
    `\n  Commands:\n${commandsOf(step)
      .map((c) => `    $ ${c.run}`)
      .join('\n')}\n\n`,
  );
}

export async function runTutorial(t: Tutorial, ctx: CheckContext, o: RunnerOptions): Promise<TutorialOutcome> {
  const passed: string[] = [];
  o.out.write(`${t.title}\n\n${indent(t.intro, '  ')}\n`);
  for (const [i, step] of t.steps.entries()) {
    const label = `Step ${i + 1}/${t.steps.length} (${step.id})`;
    await showStep(step, i + 1, t.steps.length, o);
    for (let attempt = 1; ; attempt += 1) {
      if (!o.yes) {
        const answer = await o.prompt.ask(
          attempt === 1 ? '  Press Enter to run (q to quit) ' : '  Press Enter to retry this step (q to quit) ',
        );
        if (answer === undefined || answer.trim().toLowerCase() === 'q') return { passed, quit: true };
      }
      let result: CheckResult;
      try {
        const runs = await runCommands(step, ctx, o);
        const check = checkNamed(o, step.check);
        result = await poll(() => check(ctx, runs), o.checkBudgetMs ?? CHECK_BUDGET_MS, o.signal);
      } catch (err) {
        if (o.signal?.aborted) throw err;
        result = { ok: false, message: err instanceof Error ? err.message : String(err) };
      }
      if (result.ok) {
        o.out.write(`  ✓ ${label} passed: ${result.message}\n`);
        passed.push(step.id);
        break;
      }
      o.out.write(`  ✗ ${label} failed: ${result.message}\n    ${step.retry}\n`);
      if (o.yes) return { passed, failed: step.id, quit: false };
    }
  }
  o.out.write(`\n${t.title}: all ${t.steps.length} steps passed.\n\n${indent(t.outro, '  ')}\n`);
  return { passed, quit: false };
}
