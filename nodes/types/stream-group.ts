/**
 * Consumer groups of a stream: the group's last-delivered ID and entries-read counter, its
 * pending entries list (PEL: delivered, not yet acknowledged entries) and its consumers, each with
 * its own PEL sharing the group's NACK records, as Redis's streamCG / streamConsumer / streamNACK.
 */
import type { StreamId } from './stream-id.js';

/** Redis's SCG_INVALID_ENTRIES_READ. */
export const INVALID_ENTRIES_READ = -1;

/** A map keyed by stream ID that iterates in ID order (Redis's rax PELs). */
export class IdMap<V> {
  private readonly keys: StreamId[] = [];
  private readonly map = new Map<StreamId, V>();

  get size(): number {
    return this.keys.length;
  }

  get(id: StreamId): V | undefined {
    return this.map.get(id);
  }

  has(id: StreamId): boolean {
    return this.map.has(id);
  }

  set(id: StreamId, v: V): void {
    if (!this.map.has(id)) {
      const n = this.keys.length;
      if (n === 0 || this.keys[n - 1] < id) this.keys.push(id);
      else this.keys.splice(this.lowerBound(id), 0, id);
    }
    this.map.set(id, v);
  }

  delete(id: StreamId): boolean {
    if (!this.map.delete(id)) return false;
    this.keys.splice(this.lowerBound(id), 1);
    return true;
  }

  first(): StreamId | undefined {
    return this.keys[0];
  }

  last(): StreamId | undefined {
    return this.keys[this.keys.length - 1];
  }

  /** Index of the first key >= id. */
  lowerBound(id: StreamId): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  keyAt(i: number): StreamId | undefined {
    return this.keys[i];
  }

  /** Keys >= `from`, in order (a snapshot: safe to mutate the map while iterating). */
  *from(from: StreamId): IterableIterator<[StreamId, V]> {
    for (const k of this.keys.slice(this.lowerBound(from))) {
      const v = this.map.get(k);
      if (v !== undefined) yield [k, v];
    }
  }
}

export interface Nack {
  /** Null only transiently, for a NACK XCLAIM FORCE has just created. */
  consumer: Consumer | null;
  deliveryTime: number;
  deliveryCount: number;
}

export class Consumer {
  readonly pel = new IdMap<Nack>();
  constructor(readonly name: string, public seenTime: number) {}
}

export class ConsumerGroup {
  readonly pel = new IdMap<Nack>();
  readonly consumers = new Map<string, Consumer>();

  constructor(readonly name: string, public lastId: StreamId, public entriesRead: number) {}

  /** Consumers in Redis's rax order (byte order of the names). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  createConsumer(name: string, now: number): Consumer {
    const c = new Consumer(name, now);
    this.consumers.set(name, c);
    return c;
  }

  /** Deletes a consumer and its pending entries; returns how many it had. */
  deleteConsumer(name: string): number {
    const c = this.consumers.get(name);
    if (c === undefined) return 0;
    for (const [id] of c.pel.from(0n)) this.pel.delete(id);
    this.consumers.delete(name);
    return c.pel.size;
  }

  /** Removes one pending entry from the group's and its consumer's PEL. */
  ack(id: StreamId): boolean {
    const nack = this.pel.get(id);
    if (nack === undefined) return false;
    this.pel.delete(id);
    nack.consumer?.pel.delete(id);
    return true;
  }

  clone(): ConsumerGroup {
    const g = new ConsumerGroup(this.name, this.lastId, this.entriesRead);
    for (const c of this.consumers.values()) g.createConsumer(c.name, c.seenTime);
    for (const [id, n] of this.pel.from(0n)) {
      const owner = n.consumer ? g.consumers.get(n.consumer.name)! : null;
      const copy: Nack = { consumer: owner, deliveryTime: n.deliveryTime, deliveryCount: n.deliveryCount };
      g.pel.set(id, copy);
      owner?.pel.set(id, copy);
    }
    return g;
  }
}
