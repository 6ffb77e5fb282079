/**
 * Runs tool entrypoints on this host the way a pod runs them, with real namespaces and cgroups and no Kubernetes:
 * the target is PID 1 of a new PID namespace, the tool joins that namespace from its own mount namespace with
 * PATH limited to busybox plus the binaries its image.yaml lists. See sandbox.sh for the mechanics.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const repo = new URL('../..', import.meta.url).pathname;
const sandboxScript = join(repo, 'test/tools/sandbox.sh');
const BUSYBOX = '/bin/busybox';

export interface ToolResult {
  tool: string;
  partial: boolean;
  exitReason: string;
  bytes: number;
  artifacts: { name: string; bytes: number; partial: boolean }[];
  effect: Record<string, unknown>;
  message: string;
}

/** Host binaries an image recipe copies (the `binaries` of powertools/<tool>/image.yaml). */
export function imageBinaries(tool: string): string[] {
  if (!existsSync(join(repo, 'powertools', tool, 'image.yaml'))) return ['/usr/bin/curl'];
  const spec = parse(readFileSync(join(repo, 'powertools', tool, 'image.yaml'), 'utf8')) as { binaries?: string[] };
  return spec.binaries ?? [];
}

/** The capabilities the tool's PowerToolConfig adds (all others are dropped), as setpriv names them. */
export function configCapabilities(tool: string): string[] {
  if (!existsSync(join(repo, 'powertools', tool, 'config.yaml'))) return [];
  const config = parse(readFileSync(join(repo, 'powertools', tool, 'config.yaml'), 'utf8')) as {
    spec: { securityContext?: { capabilities?: { add?: string[] } } };
  };
  return (config.spec.securityContext?.capabilities?.add ?? []).map((c) => c.toLowerCase());
}

/** Why the tool's tests cannot run here, or undefined when they can. */
export function cannotRun(tool: string, extra: string[] = []): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (namespaces, cgroups, mounts)';
  const needed = [BUSYBOX, '/usr/bin/unshare', '/usr/bin/nsenter', '/usr/bin/setpriv', ...imageBinaries(tool), ...extra];
  const missing = needed.filter((p) => !existsSync(p));
  if (missing.length > 0) return `missing ${missing.join(', ')} (install the packages in powertools/host-packages.txt)`;
  return undefined;
}

/** A temporary folder with busybox applets and the image's binaries: the PATH the tool sees in its image. */
export function makeBinDir(tool: string, without: readonly string[] = [], shell?: string): string {
  const dir = mkdtempSync(join(tmpdir(), `toe-bin-${tool}-`));
  const applets = spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const applet of applets) if (!without.includes(applet)) symlinkSync(BUSYBOX, join(dir, applet));
  if (shell) {
    rmSync(join(dir, 'sh'));
    symlinkSync(shell, join(dir, 'sh'));
  }
  for (const bin of imageBinaries(tool)) {
    const name = bin.split('/').pop() as string;
    rmSync(join(dir, name), { force: true });
    symlinkSync(bin, join(dir, name));
  }
  return dir;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function until<T>(what: string, probe: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A process that is PID 1 of its own PID namespace, like a container's main process. */
export class Target {
  private constructor(
    private readonly child: ChildProcess,
    readonly hostPid: number,
  ) {}

  /** Started once the namespace's init has exec'd CMD, and its comm is `readyComm` when given. */
  static async start(cmd: string[], cgroupProcs: string[] = [], readyComm?: string, network: 'own' | 'host' = 'own'): Promise<Target> {
    const child = spawn(sandboxScript, ['target', network, ...cgroupProcs, '--', ...cmd], { stdio: 'ignore' });
    const unsharePid = child.pid as number;
    // unshare forks the namespace's init; wait until that child has exec'd CMD.
    const hostPid = await until('the target to start', () => {
      if (readFileSync(`/proc/${unsharePid}/comm`, 'utf8').trim() !== 'unshare') return undefined;
      const kid = childrenOf(unsharePid)[0];
      if (kid === undefined) return undefined;
      const argv0 = readFileSync(`/proc/${kid}/cmdline`, 'utf8').split('\0')[0];
      if (argv0 === '/bin/busybox') return undefined;
      return readyComm === undefined || readFileSync(`/proc/${kid}/comm`, 'utf8').trim() === readyComm ? kid : undefined;
    });
    return new Target(child, hostPid);
  }

  alive(): boolean {
    return existsSync(`/proc/${this.hostPid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${this.hostPid}/status`, 'utf8'));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const done = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await done;
  }
}

