/**
 * Active expiry, as Redis's activeExpireCycle: every cron tick, sample volatile keys per database and
 * reclaim the expired ones, repeating while more than a quarter of a sample was expired, within a
 * time budget per tick (25% of the tick, like Redis's slow cycle). A resumable iterator over each
 * expiry table plays the role of Redis's bucket cursor, so every volatile key is visited in turn.
 */
import type { Db } from './db.js';
import type { ShardedMap } from './sharded-map.js';

const SAMPLE = 20;
const STALE_PERCENT = 25;

export class ActiveExpirer {
  /** Per database: the expiry table being walked and where we are in it. */
  private cursors = new Map<Db, { table: ShardedMap<number>; it: IterableIterator<[string, number]> }>();
  /** Keys reclaimed (INFO expired_keys counts lazy and active). */
  expired = 0;

  /** Runs one cycle over the databases within budgetMs; returns keys reclaimed. */
  cycle(dbs: readonly Db[], now: () => number, budgetMs: number): number {
    const deadline = Date.now() + budgetMs;
    let reclaimed = 0;
    for (const db of dbs) {
      if (db.expires.size === 0) continue;
      for (;;) {
        const { sampled, expired } = this.sampleDb(db, now());
        reclaimed += expired;
        if (sampled === 0 || expired * 100 <= sampled * STALE_PERCENT) break;
        if (Date.now() >= deadline) return reclaimed;
      }
    }
    return reclaimed;
  }

  private sampleDb(db: Db, now: number): { sampled: number; expired: number } {
    let cur = this.cursors.get(db);
    // FLUSHDB and SWAPDB replace the table: start over on the new one.
    if (!cur || cur.table !== db.expires) {
      cur = { table: db.expires, it: db.expires.entries() };
      this.cursors.set(db, cur);
    }
    const it = cur.it;
    let sampled = 0;
    let expired = 0;
    const limit = Math.min(SAMPLE, db.expires.size);
    while (sampled < limit) {
      const r = it.next();
      if (r.done) {
        // Wrapped around: start again from the oldest volatile key next time.
        this.cursors.delete(db);
        break;
      }
      sampled++;
      const [key, when] = r.value;
      if (when <= now && db.expireIfNeeded(key)) expired++;
    }
    this.expired += expired;
    return { sampled, expired };
  }
}
