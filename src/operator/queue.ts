/**
 * A keyed work queue in the manner of client-go's workqueue and Pepr's queue: keys, never events; a key is
 * reconciled by one worker at a time; adding a key that is waiting is a no-op, and adding one that is being
 * reconciled runs it once more afterwards. Failures back off per key; a result may ask for a later visit.
 */

/**
 * An error retrying cannot fix (controller-runtime's TerminalError): the failure does not requeue the key, which
 * is visited again only when it is added again, i.e. when its object (or something it watches) changes. The
 * controller records why (condition, Event) where it records failures, before it throws.
 */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
}

export type Outcome = 'success' | 'error' | 'terminal';

export interface ReconcileResult {
  /** Visit again after this many milliseconds, e.g. at the next deadline. */
  requeueAfterMs?: number;
}

export type Reconciler = (key: string) => Promise<ReconcileResult | void>;

export interface QueueHooks {
  onResult?: (key: string, outcome: Outcome, seconds: number, err?: unknown) => void;
  onDepth?: (depth: number) => void;
}

const BASE_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 60_000;

export class WorkQueue {
  private readonly waiting = new Set<string>();
  private readonly active = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly order: string[] = [];
  private running = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly reconcile: Reconciler,
    private readonly concurrency = 4,
    private readonly hooks: QueueHooks = {},
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.active.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    this.order.push(key);
    this.hooks.onDepth?.(this.waiting.size);
    this.pump();
  }

  /** Adds the key after a delay; an earlier pending delay for the same key wins. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    const at = Date.now() + ms;
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        this.add(key);
      },
      Math.max(0, ms),
    );
    timer.unref();
    this.timers.set(key, { at, timer });
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  depth(): number {
    return this.waiting.size;
  }

  /** Resolves when nothing is waiting or running (tests, graceful shutdown). */
  idle(): Promise<void> {
    if (this.waiting.size === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking work and waits for the reconciles in flight. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.waiting.clear();
    this.order.length = 0;
    await this.idle();
  }

  private pump(): void {
    while (this.running < this.concurrency && this.order.length > 0) {
      const key = this.order.shift() as string;
      if (!this.waiting.delete(key)) continue;
      this.running += 1;
      this.active.add(key);
      this.hooks.onDepth?.(this.waiting.size);
      void this.work(key);
    }
    if (this.running === 0 && this.waiting.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  private async work(key: string): Promise<void> {
    const started = performance.now();
    try {
      const result = await this.reconcile(key);
      this.failures.delete(key);
      this.hooks.onResult?.(key, 'success', (performance.now() - started) / 1000);
      if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
    } catch (err) {
      if (err instanceof TerminalError) {
        this.failures.delete(key);
        this.hooks.onResult?.(key, 'terminal', (performance.now() - started) / 1000, err);
        return;
      }
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      this.hooks.onResult?.(key, 'error', (performance.now() - started) / 1000, err);
      this.addAfter(key, Math.min(BASE_BACKOFF_MS * 2 ** (n - 1), MAX_BACKOFF_MS));
    } finally {
      this.active.delete(key);
      this.running -= 1;
      if (this.dirty.delete(key)) this.add(key);
      this.pump();
    }
  }
}
