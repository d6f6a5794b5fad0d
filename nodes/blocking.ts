/**
 * Blocking commands (BLPOP, BZPOPMIN, XREAD BLOCK …): a client waits on keys until another
 * client's write makes one of them servable, or its timeout passes. As in Redis, writes only mark
 * keys "ready"; waiters are served after the writing command completes (so a push inside MULTI
 * wakes them after EXEC), in the order they blocked (FIFO per key).
 */
import type { Client } from './client.js';
import type { Db } from './keyspace/db.js';

export interface BlockRequest {
  /** Keys (in the client's current db) to wait on. */
  keys: string[];
  /** Milliseconds to wait; 0 waits forever. */
  timeoutMs: number;
  /** Tries to serve now; returns true when it wrote the reply (the client is then released). */
  tryServe(): boolean;
  /** Writes the reply for a timeout (e.g. a null array). */
  onTimeout(): void;
}

const MAX_TIMER = 2 ** 31 - 1;

interface Waiter {
  client: Client;
  db: Db;
  req: BlockRequest;
  timer?: NodeJS.Timeout;
  released: boolean;
}

export class BlockingManager {
  /** db → key → waiters in blocking order. */
  private waiting = new Map<Db, Map<string, Waiter[]>>();
  private ready: [Db, string][] = [];
  private readySet = new Set<string>();
  /** Clients currently blocked (INFO blocked_clients). */
  count = 0;

  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  block(c: Client, req: BlockRequest): void {
    // Inside MULTI/EXEC (and scripts) a blocking command behaves as if its timeout had passed.
    if (c.inExec) {
      req.onTimeout();
      return;
    }
    const w: Waiter = { client: c, db: c.db, req, released: false };
    let byKey = this.waiting.get(c.db);
    if (!byKey) this.waiting.set(c.db, (byKey = new Map()));
    for (const k of new Set(req.keys)) {
      const list = byKey.get(k);
      if (list) list.push(w);
      else byKey.set(k, [w]);
    }
    if (req.timeoutMs > 0) this.arm(w, Date.now() + req.timeoutMs);
    this.count++;
    c.blocked = { cancel: () => this.release(w) };
  }

  /** Node timers hold at most 2^31-1 ms: longer waits re-arm until the deadline. */
  private arm(w: Waiter, deadline: number): void {
    const left = deadline - Date.now();
    w.timer = setTimeout(() => {
      if (deadline - Date.now() > 0) return this.arm(w, deadline);
      this.release(w);
      w.req.onTimeout();
      w.client.resume();
    }, Math.min(Math.max(left, 0), MAX_TIMER));
  }

  /** Called for every modified key; cheap when nobody waits. */
  signal(db: Db, key: string): void {
    const byKey = this.waiting.get(db);
    if (!byKey || !byKey.has(key)) return;
    const id = `${db.id}\u0000${key}`;
    if (this.readySet.has(id)) return;
    this.readySet.add(id);
    this.ready.push([db, key]);
  }

  /** Serves waiters of keys that became ready; run after each top-level command. */
  serveReady(): void {
    while (this.ready.length > 0) {
      const batch = this.ready;
      this.ready = [];
      this.readySet.clear();
      for (const [db, key] of batch) this.serveKey(db, key);
    }
  }

  private serveKey(db: Db, key: string): void {
    const list = this.waiting.get(db)?.get(key);
    if (!list) return;
    for (const w of [...list]) {
      // A waiter that cannot be served yet keeps its place; later ones may still be servable
      // (stream readers of another group, or asking for an earlier ID). For lists this just
      // re-checks an empty key.
      if (!w.req.tryServe()) continue;
      this.release(w);
      w.client.resume();
    }
  }

  /**
   * Ends the waits `reject` returns an error for, replying that error (cluster mode: a slot that
   * moved away answers -MOVED, as Redis 7 unblocks such clients).
   */
  unblockWith(reject: (c: Client, keys: readonly string[]) => string | null): void {
    const all = new Set<Waiter>();
    for (const byKey of this.waiting.values()) for (const list of byKey.values()) for (const w of list) all.add(w);
    for (const w of all) {
      const err = reject(w.client, w.req.keys);
      if (err === null) continue;
      this.release(w);
      w.client.out.error(err);
      w.client.resume();
    }
  }

  private release(w: Waiter): void {
    if (w.released) return;
    w.released = true;
    if (w.timer) clearTimeout(w.timer);
    const byKey = this.waiting.get(w.db);
    for (const k of new Set(w.req.keys)) {
      const list = byKey?.get(k);
      if (!list) continue;
      const i = list.indexOf(w);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) byKey!.delete(k);
    }
    this.count--;
    w.client.blocked = null;
  }
}