export interface RunOptions {
  target: Target;
  args?: string[];
  env?: Record<string, string>;
  cgroupProcs?: string[];
  /** Send this signal to the entrypoint after `afterMs`. */
  signal?: { name: NodeJS.Signals; afterMs: number };
  /** Run /toe/bin/toe-stop (powertools/lib/toe-stop) in the tool's namespaces after this many ms. */
  toeStopAfterMs?: number;
  timeoutMs?: number;
  /**
   * Busybox applets to leave out of the PATH, with another shell (busybox ash runs its own applets whatever PATH
   * says): how a tool's fallback for a missing command is taken, and how the scripts are checked under dash.
   */
  withoutApplets?: string[];
  shell?: string;
  /** An entrypoint other than powertools/<tool>/entrypoint.sh (a test fixture). */
  entrypoint?: string;
  /** Run the image's /toe/bin/entrypoint chrooted in this folder (see image-rootfs.ts). */
  rootfs?: string;
  /** Capabilities instead of those of the tool's config.yaml (lower case, without cap_). */
  capabilities?: string[];
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
  result: ToolResult | undefined;
  terminationLog: string;
  toeStop?: { code: number | null; stdout: string };
}

/** Runs powertools/<tool>/entrypoint.sh against the target and collects what a kubelet would. */
export async function runTool(tool: string, opts: RunOptions): Promise<Run> {
  const bin = makeBinDir(tool, opts.withoutApplets, opts.shell);
  const work = mkdtempSync(join(tmpdir(), `toe-run-${tool}-`));
  const termlog = join(work, 'termination-log');
  writeFileSync(termlog, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TOE_TOOL: tool,
    TOE_RUN_ID: 'run-1',
    TOE_POD: 'pod-1',
    ...opts.env,
  };
  if (opts.rootfs) env.SANDBOX_ROOTFS = opts.rootfs;
  const entry = opts.entrypoint ?? join(repo, 'powertools', tool, 'entrypoint.sh');
  const caps = opts.capabilities ?? configCapabilities(tool);
  const child = spawn(
    sandboxScript,
    [
      'tool',
      String(opts.target.hostPid),
      bin,
      termlog,
      caps.join(',') || '-',
      ...(opts.cgroupProcs ?? []),
      '--',
      entry,
      ...(opts.args ?? []),
    ],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const entrypointPid = (): number | undefined => {
    const comm = readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim();
    return comm === 'nsenter' ? childrenOf(child.pid as number)[0] : undefined;
  };
  const timers: NodeJS.Timeout[] = [];
  let toeStop: Run['toeStop'];
  let toeStopDone: Promise<void> = Promise.resolve();
  if (opts.signal) {
    const { name, afterMs } = opts.signal;
    timers.push(
      setTimeout(() => {
        const pid = entrypointPid();
        if (pid) process.kill(pid, name);
      }, afterMs),
    );
  }
  if (opts.toeStopAfterMs !== undefined) {
    toeStopDone = new Promise((resolve) => {
      timers.push(
        setTimeout(() => {
          const pid = entrypointPid();
          if (!pid) return resolve();
          const stop = spawn(sandboxScript, ['exec', String(pid), bin, '--', join(repo, 'powertools/lib/toe-stop')], {
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let out = '';
          stop.stdout.on('data', (c: Buffer) => (out += c.toString()));
          stop.on('close', (code) => {
            toeStop = { code, stdout: out };
            resolve();
          });
        }, opts.toeStopAfterMs),
      );
    });
  }
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const code = await exited;
  await toeStopDone;
  clearTimeout(killer);
  for (const t of timers) clearTimeout(t);
  const lines = stdout.split('\n').filter((l) => l !== '');
  const last = lines[lines.length - 1] ?? '';
  const result = last.startsWith('TOE-RESULT ') ? (JSON.parse(last.slice('TOE-RESULT '.length)) as ToolResult) : undefined;
  const terminationLog = readFileSync(termlog, 'utf8');
  rmSync(bin, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
  return { code, stdout, stderr, lines, result, terminationLog, toeStop };
}
