import { spawn } from 'node:child_process';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { joinCgroup } from './cgroup.ts';
import type { DaemonRecord } from './state.ts';

/** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot, unique per PID incarnation. */
export async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** True if the recorded process still runs (same PID and same start time, so not a recycled PID). */
export async function isRunning(rec: DaemonRecord | undefined): Promise<boolean> {
  if (!rec) return false;
  const start = await processStartTime(rec.pid);
  if (start !== rec.startTime) return false;
  const stat = await readFile(`/proc/${rec.pid}/stat`, 'utf8').catch(() => '');
  return !/\) Z /.test(stat);
}

/**
 * Starts a long-running component detached from this process (so `toe cluster up` can exit), with its output
 * appended to <logDir>/<name>.log, inside the TOE cgroup so that `down` also finds whatever it forks.
 */
export async function startDaemon(
  name: string,
  command: string[],
  logDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DaemonRecord> {
  await mkdir(logDir, { recursive: true });
  const log = join(logDir, `${name}.log`);
  const fh = await open(log, 'a');
  const [cmd, ...args] = command;
  if (!cmd) throw new Error(`start ${name}: empty command`);
  try {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fh.fd, fh.fd], env });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid as number));
      child.once('error', (err) => reject(new Error(`start ${name}`, { cause: err })));
    });
    child.unref();
    await joinCgroup(pid);
    const startTime = await processStartTime(pid);
    if (startTime === undefined) throw new Error(`start ${name}: exited at once, see ${log}`);
    return { pid, startTime, command, log };
  } finally {
    await fh.close();
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. Never signals a recycled PID. */
export async function stopDaemon(rec: DaemonRecord, graceMs = 5000): Promise<void> {
  if (!(await isRunning(rec))) return;
  process.kill(rec.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await isRunning(rec))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (await isRunning(rec)) process.kill(rec.pid, 'SIGKILL');
  while (await isRunning(rec)) await new Promise((r) => setTimeout(r, 20));
}

/** The last lines of a component's log, for an error message. */
export async function logTail(rec: { log: string }, lines = 15): Promise<string> {
  const text = await readFile(rec.log, 'utf8').catch(() => '');
  return text.trim().split('\n').slice(-lines).join('\n');
}
