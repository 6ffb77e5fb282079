/**
 * When an end-to-end test fails, what a reader of the CI log needs to see why, captured before the suite's cleanup
 * deletes it: per namespace the objects, `kubectl describe` of PowerTools and pods, Events in order, and the last
 * lines of every container's log, ephemeral (tool) containers included. The whole dump goes to a folder
 * (TOE_E2E_DUMP_DIR, default /tmp/toe-e2e-dumps); stderr gets each section cut to its last lines.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach } from 'node:test';
import { promisify } from 'node:util';
import { kubernetesDir } from '../../src/cluster/steps/build-kubernetes.ts';
import { layout } from '../../src/cluster/layout.ts';

const run = promisify(execFile);
const SHOWN_LINES = 120;

/** Registers the dump for every test of the calling file; `namespaces` is read when a test fails. */
export function dumpOnFailure(suite: string, namespaces: () => string[]): void {
  afterEach(async (t) => {
    if (!('passed' in t) || t.passed) return;
    await dumpCluster(`${basename(suite)}: ${t.name}`, [...new Set([...namespaces(), 'toe-system'])]).catch((err: unknown) =>
      process.stderr.write(`e2e failure dump itself failed: ${String(err)}\n`),
    );
  });
}

async function dumpCluster(title: string, namespaces: string[]): Promise<void> {
  const dir = join(
    process.env.TOE_E2E_DUMP_DIR ?? '/tmp/toe-e2e-dumps',
    `${Date.now()}-${title.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80)}`,
  );
  mkdirSync(dir, { recursive: true });
  const out: string[] = [`\n===== e2e failure: ${title} (full dump: ${dir})`];
  for (const ns of namespaces) {
    const sections: [string, string[]][] = [
      ['objects', ['get', 'powertools,powertoolprocessings,powertoolconfigs,deployments,pods,services,ingresses', '-o', 'wide', '-n', ns]],
      ['powertools', ['describe', 'powertools', '-n', ns]],
      ['pods', ['describe', 'pods', '-n', ns]],
      ['events', ['get', 'events', '-n', ns, '--sort-by=.lastTimestamp']],
    ];
    for (const [name, args] of sections) out.push(section(dir, `${ns}.${name}`, await kubectl(args)));
    for (const [pod, containers] of await containersOf(ns)) {
      for (const c of containers)
        out.push(section(dir, `${ns}.${pod}.${c}.log`, await kubectl(['logs', pod, '-c', c, '-n', ns, '--tail=400'])));
    }
  }
  process.stderr.write(`${out.join('\n')}\n===== end of e2e failure dump\n`);
}

/** Every container of every pod in the namespace, by name: init, app and ephemeral (where tools run). */
async function containersOf(ns: string): Promise<[string, string[]][]> {
  const template =
    '{{range .items}}{{.metadata.name}}{{range .spec.initContainers}} {{.name}}{{end}}{{range .spec.containers}} {{.name}}{{end}}{{range .spec.ephemeralContainers}} {{.name}}{{end}}{{"\\n"}}{{end}}';
  const text = await kubectl(['get', 'pods', '-n', ns, '-o', `go-template=${template}`]);
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((words): words is [string, ...string[]] => words.length > 1 && !words[0]?.startsWith('('))
    .map(([pod, ...containers]) => [pod, containers]);
}

function section(dir: string, name: string, text: string): string {
  writeFileSync(join(dir, name.replace(/[^A-Za-z0-9._-]+/g, '_')), text);
  const lines = text.trimEnd().split('\n');
  const shown =
    lines.length > SHOWN_LINES ? [`… ${lines.length - SHOWN_LINES} earlier lines in the dump folder`, ...lines.slice(-SHOWN_LINES)] : lines;
  return `--- ${name}\n${shown.join('\n')}`;
}

/** kubectl's output, or what went wrong running it: a dump never throws over one missing piece. */
async function kubectl(args: string[]): Promise<string> {
  const bin = join(kubernetesDir(layout().cacheDir), 'bin/kubectl');
  try {
    const { stdout, stderr } = await run(bin, args, { maxBuffer: 64 * 1024 * 1024, timeout: 20_000 });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return `(kubectl ${args.join(' ')} failed: ${e.stderr?.trim() || e.message})\n${e.stdout ?? ''}`;
  }
}
