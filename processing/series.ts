/**
 * A time series that stays small: past `2 × maxPoints` points, neighbours are averaged pairwise, halving the
 * resolution. A day of one-per-second samples and a minute of them both end up drawable, in bounded memory.
 */
export interface Point {
  /** Epoch milliseconds. */
  t: number;
  v: number;
}

export class Downsampler {
  private points: Point[] = [];

  constructor(private readonly maxPoints = 1000) {}

  push(t: number, v: number): void {
    this.points.push({ t, v });
    if (this.points.length >= 2 * this.maxPoints) {
      const merged: Point[] = [];
      for (let i = 0; i + 1 < this.points.length; i += 2) {
        const a = this.points[i] as Point;
        const b = this.points[i + 1] as Point;
        merged.push({ t: (a.t + b.t) / 2, v: (a.v + b.v) / 2 });
      }
      this.points = merged;
    }
  }

  get result(): Point[] {
    return this.points;
  }
}

/** Running mean, min and max of the values within one span of time. */
export class Stats {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  add(v: number): void {
    this.count += 1;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  get mean(): number | undefined {
    return this.count > 0 ? this.sum / this.count : undefined;
  }
}
