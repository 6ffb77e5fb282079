/**
 * Ctrl-C (SIGINT) or SIGTERM as an AbortSignal, so waits end and the operator still stops cleanly and puts the
 * webhooks back; `dispose` removes the handlers. A second Ctrl-C finds no handler and ends the process as usual.
 */
export function interruption(): { signal: AbortSignal; dispose: () => void } {
  const abort = new AbortController();
  const on = (sig: string) => () => abort.abort(new Error(`interrupted (${sig})`));
  const int = on('SIGINT');
  const term = on('SIGTERM');
  process.once('SIGINT', int);
  process.once('SIGTERM', term);
  return {
    signal: abort.signal,
    dispose: () => {
      process.off('SIGINT', int);
      process.off('SIGTERM', term);
    },
  };
}

/** Resolves when `signal` aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}
