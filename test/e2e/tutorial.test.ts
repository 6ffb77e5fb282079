/**
 * The "Hello PowerTool" tutorial as a test, on the real node the harness gives (KUBECONFIG): once unattended
 * (--yes), and once through a real pseudo-terminal (tmux), answering each "Press Enter" as a person would. Each
 * time, every step's check against the cluster must pass and the tutorial must leave none of its PowerTools.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GROUP, VERSION } from '../../src/api/index.ts';
import { checks, TUTORIAL_POWERTOOLS } from '../../tutorial/checks.ts';
import { loadTutorial } from '../../tutorial/steps.ts';
import { testClients } from '../integration/kube.ts';
import { dumpOnFailure } from './diagnose.ts';

dumpOnFailure(import.meta.filename, () => ['demo']);

const root = new URL('../..', import.meta.url).pathname;
const clients = testClients();
const tutorial = await loadTutorial(Object.keys(checks));
const total = tutorial.steps.length;

/** Every step's check passed, in order, and the tutorial said it completed. */
function assertAllPassed(transcript: string): void {
  tutorial.steps.forEach((s, i) =>
    assert.match(
      transcript,
      new RegExp(`✓ Step ${i + 1}/${total} \\(${s.id}\\) passed: `),
      `step ${i + 1} (${s.id}) did not pass\n${transcript}`,
    ),
  );
  assert.doesNotMatch(transcript, /✗ Step/, transcript);
  assert.match(transcript, new RegExp(`Hello PowerTool: all ${total} steps passed\\.`));
}

async function noTutorialPowerTools(): Promise<void> {
  for (const name of TUTORIAL_POWERTOOLS) {
    await assert.rejects(
      clients.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: 'demo', plural: 'powertools', name }),
      (err: { code?: number }) => err.code === 404,
      `${name} is left behind`,
    );
  }
}

describe('toe tutorial', () => {
  it('goes through every step unattended (--yes), each checked against the cluster', async () => {
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [join(root, 'bin/toe.js'), 'tutorial', '--yes'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const timer = setTimeout(() => child.kill('SIGTERM'), 15 * 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out, err });
      });
    });
    assert.equal(r.code, 0, `${r.out}\n--- stderr\n${r.err}`);
    assertAllPassed(r.out);
    assert.match(r.out, /The PowerTool "hello-hostile" is invalid/, 'admission refused the hostile arguments at apply');
    assert.match(r.out, /hottest function in its perf\.script: toe_demo_hot_loop/);
    await noTutorialPowerTools();
  });

  it('refuses to wait for Enter when stdin is not a terminal', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin/toe.js'), 'tutorial'], { cwd: root, encoding: 'utf8', input: '' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /stdin is not a terminal: run it with --yes/);
  });

  describe('through a real terminal (tmux)', () => {
    const haveTmux = spawnSync('tmux', ['-V']).status === 0;
    const socket = `toe-tutorial-${process.pid}`;
    const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    after(() => {
      if (haveTmux) tmux('kill-server');
    });

    it(
      'waits for Enter at each step and passes every check',
      { skip: haveTmux ? false : 'tmux is not installed (npm test installs it: test/host-packages.txt)' },
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'toe-tutorial-tty-'));
        const conf = join(dir, 'tmux.conf');
        const exit = join(dir, 'exit');
        // The pane outlives the command, so its last lines can still be read once the exit code is written.
        writeFileSync(conf, 'set -g history-limit 100000\nset -g remain-on-exit on\n');
        const command = `cd ${root} && node bin/toe.js tutorial; echo $? > ${exit}`;
        const started = tmux(
          '-f',
          conf,
          'new-session',
          '-d',
          '-s',
          'tutorial',
          '-x',
          '200',
          '-y',
          '50',
          '-e',
          `KUBECONFIG=${process.env.KUBECONFIG}`,
          command,
        );
        assert.equal(started.status, 0, started.stderr);
        const history = (): string => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'tutorial').stdout;

        let answered = 0;
        let screen = '';
        const until = Date.now() + 15 * 60_000;
        while (!existsSync(exit) && Date.now() < until) {
          screen = history() || screen;
          const prompts = screen.match(/Press Enter to (run|retry this step) \(q to quit\)/g) ?? [];
          if (prompts.length > answered) {
            assert.ok(!/retry this step/.test(prompts.at(-1) ?? ''), `a step failed at the terminal:\n${screen}`);
            tmux('send-keys', '-t', 'tutorial', 'Enter');
            answered += 1;
          }
          await sleep(500);
        }
        assert.ok(existsSync(exit), `the tutorial did not end within its budget:\n${screen}`);
        screen = history();
        assert.equal(readFileSync(exit, 'utf8').trim(), '0', screen);
        assert.equal(answered, total, `answered ${answered} prompts for ${total} steps:\n${screen}`);
        assertAllPassed(screen);
        await noTutorialPowerTools();
      },
    );
  });
});
