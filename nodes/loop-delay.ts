/**
 * Event-loop stalls as the node sees them (perf_hooks.monitorEventLoopDelay): a timer ticks every
 * RESOLUTION_MS and the histogram records the gaps between ticks, so a gap beyond the resolution
 * is time nothing else could run — the number issue targets ("no stall over 50 ms") are about.
 * INFO stats shows the longest stall and the p99 gap since start or CONFIG RESETSTAT.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

const RESOLUTION_MS = 5;

export class LoopDelay {
  private readonly h: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  constructor() {
    this.h.enable();
  }

  /** Longest stall in ms: the longest gap between ticks minus the tick interval (0 before any). */
  maxStallMs(): number {
    return this.h.count === 0 ? 0 : Math.max(0, this.h.max / 1e6 - RESOLUTION_MS);
  }

  /** 99th percentile of the gaps between ticks, in ms (includes the tick interval). */
  p99GapMs(): number {
    return this.h.count === 0 ? 0 : this.h.percentile(99) / 1e6;
  }

  reset(): void {
    this.h.reset();
  }

  stop(): void {
    this.h.disable();
  }
}
