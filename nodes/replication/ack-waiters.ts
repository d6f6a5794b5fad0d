/**
 * Clients waiting for replicas to acknowledge an offset: WAIT, and writes held by sync-replicas.
 * Re-checked whenever a replica's ACK arrives; a timeout ends the wait with the count reached.
 */
export interface AckWaiter {
  offset: number;
  need: number;
  /** count: replicas that acknowledged `offset`; timedOut: the deadline passed first. */
  done(count: number, timedOut: boolean): void;
  timer?: NodeJS.Timeout;
}

export class AckWaiters {
  private list: AckWaiter[] = [];

  constructor(private readonly acked: (offset: number) => number) {}

  get size(): number {
    return this.list.length;
  }

  /** Registers a waiter; timeoutMs 0 waits forever. Returns a cancel function. */
  add(w: AckWaiter, timeoutMs: number): () => void {
    this.list.push(w);
    if (timeoutMs > 0) {
      w.timer = setTimeout(() => {
        if (this.remove(w)) w.done(this.acked(w.offset), true);
      }, timeoutMs);
    }
    return () => this.remove(w);
  }

  private remove(w: AckWaiter): boolean {
    const i = this.list.indexOf(w);
    if (i < 0) return false;
    this.list.splice(i, 1);
    if (w.timer) clearTimeout(w.timer);
    return true;
  }

  /**
   * After an ACK: completes every waiter whose offset enough replicas now have. The waiters resume
   * once the ACK command is done (a microtask), not inside it: their clients' next commands must
   * not run nested in the replica's command.
   */
  check(): void {
    if (this.list.length === 0) return;
    for (const w of [...this.list]) {
      const n = this.acked(w.offset);
      if (n >= w.need && this.remove(w)) queueMicrotask(() => w.done(n, false));
    }
  }

  /** Role change or shutdown: every waiter ends now with what it has. */
  failAll(): void {
    for (const w of [...this.list]) {
      if (this.remove(w)) w.done(this.acked(w.offset), true);
    }
  }
}
