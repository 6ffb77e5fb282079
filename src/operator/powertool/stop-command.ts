import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import { Writable } from 'node:stream';

/** Shipped in every tool image; it sends SIGTERM to the tool's entrypoint, which saves what it has and exits. */
export const STOP_COMMAND = ['/toe/bin/toe-stop'];

/**
 * Stops one tool early. The API offers no way to kill an ephemeral container (they cannot be removed or
 * restarted), so the operator execs the tool's own stop command in it: the tool traps SIGTERM, undoes its fault,
 * marks its data partial and exits within seconds.
 */
export async function stopTool(kc: KubeConfig, namespace: string, pod: string, container: string, timeoutMs = 10_000): Promise<void> {
  const exec = new Exec(kc);
  let output = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      output = (output + chunk.toString()).slice(-2048);
      cb();
    },
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`toe-stop in ${pod}/${container} did not answer within ${timeoutMs} ms`)), timeoutMs);
    const done = (status: V1Status) => {
      clearTimeout(timer);
      if (status.status === 'Success') resolve();
      else reject(new Error(`toe-stop in ${pod}/${container} failed: ${status.message ?? output.trim()}`));
    };
    exec.exec(namespace, pod, container, STOP_COMMAND, sink, sink, null, false, done).catch((err: unknown) => {
      clearTimeout(timer);
      reject(err instanceof Error ? err : new Error(String(err)));
    });
  });
}
