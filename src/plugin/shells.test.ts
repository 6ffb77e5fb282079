/**
 * The completion scripts in the real shells: each sources what `kubectl-toe completion SHELL` prints and completes
 * through the real kubectl-toe on PATH (no cluster: names are left out, verbs and flag values still come).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = new URL('../../bin/', import.meta.url).pathname;
let dir = '';
let env: NodeJS.ProcessEnv = {};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubectl-toe-'));
  symlinkSync(join(bin, 'kubectl-toe.js'), join(dir, 'kubectl-toe'));
  env = { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}`, KUBECONFIG: join(dir, 'no-such-kubeconfig') };
});
after(() => rmSync(dir, { recursive: true, force: true }));

const shell = async (program: string, script: string): Promise<string[]> =>
  (await run(program, ['-c', script], { env, timeout: 60_000 })).stdout.split('\n').filter(Boolean);

describe('kubectl-toe completion in real shells', () => {
  it('bash: verbs, and the values of --output-mode', async () => {
    const complete = (words: string, cword: number) =>
      shell(
        'bash',
        `source <(kubectl-toe completion bash); COMP_WORDS=(${words}); COMP_CWORD=${cword}; _kubectl_toe; printf '%s\\n' "\${COMPREPLY[@]}"`,
      );
    assert.deepEqual(await complete('kubectl-toe de', 1), ['describe']);
    assert.deepEqual(await complete('kubectl-toe run perf --output-mode ""', 4), ['logs', 'pvc', 'collector']);
    assert.equal(
      (await shell('bash', 'source <(kubectl-toe completion bash); complete -p kubectl-toe'))[0],
      'complete -o default -F _kubectl_toe kubectl-toe',
    );
  });

  it('zsh: the script parses and its function hands the candidates to compadd', async () => {
    await run('zsh', ['-n', '-c', (await run(join(dir, 'kubectl-toe'), ['completion', 'zsh'], { env })).stdout], { env });
    // compadd and compdef exist only under compinit in a terminal; here they print what they are given.
    const out = await shell(
      'zsh',
      `compdef() { :; }; compadd() { shift; print -l -- "$@"; }; source <(kubectl-toe completion zsh); words=(kubectl-toe completion ''); CURRENT=3; _kubectl_toe`,
    );
    assert.deepEqual(out, ['bash', 'zsh', 'fish']);
  });

  it("fish: complete -C gives the verbs and a verb's flags", async () => {
    const complete = (line: string) => shell('fish', `kubectl-toe completion fish | source; complete -C '${line}'`);
    assert.deepEqual(await complete('kubectl-toe st'), ['stop']);
    // fish sorts what it is given.
    assert.deepEqual(await complete('kubectl-toe completion '), ['bash', 'fish', 'zsh']);
    assert.ok((await complete('kubectl-toe logs --')).includes('--tail'));
  });
});
