/**
 * Plain counters the hot path bumps (no label lookups, no allocation); the admin endpoint turns them
 * into Prometheus metrics at scrape time (proxy/metrics.ts).
 */

/** Upper bounds (seconds) of the latency histogram buckets. */
export const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

export class CommandStats {
  calls = 0;
  errors = 0;
  /** Cumulative-free bucket counts (index i: latency ≤ LATENCY_BUCKETS[i]; last: +Inf). */
  readonly buckets = new Float64Array(LATENCY_BUCKETS.length + 1);
  sumSeconds = 0;

  observe(seconds: number): void {
    this.sumSeconds += seconds;
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]) i++;
    this.buckets[i]++;
  }
}

export interface BackendState {
  addr: string;
  connected: boolean;
  /** Requests written, not yet answered. */
  inflight: number;
  /** Shared (multiplexed) and private (blocking, transactions, pub/sub) connections open. */
  sharedConns: number;
  privateConns: number;
  failures: number;
}

export class ProxyStats {
  /** By lower-case command name (names come from the command table, so cardinality is bounded). */
  readonly commands = new Map<string, CommandStats>();
  sessionsOpen = 0;
  sessionsTotal = 0;
  sessionsRejected = 0;
  bytesIn = 0;
  bytesOut = 0;
  redirectsMoved = 0;
  redirectsAsk = 0;
  tryAgain = 0;
  backendErrors = 0;
  slotsEpoch = 0;
  /** Filled by the backend pool on demand. */
  backends: () => BackendState[] = () => [];

  command(name: string): CommandStats {
    let s = this.commands.get(name);
    if (!s) {
      s = new CommandStats();
      this.commands.set(name, s);
    }
    return s;
  }
}
