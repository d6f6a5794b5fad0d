/**
 * A Prometheus histogram read at scrape time from per-bucket counts kept elsewhere (e.g. a
 * Float64Array the hot path bumps). prom-client's Histogram only accepts observations one by one,
 * so this is a metric object of our own that the Registry formats like any other: it turns the
 * per-bucket counts into the cumulative `_bucket{le}` series Prometheus expects, plus `_sum` and
 * `_count`.
 */
import type { Metric, Registry } from 'prom-client';

export interface BucketSeries<L extends string> {
  labels: Partial<Record<L, string>>;
  /** Count per bucket, NOT cumulative: [i] = observations ≤ bounds[i] and > bounds[i-1]; the last = above every bound. */
  buckets: ArrayLike<number>;
  sum: number;
}

export interface BucketHistogramConfig<L extends string> {
  name: string;
  help: string;
  /** Upper bounds, ascending; the +Inf bucket is implied. */
  bounds: readonly number[];
  registry: Registry;
  read: () => Iterable<BucketSeries<L>>;
}

interface Value {
  metricName: string;
  labels: Partial<Record<string, string | number>>;
  value: number;
}

export class BucketHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(private readonly cfg: BucketHistogramConfig<L>) {
    this.name = cfg.name;
    this.help = cfg.help;
    // The Registry only needs name/help/type/aggregator and get(); it is typed for its own classes.
    cfg.registry.registerMetric(this as unknown as Metric);
  }

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Value[] }> {
    const values: Value[] = [];
    for (const s of this.cfg.read()) values.push(...this.series(s));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Nothing to reset: the counts belong to whoever keeps them. */
  reset(): void {}

  private series(s: BucketSeries<L>): Value[] {
    const out: Value[] = [];
    const { bounds } = this.cfg;
    let total = 0;
    for (let i = 0; i <= bounds.length; i++) {
      total += s.buckets[i] ?? 0;
      const le = i < bounds.length ? bounds[i]! : '+Inf';
      out.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le }, value: total });
    }
    out.push({ metricName: `${this.name}_sum`, labels: { ...s.labels }, value: s.sum });
    out.push({ metricName: `${this.name}_count`, labels: { ...s.labels }, value: total });
    return out;
  }
}
