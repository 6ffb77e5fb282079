/**
 * A counting semaphore: at most `limit` holders at once, the rest wait in order. Report builds share one, so two
 * processings that fire together still build at most `limit` reports at a time (each one streams artifacts and
 * may wait on an LLM: memory and the collector both stay within bounds).
 */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }

  /** Holders right now (tests and metrics). */
  get running(): number {
    return this.active;
  }
}
