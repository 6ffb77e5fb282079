import { step, type Progress } from '../cluster/progress.ts';
import { UsageError } from './command.ts';

/** One error printout for the whole CLI: `ERROR: …`, the cause chain, and a hint where one helps. */
export function formatError(err: unknown): string {
  if (err instanceof UsageError) {
    const help = err.command ? `toe ${err.command} -h` : 'toe -h';
    return `error: ${err.message}\nSee '${help}' for usage.\n`;
  }
  const lines = [`ERROR: ${messageOf(err)}`];
  for (let cause = causeOf(err); cause !== undefined; cause = causeOf(cause)) lines.push(`  caused by: ${messageOf(cause)}`);
  const text = lines.join('\n');
  if (/ECONNREFUSED/.test(text))
    lines.push('  hint: is the Kubernetes API server running, and does KUBECONFIG point to it? (`toe cluster status`)');
  if (process.env.TOE_VERBOSE && err instanceof Error && err.stack) lines.push(err.stack);
  return lines.join('\n') + '\n';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function causeOf(err: unknown): unknown {
  return err instanceof Error ? err.cause : undefined;
}

/** A kind-style step line: "• doing x ..." then "✓ doing x (1.2s)" or "✗ doing x". Plain lines off a terminal. */
export class Steps implements Progress {
  constructor(
    private readonly err: NodeJS.WritableStream,
    private readonly quiet = false,
  ) {}

  run<T>(title: string, fn: () => Promise<T>): Promise<T> {
    return step(this, title, fn);
  }

  start(title: string): void {
    if (!this.quiet) this.err.write(` • ${title} ...\n`);
  }

  done(title: string, ms: number): void {
    if (!this.quiet) this.err.write(` ✓ ${title} (${(ms / 1000).toFixed(1)}s)\n`);
  }

  fail(title: string): void {
    this.err.write(` ✗ ${title}\n`);
  }

  info(line: string): void {
    if (!this.quiet) this.err.write(`   ${line}\n`);
  }

  warn(line: string): void {
    this.err.write(` ! ${line}\n`);
  }
}
