/**
 * A string-keyed map that never stalls the event loop by growing, for tables that reach millions of
 * entries (the keyspace index, the expiry table, hash/set/zset members, snapshot bookkeeping).
 *
 * Why not a plain Map: V8 grows a Map by rehashing every entry into a table twice the size, in one
 * go. Measured on this machine (one insert, Node 20): 43 ms when a Map passes 262144 entries, 106 ms
 * at 524288, 190 ms at 1048576, 392 ms at 2097152 — the 200–280 ms "idle" stalls bench:persistence
 * saw on a node holding 1M keys. A V8 Map also refuses more than 2^24 entries (RangeError), which a
 * big node would hit. Redis avoids both with an incrementally rehashed dict; JavaScript gives us no
 * hook into Map's growth, so instead no single Map is allowed to get big: a small map is one Map
 * (no overhead for the many small hashes and sets), and at SPLIT_AT entries they are spread over
 * SHARDS Maps chosen by a hash of the key, moved a few per write as Redis rehashes. Each shard then
 * grows in small steps (at 16M keys a shard holds 64k entries; its growth costs about 10 ms) and the
 * capacity is 256 × 2^24.
 */

/** Entries a lone Map holds at most; the next new key splits the map (growth up to here: ≤ 3 ms). */
export const SPLIT_AT = 16384;
/**
 * Entries moved from the lone Map into the shards per write while a split is under way. Splitting
 * 16k entries at once took 6–16 ms warm (256 Maps growing from empty), so it is spread over writes,
 * as Redis spreads a rehash: 128 per write ≈ 50 µs, done within 128 writes.
 */
const MOVE_PER_WRITE = 128;
const SHARD_BITS = 8;
const SHARDS = 1 << SHARD_BITS;

export class ShardedMap<V> {
  /** The lone Map while small; null once split. */
  private one: Map<string, V> | null = new Map();
  private shards: Map<string, V>[] = [];
  /** Entries in the shards (not counting those still in `rest`). */
  private count = 0;
  /** During a split: the former lone Map, entries not moved yet (each key is in one place only). */
  private rest: Map<string, V> | null = null;
  private restIt: IterableIterator<[string, V]> | null = null;
  /** Bumped when the layout changes (split, clear): live iterators end instead of going stale. */
  private layout = 0;

  get size(): number {
    if (this.one !== null) return this.one.size;
    return this.rest === null ? this.count : this.count + this.rest.size;
  }

  /** Spread over shards (tests and diagnostics). */
  get sharded(): boolean {
    return this.one === null;
  }

  /** A split is still moving entries (tests and diagnostics). */
  get splitting(): boolean {
    return this.rest !== null;
  }

  get(key: string): V | undefined {
    if (this.one !== null) return this.one.get(key);
    const v = this.shards[shardOf(key)].get(key);
    return v !== undefined || this.rest === null ? v : this.rest.get(key);
  }

  has(key: string): boolean {
    if (this.one !== null) return this.one.has(key);
    return this.shards[shardOf(key)].has(key) || (this.rest !== null && this.rest.has(key));
  }

  set(key: string, val: V): this {
    const one = this.one;
    if (one !== null) {
      if (one.size < SPLIT_AT || one.has(key)) {
        one.set(key, val);
        return this;
      }
      // Split before the lone Map would grow again (its next growth is the stall we avoid).
      this.startSplit(one);
    }
    if (this.rest !== null) {
      this.rest.delete(key);
      this.moveSome();
    }
    const m = this.shards[shardOf(key)];
    const before = m.size;
    m.set(key, val);
    this.count += m.size - before;
    return this;
  }

  /**
   * The key's value if present; else stores `val` and returns undefined. One hash of the key
   * instead of get-then-set's two (Dict.set, on every write of a key).
   */
  putIfAbsent(key: string, val: V): V | undefined {
    const one = this.one;
    if (one !== null && one.size < SPLIT_AT) {
      const v = one.get(key);
      if (v === undefined) one.set(key, val);
      return v;
    }
    if (one === null && this.rest === null) {
      const m = this.shards[shardOf(key)];
      const v = m.get(key);
      if (v === undefined) {
        m.set(key, val);
        this.count++;
      }
      return v;
    }
    const v = this.get(key);
    if (v === undefined) this.set(key, val);
    return v;
  }

  delete(key: string): boolean {
    if (this.one !== null) return this.one.delete(key);
    if (this.rest !== null) {
      const found = this.rest.delete(key);
      this.moveSome();
      if (found) return true;
    }
    if (!this.shards[shardOf(key)].delete(key)) return false;
    this.count--;
    return true;
  }

  clear(): void {
    this.one = new Map();
    this.shards = [];
    this.count = 0;
    this.rest = null;
    this.restIt = null;
    this.layout++;
  }

  /**
   * Map order within each part (entries not yet moved by a split first, then shard by shard).
   * Entries added or removed while iterating behave as for a Map, except that an entry moved by a
   * split in progress may be seen twice; if the map splits or is cleared meanwhile, the iteration
   * ends early (callers that walk incrementally, like active expiry, then simply start over).
   */
  *entries(): IterableIterator<[string, V]> {
    const layout = this.layout;
    const parts = this.one !== null ? [this.one] : this.rest !== null ? [this.rest, ...this.shards] : this.shards;
    for (const m of parts) {
      for (const e of m) {
        if (this.layout !== layout) return;
        yield e;
      }
    }
  }

  *keys(): IterableIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries();
  }

  private startSplit(one: Map<string, V>): void {
    const shards: Map<string, V>[] = [];
    for (let i = 0; i < SHARDS; i++) shards.push(new Map());
    this.shards = shards;
    this.count = 0;
    this.one = null;
    this.rest = one;
    this.restIt = one.entries();
    this.layout++;
    this.moveSome();
  }

  /** One step of a split: moves up to MOVE_PER_WRITE entries from `rest` into their shards. */
  private moveSome(): void {
    const rest = this.rest!;
    const it = this.restIt!;
    for (let i = 0; i < MOVE_PER_WRITE; i++) {
      const r = it.next();
      if (r.done) break;
      const [k, v] = r.value;
      rest.delete(k);
      const m = this.shards[shardOf(k)];
      const before = m.size;
      m.set(k, v);
      this.count += m.size - before;
    }
    if (rest.size === 0) {
      this.rest = null;
      this.restIt = null;
    }
  }
}

/**
 * FNV-1a over the key's chars (at most ~64 of them, evenly spaced, plus the last: long keys cost no
 * more than short ones), then a murmur3 finaliser so the low bits are well mixed. A poor spread only
 * makes one shard bigger; nothing depends on it for correctness.
 */
export function shardOf(key: string): number {
  const n = key.length;
  const step = n <= 64 ? 1 : n >>> 6;
  let h = 0x811c9dc5 ^ n;
  for (let i = 0; i < n; i += step) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  if (n > 0) h = Math.imul(h ^ key.charCodeAt(n - 1), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h & (SHARDS - 1);
}
