/**
 * The proxy's connections to backends: per server and protocol version, a few shared, multiplexed
 * connections (a session always uses the same one, so its commands to one server stay in order),
 * plus private connections handed out for blocking commands, WATCH/MULTI and Pub/Sub. A failed
 * shared connection is replaced after a backoff; until then requests to it fail fast.
 */
import type { BackendState } from './stats.js';
import { BackendConn, type BackendOptions } from './backend.js';

export interface PoolOptions {
  /** Shared connections per (server, protocol). */
  connsPerBackend: number;
  password?: string;
  username?: string;
  connectTimeoutMs: number;
  /**
   * A shared connection with requests outstanding and no reply for this long is declared dead:
   * its requests fail instead of hanging (blocking commands use private connections, exempt).
   */
  stallTimeoutMs: number;
  /** Requests outstanding on one shared connection beyond which new ones fail fast. */
  maxInflight: number;
}

const BACKOFF_MIN_MS = 50;
const BACKOFF_MAX_MS = 2000;

/** The shared connections to one server for one protocol version. */
class Slot {
  conns: (BackendConn | null)[];
  backoffMs = BACKOFF_MIN_MS;
  retryAt = 0;
  failures = 0;
  constructor(n: number) {
    this.conns = new Array(n).fill(null);
  }
}

export class BackendPool {
  /**
   * Shared connections by server address, one map per (protocol, read-only) pair: the per-request
   * lookup is by the table's own address string, with no key to build (a concatenated key cost a
   * string flatten and hash on every request).
   */
  private readonly byKind: Map<string, Slot>[] = [new Map(), new Map(), new Map(), new Map()];
  private readonly privates = new Set<BackendConn>();
  private closed = false;
  private readonly watchdog: NodeJS.Timeout;

  constructor(private readonly opts: PoolOptions) {
    this.watchdog = setInterval(() => this.checkStalls(), Math.max(100, Math.min(1000, opts.stallTimeoutMs / 4)));
    this.watchdog.unref();
  }

  private checkStalls(): void {
    const now = Date.now();
    for (const slot of this.allSlots()) {
      for (const c of slot.conns) {
        if (c && !c.dead && c.inflight > 0 && now - c.progressAt > this.opts.stallTimeoutMs) {
          c.fail(`no reply for ${this.opts.stallTimeoutMs} ms`);
        }
      }
    }
  }

  private *allSlots(): Iterable<Slot> {
    for (const slots of this.byKind) yield* slots.values();
  }

  /** The shared connection a session uses for `addr` (same session → same connection). */
  shared(addr: string, resp: 2 | 3, sessionId: number, readonly = false): BackendConn {
    const slots = this.byKind[(resp === 3 ? 1 : 0) + (readonly ? 2 : 0)];
    let slot = slots.get(addr);
    if (!slot) {
      slot = new Slot(this.opts.connsPerBackend);
      slots.set(addr, slot);
    }
    const i = sessionId % slot.conns.length;
    const conn = slot.conns[i];
    if (conn && (!conn.dead || Date.now() < slot.retryAt)) return conn;
    return (slot.conns[i] = this.open(addr, resp, slot, readonly));
  }

  private open(addr: string, resp: 2 | 3, slot: Slot, readonly: boolean): BackendConn {
    const conn = new BackendConn(addr, {
      ...this.baseOptions(resp),
      readonly,
      onClose: (c) => {
        if (this.closed) return;
        slot.failures++;
        // A connection that never came up backs off harder; one that worked retries quickly.
        slot.backoffMs = c.connected ? BACKOFF_MIN_MS : Math.min(BACKOFF_MAX_MS, slot.backoffMs * 2);
        slot.retryAt = Date.now() + slot.backoffMs;
      },
    });
    return conn;
  }

  private baseOptions(resp: 2 | 3): BackendOptions {
    const { password, username, connectTimeoutMs, maxInflight } = this.opts;
    return { resp, password, username, connectTimeoutMs, maxInflight };
  }

  /** A connection of the caller's own (blocking commands, transactions, Pub/Sub); caller closes it. */
  private(addr: string, resp: 2 | 3, onPush?: (frame: Buffer) => void, onClose?: (c: BackendConn) => void): BackendConn {
    const conn = new BackendConn(addr, {
      ...this.baseOptions(resp),
      onPush,
      onClose: (c) => {
        this.privates.delete(c);
        onClose?.(c);
      },
    });
    if (this.closed) conn.close();
    else this.privates.add(conn);
    return conn;
  }

  states(): BackendState[] {
    const byAddr = new Map<string, BackendState>();
    const state = (addr: string) => {
      let s = byAddr.get(addr);
      if (!s) byAddr.set(addr, (s = { addr, connected: false, inflight: 0, sharedConns: 0, privateConns: 0, failures: 0 }));
      return s;
    };
    for (const slots of this.byKind) {
      for (const [addr, slot] of slots) {
        const s = state(addr);
        s.failures += slot.failures;
        for (const c of slot.conns) {
          if (!c || c.dead) continue;
          s.sharedConns++;
          s.inflight += c.inflight;
          if (c.connected) s.connected = true;
        }
      }
    }
    for (const c of this.privates) state(c.addr).privateConns++;
    return [...byAddr.values()];
  }

  close(): void {
    this.closed = true;
    clearInterval(this.watchdog);
    for (const slot of this.allSlots()) for (const c of slot.conns) c?.close();
    for (const c of this.privates) c.close();
    for (const slots of this.byKind) slots.clear();
    this.privates.clear();
  }
}
