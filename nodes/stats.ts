/** Server counters for INFO stats / errorstats / commandstats; CONFIG RESETSTAT zeroes them. */
export class ServerStats {
  totalConnections = 0;
  rejectedConnections = 0;
  totalCommands = 0;
  netInput = 0;
  netOutput = 0;
  expiredKeys = 0;
  evictedKeys = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  totalErrorReplies = 0;
  errors = new Map<string, number>();
  /** Ring of (time, commands) samples every cron tick, for instantaneous_ops_per_sec. */
  private samples: [number, number][] = [];

  countError(msg: string): void {
    this.totalErrorReplies++;
    const sp = msg.indexOf(' ');
    const code = sp < 0 ? msg : msg.slice(0, sp);
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  sample(now: number): void {
    this.samples.push([now, this.totalCommands]);
    if (this.samples.length > 16) this.samples.shift();
  }

  opsPerSec(): number {
    if (this.samples.length < 2) return 0;
    const [t0, c0] = this.samples[0];
    const [t1, c1] = this.samples[this.samples.length - 1];
    return t1 > t0 ? Math.round(((c1 - c0) * 1000) / (t1 - t0)) : 0;
  }

  reset(): void {
    Object.assign(this, new ServerStats());
  }
}

/** Per-command counters (INFO commandstats). */
export interface CommandStats {
  calls: number;
  usec: number;
  rejected: number;
  failed: number;
}
