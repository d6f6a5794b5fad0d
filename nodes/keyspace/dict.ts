/**
 * A hash table with O(1) get/set/delete, O(1) uniform random entry, and a SCAN cursor that keeps
 * Redis's guarantee (every element present for the whole scan is returned at least once).
 *
 * Layout: a (sharded) map from key to a dense slot index, plus parallel (chunked) arrays of keys and
 * values; neither ever stalls to grow (sharded-map.ts, chunked-array.ts). Deleting
 * moves the last slot into the hole. The cursor walks slots from the top down: a moved element
 * always comes from the highest slot, which was either already visited (visited again: allowed) or
 * lands in a slot still to visit. New elements are appended above the cursor (may be missed: allowed).
 * Parallel arrays also avoid a wrapper object per key, which matters for RSS at millions of keys.
 */
import { ChunkedArray, type FrozenArray } from './chunked-array.js';
import { ShardedMap } from './sharded-map.js';

export class Dict<V> {
  /** Key → slot; sharded so that growing it never stalls (see sharded-map.ts). */
  private index = new ShardedMap<number>();
  /** Chunked: growing never copies (see chunked-array.ts). */
  private keyArr = new ChunkedArray<string>();
  private valArr = new ChunkedArray<V>();

  get size(): number {
    return this.keyArr.length;
  }

  get(key: string): V | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.valArr.at(i);
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  /** Slot of a key, for callers keeping parallel per-slot data (LRU clocks). -1 when absent. */
  slotOf(key: string): number {
    const i = this.index.get(key);
    return i === undefined ? -1 : i;
  }

  /** Inserts or overwrites; returns the slot used. */
  set(key: string, val: V): number {
    const n = this.keyArr.length;
    const i = this.index.putIfAbsent(key, n);
    if (i !== undefined) {
      this.valArr.setAt(i, val);
      return i;
    }
    this.keyArr.push(key);
    this.valArr.push(val);
    return n;
  }

  /**
   * Removes a key. Returns the slot that was vacated and filled from the top (so parallel data can
   * follow the move), or -1 when the key was absent.
   */
  delete(key: string): number {
    const i = this.index.get(key);
    if (i === undefined) return -1;
    this.index.delete(key);
    const last = this.keyArr.length - 1;
    if (i !== last) {
      const movedKey = this.keyArr.at(last);
      this.keyArr.setAt(i, movedKey);
      this.valArr.setAt(i, this.valArr.at(last));
      this.index.set(movedKey, i);
    }
    this.keyArr.pop();
    this.valArr.pop();
    return i;
  }

  clear(): void {
    this.index = new ShardedMap();
    this.keyArr.clear();
    this.valArr.clear();
  }

  /** Point-in-time copies of the key and value arrays, cheap now and copied per chunk on change. */
  freeze(): { keys: FrozenArray<string>; vals: FrozenArray<V> } {
    return { keys: this.keyArr.freeze(), vals: this.valArr.freeze() };
  }

  keyAt(slot: number): string {
    return this.keyArr.at(slot);
  }

  valueAt(slot: number): V {
    return this.valArr.at(slot);
  }

  randomSlot(): number {
    return this.keyArr.length === 0 ? -1 : Math.floor(Math.random() * this.keyArr.length);
  }

  randomKey(): string | undefined {
    const s = this.randomSlot();
    return s < 0 ? undefined : this.keyArr.at(s);
  }

  /**
   * Visits up to `count` slots below the cursor (0 = start from the top) and returns the next
   * cursor, 0 when done. The cursor is "number of slots still to visit", clamped to the size.
   */
  scan(cursor: number, count: number, visit: (key: string, val: V) => void): number {
    let i = cursor === 0 ? this.keyArr.length : Math.min(cursor, this.keyArr.length);
    const stop = Math.max(0, i - count);
    while (i > stop) {
      i--;
      visit(this.keyArr.at(i), this.valArr.at(i));
    }
    return i;
  }

  keys(): IterableIterator<string> {
    return this.keyArr.values();
  }

  *entries(): IterableIterator<[string, V]> {
    for (let i = 0; i < this.keyArr.length; i++) yield [this.keyArr.at(i), this.valArr.at(i)];
  }
}
