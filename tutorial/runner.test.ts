/**
 * The runner's control flow with real processes standing in for kubectl (sleep, false, echo) and checks that
 * count: Enter, retry after a failed check, quit, a watch stopped when its check passes, an expected failure.
 * What the checks see of a cluster is tested end to end in test/e2e/tutorial.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Check, CheckContext } from './checks.ts';
import type { Prompt } from './prompt.ts';
import { runTutorial, type RunnerOptions } from './runner.ts';
import type { Tutorial } from './steps.ts';

function sink(): Writable & { text: () => string } {
  let text = '';
  const w = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return Object.assign(w, { text: () => text });
}

/** Answers each question in turn; undefined = the input ended. */
function scripted(answers: (string | undefined)[]): Prompt & { asked: string[] } {
  const asked: string[] = [];
  return { asked, ask: (q) => (asked.push(q), Promise.resolve(answers.shift())), close: () => undefined };
}

const ctx = { vars: {} } as unknown as CheckContext;
const step = (
  id: string,
  commands: Tutorial['steps'][number]['commands'],
  check: string,
  expectFailure = false,
): Tutorial['steps'][number] => ({ id, title: id, explain: 'x', commands, check, retry: `retry ${id}`, expectFailure });
const tutorial = (...steps: Tutorial['steps']): Tutorial => ({ title: 'T', intro: 'i', outro: 'o', steps });
const options = (o: Partial<RunnerOptions> & Pick<RunnerOptions, 'kubectl' | 'checks'>): RunnerOptions & { out: ReturnType<typeof sink> } =>
  ({ out: sink(), prompt: scripted([]), env: process.env, cwd: '/', yes: true, checkBudgetMs: 0, ...o }) as RunnerOptions & {
    out: ReturnType<typeof sink>;
  };
const ok: Check = async () => ({ ok: true, message: 'fine' });

describe('tutorial runner', () => {
  it('runs each command for real and passes a step when its check does', async () => {
    const o = options({ kubectl: '/bin/echo', checks: { ok } });
    const outcome = await runTutorial(tutorial(step('a', ['kubectl hello world'], 'ok')), ctx, o);
    assert.deepEqual(outcome, { passed: ['a'], quit: false });
    assert.match(o.out.text(), /\$ kubectl hello world\n {4}hello world\n {2}✓ Step 1\/1 \(a\) passed: fine/);
  });

  it('waits for Enter, and after a failed check says why and retries the step', async () => {
    let calls = 0;
    const flaky: Check = async (_c, runs) =>
      ++calls === 1 ? { ok: false, message: `not yet (${runs.length} run)` } : { ok: true, message: 'now' };
    const prompt = scripted(['', '']);
    const o = options({ kubectl: '/bin/echo', checks: { flaky }, yes: false, prompt });
    const outcome = await runTutorial(tutorial(step('a', ['kubectl x'], 'flaky')), ctx, o);
    assert.deepEqual(outcome.passed, ['a']);
    assert.deepEqual(prompt.asked, ['  Press Enter to run (q to quit) ', '  Press Enter to retry this step (q to quit) ']);
    assert.match(o.out.text(), /✗ Step 1\/1 \(a\) failed: not yet \(1 run\)\n {4}retry a\n/);
  });

  it('stops at the first failed step with --yes', async () => {
    const no: Check = async () => ({ ok: false, message: 'broken' });
    const outcome = await runTutorial(
      tutorial(step('a', ['kubectl x'], 'no'), step('b', ['kubectl y'], 'ok')),
      ctx,
      options({ kubectl: '/bin/echo', checks: { no, ok } }),
    );
    assert.deepEqual(outcome, { passed: [], failed: 'a', quit: false });
  });

  it('quits on q or at the end of input', async () => {
    for (const answer of ['q', undefined]) {
      const outcome = await runTutorial(
        tutorial(step('a', ['kubectl x'], 'ok')),
        ctx,
        options({ kubectl: '/bin/echo', checks: { ok }, yes: false, prompt: scripted([answer]) }),
      );
      assert.deepEqual(outcome, { passed: [], quit: true });
    }
  });

  it('stops a long-running command once its until-check passes', async () => {
    const startedAt = Date.now();
    const soon: Check = async () => ({ ok: Date.now() - startedAt > 1500, message: 'later' });
    const o = options({ kubectl: '/bin/sleep', checks: { soon, ok } });
    const outcome = await runTutorial(tutorial(step('w', [{ run: 'kubectl 60', until: 'soon' }], 'ok')), ctx, o);
    assert.deepEqual(outcome.passed, ['w']);
    assert.ok(Date.now() - startedAt < 20_000, 'sleep 60 was not stopped');
    assert.match(o.out.text(), /\(stopped by the tutorial: the run has finished\)/);
  });

  it('lets the last command fail when the step expects it, and hands its exit code to the check', async () => {
    const failedAsExpected: Check = async (_c, runs) => ({ ok: runs.at(-1)?.code === 1, message: 'refused' });
    const o = options({ kubectl: '/bin/false', checks: { failedAsExpected } });
    const outcome = await runTutorial(tutorial(step('r', ['kubectl apply'], 'failedAsExpected', true)), ctx, o);
    assert.deepEqual(outcome.passed, ['r']);
    assert.match(o.out.text(), /\(exit 1, as expected\)/);
  });

  it('does not go on after a command fails unexpectedly', async () => {
    const seen: number[] = [];
    const count: Check = async (_c, runs) => (seen.push(runs.length), { ok: false, message: 'x' });
    await runTutorial(
      tutorial(step('f', ['kubectl one', 'kubectl two'], 'count')),
      ctx,
      options({ kubectl: '/bin/false', checks: { count } }),
    );
    assert.deepEqual(seen, [1]);
  });
});
