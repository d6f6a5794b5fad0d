/**
 * Keys per hash slot for a node in cluster mode, kept by Db on every insert/delete, so
 * CLUSTER COUNTKEYSINSLOT is O(1) and GETKEYSINSLOT is O(keys returned) — what slot migration
 * (DESIGN §4) polls. Only database 0 has one (cluster mode has a single database); a Db without
 * one pays nothing.
 */
import { keySlot, SLOT_COUNT } from '../../lib/slot/index.js';

export class SlotIndex {
  /** Slot → its keys; undefined for an empty slot, so a mostly empty node holds few Sets. */
  private slots: (Set<string> | undefined)[] = new Array(SLOT_COUNT);

  add(key: string): void {
    const slot = keySlot(key);
    const set = this.slots[slot];
    if (set) set.add(key);
    else this.slots[slot] = new Set([key]);
  }

  remove(key: string): void {
    const slot = keySlot(key);
    const set = this.slots[slot];
    if (set && set.delete(key) && set.size === 0) this.slots[slot] = undefined;
  }

  count(slot: number): number {
    return this.slots[slot]?.size ?? 0;
  }

  /** Up to `max` keys of a slot (in insertion order). */
  keys(slot: number, max: number): string[] {
    const out: string[] = [];
    const set = this.slots[slot];
    if (!set || max <= 0) return out;
    for (const key of set) {
      out.push(key);
      if (out.length >= max) break;
    }
    return out;
  }

  clear(): void {
    this.slots = new Array(SLOT_COUNT);
  }
}
