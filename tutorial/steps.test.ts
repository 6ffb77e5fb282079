/**
 * tutorial/steps.yaml holds together: it parses, every check it names exists, every command is kubectl and splits,
 * every file it shows or applies exists, and the tutorial's PowerTools say what the steps claim of them to
 * `toe validate` (the hostile one is refused, one line per argument).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checks } from './checks.ts';
import { splitCommand } from './command.ts';
import { commandsOf, loadTutorial, parseTutorial } from './steps.ts';

const root = new URL('..', import.meta.url).pathname;
const validate = (file: string) =>
  spawnSync(process.execPath, ['bin/toe.js', 'validate', '-f', file, '--configs', 'powertools'], { cwd: root, encoding: 'utf8' });

describe('tutorial/steps.yaml', async () => {
  const tutorial = await loadTutorial(Object.keys(checks));

  it('has a handful of short steps, each with its own id', () => {
    assert.ok(tutorial.steps.length >= 5 && tutorial.steps.length <= 8, `${tutorial.steps.length} steps`);
    assert.equal(new Set(tutorial.steps.map((s) => s.id)).size, tutorial.steps.length);
  });

  it('runs only kubectl, on files that exist', () => {
    for (const step of tutorial.steps) {
      if (step.show) assert.ok(existsSync(join(root, step.show)), `${step.id}: ${step.show}`);
      for (const c of commandsOf(step)) {
        const argv = splitCommand(c.run);
        assert.equal(argv[0], 'kubectl', `${step.id}: ${c.run}`);
        argv.forEach((w, i) => {
          if (argv[i - 1] === '-f') assert.ok(existsSync(join(root, w)), `${step.id}: ${w}`);
        });
      }
    }
  });

  it('ends by deleting every PowerTool it applied', () => {
    const applied = tutorial.steps.flatMap((s) =>
      commandsOf(s)
        .filter((c) => c.run.startsWith('kubectl apply'))
        .map((c) => splitCommand(c.run)[3]),
    );
    const last = commandsOf(tutorial.steps.at(-1) as (typeof tutorial.steps)[number])
      .map((c) => c.run)
      .join(' ');
    assert.match(last, /^kubectl delete/);
    for (const f of applied) assert.ok(last.includes(`-f ${f}`), `${f} is not cleaned up`);
  });

  it('names the checks it uses, and refuses a step with an unknown one', () => {
    const text =
      'title: t\nintro: i\noutro: o\nsteps:\n  - { id: a, title: A, explain: x, commands: [kubectl version], check: nosuch, retry: r }\n';
    assert.throws(
      () => parseTutorial(text, Object.keys(checks), 'x.yaml'),
      /x\.yaml is invalid:\n\* steps\[0\] \(a\): unknown check "nosuch"/,
    );
    assert.throws(() => parseTutorial('title: t\nsteps: []\n', [], 'y.yaml'), /y\.yaml is invalid:\n\* intro/);
  });

  it('applies PowerTools that pass toe validate', () => {
    for (const f of ['tutorial/hello-powertool.yaml', 'tutorial/dry-run-powertool.yaml']) {
      const r = validate(f);
      assert.equal(r.status, 0, `${f}: ${r.stdout}${r.stderr}`);
    }
  });

  it('shows a hostile PowerTool that the allowlist refuses argument by argument', () => {
    const r = validate('tutorial/hostile-powertool.yaml');
    assert.equal(r.status, 1);
    assert.match(r.stdout, /spec\.tool\.args\[0\]: .*is not an integer for --freq/);
    assert.match(r.stdout, /spec\.tool\.args\[1\]: .*is not an allowed value for --call-graph/);
    assert.match(r.stdout, /spec\.tool\.args\[2\]: .*unknown flag --output/);
  });
});
