/**
 * MULTI/EXEC/WATCH state. WATCH registers (db, key) → clients; any modification of a watched key —
 * a write, an expiry, an eviction, FLUSHDB/FLUSHALL/SWAPDB — marks those clients' transactions
 * as failed, so their EXEC returns a null array, as Redis does.
 */
import type { Client } from './client.js';
import type { NodeCommand } from './commands/registry.js';
import type { Db } from './keyspace/db.js';

export interface MultiState {
  queue: { cmd: NodeCommand; argv: string[] }[];
  /** A command was rejected while queueing: EXEC must answer EXECABORT. */
  aborted: boolean;
}

export class WatchManager {
  private byDb = new Map<Db, Map<string, Set<Client>>>();
  /** Clients with at least one watched key; keyModified is free when this is 0. */
  count = 0;

  watch(c: Client, db: Db, key: string): void {
    let keys = this.byDb.get(db);
    if (!keys) this.byDb.set(db, (keys = new Map()));
    let clients = keys.get(key);
    if (!clients) keys.set(key, (clients = new Set()));
    if (clients.has(c)) return;
    clients.add(c);
    if (c.watched.length === 0) this.count++;
    // Redis 7 also fails EXEC when a watched key was already expired when WATCH ran and is gone.
    c.watched.push({ db, key, existed: db.peek(key) !== undefined });
  }

  unwatchAll(c: Client): void {
    if (c.watched.length === 0) return;
    for (const { db, key } of c.watched) {
      const keys = this.byDb.get(db);
      const clients = keys?.get(key);
      if (!clients) continue;
      clients.delete(c);
      if (clients.size === 0) keys!.delete(key);
    }
    c.watched = [];
    c.watchDirty = false;
    this.count--;
  }

  touch(db: Db, key: string): void {
    const clients = this.byDb.get(db)?.get(key);
    if (!clients) return;
    for (const c of clients) c.watchDirty = true;
  }

  /** FLUSHDB / SWAPDB: every watcher of a key that exists in the db is touched. */
  touchAll(db: Db): void {
    const keys = this.byDb.get(db);
    if (!keys) return;
    for (const [key, clients] of keys) {
      if (db.peek(key) === undefined) continue;
      for (const c of clients) c.watchDirty = true;
    }
  }

  /** A watched key that has expired since WATCH counts as modified. */
  expiredSinceWatch(c: Client): boolean {
    return c.watched.some(({ db, key, existed }) => existed && db.isExpired(key));
  }
}
