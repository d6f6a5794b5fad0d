/**
 * Prometheus metrics whose values are read at scrape time from plain fields that the hot path
 * bumps (no prom-client call there): every scrape resets the metric and fills it from `read`, so
 * a series whose labels are gone (a removed backend) disappears too.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

type Labels<L extends string> = Partial<Record<L, string | number>>;
/** One series: its labels and its current value. */
export type Sample<L extends string> = [labels: Labels<L>, value: number];

export interface CallbackMetricConfig<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  registry: Registry;
  /** A number for an unlabelled metric, else one sample per series. */
  read: () => number | Iterable<Sample<L>>;
}

export function counterFrom<L extends string = never>(cfg: CallbackMetricConfig<L>): Counter<L> {
  return new Counter<L>({
    name: cfg.name,
    help: cfg.help,
    labelNames: cfg.labelNames ?? [],
    registers: [cfg.registry],
    collect() {
      this.reset();
      fill(cfg.read(), (labels, v) => this.inc(labels, Math.max(0, v)));
    },
  });
}

export function gaugeFrom<L extends string = never>(cfg: CallbackMetricConfig<L>): Gauge<L> {
  return new Gauge<L>({
    name: cfg.name,
    help: cfg.help,
    labelNames: cfg.labelNames ?? [],
    registers: [cfg.registry],
    collect() {
      this.reset();
      fill(cfg.read(), (labels, v) => this.set(labels, v));
    },
  });
}

function fill<L extends string>(value: number | Iterable<Sample<L>>, put: (labels: Labels<L>, v: number) => void): void {
  if (typeof value === 'number') return put({}, value);
  for (const [labels, v] of value) put(labels, v);
}
