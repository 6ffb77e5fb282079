import { spawn } from 'node:child_process';

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Kill the command after this many milliseconds. */
  timeoutMs?: number;
}

/** A failed command, carrying its output so the one error printout shows why (kind prints a failed command's output). */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly code: number | null,
    readonly output: string,
  ) {
    super(`${command} exited with ${code ?? 'a signal'}${output.trim() ? `:\n${tail(output)}` : ''}`);
    this.name = 'CommandError';
  }
}

function tail(text: string, lines = 20): string {
  return text
    .trim()
    .split('\n')
    .slice(-lines)
    .map((l) => `    ${l}`)
    .join('\n');
}

/** Runs a command to completion and returns its stdout; stderr joins the error text on failure. */
export function exec(cmd: string, args: string[], opts: ExecOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new Error(`run ${cmd}`, { cause: e })));
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new CommandError([cmd, ...args].join(' ').slice(0, 200), code, `${out}\n${err}`));
    });
    if (child.stdin) {
      // A command may exit without reading its input; that is its answer, not a crash of ours.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input);
    }
  });
}

/** Like exec, but a non-zero exit is an answer, not an error. */
export async function succeeds(cmd: string, args: string[], opts: ExecOptions = {}): Promise<boolean> {
  try {
    await exec(cmd, args, opts);
    return true;
  } catch (err) {
    if (err instanceof CommandError) return false;
    throw err;
  }
}
