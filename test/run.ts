/**
 * The test command (`npm test`): static checks, then unit, integration and end-to-end suites, each on what it needs.
 * Unit tests sit beside the code they test; integration tests get a real kube-apiserver + etcd; end-to-end tests a
 * real node. Each suite runs in node's test runner; the last line sums them up for CI.
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureHostPackages } from './host-packages.ts';

type Phase = 'static' | 'unit' | 'integration' | 'e2e';
const phases: Phase[] = ['static', 'unit', 'integration', 'e2e'];
const root = new URL('..', import.meta.url).pathname;
const totals = { passed: 0, failed: 0, skipped: 0 };

function findTests(dir: string, skip: (path: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (name === 'node_modules' || name.startsWith('.') || skip(p)) continue;
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.test.ts')) out.push(relative(root, p));
    }
  };
  try {
    walk(join(root, dir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return out.sort();
}

function unitFiles(): string[] {
  const clusterSuites = (p: string): boolean => /\/test\/(integration|e2e|bench|harness)(\/|$)/.test(p);
  return ['src', 'processing', 'powertools', 'tutorial', 'test'].flatMap((d) => findTests(d, clusterSuites));
}

/**
 * The e2e suites whose binaries test/prebuild.ts builds last, in the order it builds them: they run after every
 * other suite, so on a cold machine those builds overlap the suites before them instead of delaying the phase.
 */
const LATE_E2E = ['prometheus', 'monitoring-rules', 'chart-render', 'chart'].map((n) => `test/e2e/${n}.test.ts`);

function e2eFiles(): string[] {
  const files = findTests('test/e2e');
  const late = LATE_E2E.filter((f) => files.includes(f));
  return [...files.filter((f) => !late.includes(f)), ...late];
}

/** Runs a command with inherited output and, for test runs, sums node's closing lines ("ℹ pass 3"). */
function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, count = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    // node's spec reporter prints "ℹ pass 3"-style totals, then the failures again: keep the totals as they pass.
    let partial = '';
    const counts: Record<string, number> = {};
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^ℹ (pass|fail|cancelled|skipped|todo) (\d+)$/.exec(line.trimEnd());
        if (m) counts[m[1] as string] = Number(m[2]);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (count) {
        totals.passed += counts.pass ?? 0;
        totals.failed += (counts.fail ?? 0) + (counts.cancelled ?? 0);
        totals.skipped += (counts.skipped ?? 0) + (counts.todo ?? 0);
      }
      resolve(code ?? 1);
    });
  });
}

function runTests(files: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const concurrency = process.env.TOE_TEST_CONCURRENCY ?? '1';
  return exec(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...files],
    env,
    true,
  );
}

async function runPhase(phase: Phase): Promise<number> {
  process.stdout.write(`\n=== ${phase}\n`);
  switch (phase) {
    case 'static': {
      const tsc = await exec('npx', ['tsc', '--noEmit']);
      const lint = await exec('npx', ['eslint', '--max-warnings', '0', '.']);
      const format = await exec('npx', ['prettier', '--check', '--log-level=warn', '.']);
      if (tsc !== 0 || lint !== 0 || format !== 0) totals.failed += 1;
      return tsc || lint || format;
    }
    case 'unit':
      ensureHostPackages(root, (line) => process.stdout.write(`${line}\n`));
      return runTests(unitFiles());
    case 'integration': {
      const files = findTests('test/integration');
      if (files.length === 0) return 0;
      const { startApiserver } = await import('./harness/apiserver.ts');
      const server = await startApiserver();
      try {
        return await runTests(files, { ...process.env, KUBECONFIG: server.kubeconfigPath });
      } finally {
        await server.stop();
      }
    }
    case 'e2e': {
      const files = e2eFiles();
      if (files.length === 0) return 0;
      const { startNode } = await import('./harness/node.ts');
      const node = await startNode();
      try {
        return await runTests(files, { ...process.env, KUBECONFIG: node.kubeconfigPath });
      } finally {
        await node.stop();
      }
    }
  }
}

const wanted = process.argv.slice(2) as Phase[];
const unknown = wanted.filter((p) => !phases.includes(p));
if (unknown.length > 0) {
  process.stderr.write(`error: unknown test phase ${unknown.join(', ')}; phases are ${phases.join(', ')}\n`);
  process.exit(2);
}
const running = wanted.length > 0 ? wanted : phases;
// The cluster phases' Go builds overlap the phases before them (test/prebuild.ts); cache hits when warm.
if (running.includes('integration') || running.includes('e2e')) {
  const prebuild = spawn('nice', ['-n', '19', process.execPath, '--import', 'tsx', join(root, 'test', 'prebuild.ts')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  prebuild.on('error', (err) => process.stderr.write(`prebuild: ${err.message}\n`));
  // Only a phase that failed before needing the builds leaves it running; the next run's buildOnce takes over.
  process.on('exit', () => prebuild.kill());
}
let exitCode = 0;
for (const phase of running) {
  const code = await runPhase(phase).catch((err: unknown) => {
    process.stderr.write(`${phase}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    totals.failed += 1;
    return 1;
  });
  if (code !== 0) exitCode = 1;
}
process.stdout.write(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(exitCode);
