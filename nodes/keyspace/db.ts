/**
 * One logical database: the key dict, the expiry table, access clocks, and the hooks every write
 * passes through (WATCH invalidation, replication/AOF propagation, slot indexes later).
 */
import { Dict } from './dict.js';
import { ShardedMap } from './sharded-map.js';
import type { Value } from './types.js';
import { lfuInit, lfuTouch, lruClock } from './lru.js';
import type { SlotIndex } from '../cluster/slot-index.js';
import type { CowRegistry } from '../persistence/cow.js';

export interface KeyspaceHooks {
  /** A key's value changed or it was deleted/expired (Redis: signalModifiedKey). */
  modified(db: Db, key: string): void;
  /** A key expired or was evicted; the master propagates a DEL. */
  expired(db: Db, key: string): void;
  /** The whole database is about to be emptied (FLUSHDB/FLUSHALL) or swapped (SWAPDB). */
  emptied(db: Db): void;
  /** Current time in ms (one clock per event-loop turn, as Redis caches mstime per command). */
  now(): number;
  /**
   * The time keys are judged expired against: now, except while a replica applies its master's
   * stream (then nothing is expired: the master decides, and sends DEL when it does).
   */
  expiryNow(): number;
  /** Whether lazy access may delete expired keys (false on replicas: the master's DEL does it). */
  mayExpire(): boolean;
  /** LFU policy and its tuning, when selected. */
  lfu(): { logFactor: number; decayTime: number } | null;
}

export class Db {
  readonly dict = new Dict<Value>();
  /** Absolute expiry time in ms per volatile key. */
  expires = new ShardedMap<number>();
  private clocks = new Uint32Array(1024);
  /** Stats for INFO keyspace. */
  avgTtl = 0;
  /** Keys per hash slot; set on database 0 in cluster mode only (one check per insert/delete). */
  slotIndex: SlotIndex | undefined;
  /** Running snapshots (copy-on-write), else null: the one check on the write paths below. */
  cow: CowRegistry | null = null;

  constructor(
    readonly id: number,
    private readonly hooks: KeyspaceHooks,
  ) {}

  get size(): number {
    return this.dict.size;
  }

  /** Lookup for reading: lazily expires, updates the access clock. */
  get(key: string): Value | undefined {
    if (this.expires.size > 0 && this.expireIfNeeded(key)) return undefined;
    const slot = this.dict.slotOf(key);
    if (slot < 0) return undefined;
    this.touchSlot(slot);
    return this.dict.valueAt(slot);
  }

  /** Lookup without touching the access clock (OBJECT IDLETIME, TYPE with no-touch …). */
  peek(key: string): Value | undefined {
    if (this.expires.size > 0 && this.isExpired(key)) return undefined;
    return this.dict.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /**
   * Stores a value. Clears any TTL unless keepTtl (SET KEEPTTL, in-place updates of aggregates).
   */
  set(key: string, val: Value, keepTtl = false): void {
    if (this.cow !== null) this.cow.beforeKeyChange(this, key);
    const sizeBefore = this.dict.size;
    const slot = this.dict.set(key, val);
    if (this.slotIndex && this.dict.size > sizeBefore) this.slotIndex.add(key);
    this.growClocks(slot);
    this.clocks[slot] = this.freshClock();
    if (!keepTtl && this.expires.size > 0) this.expires.delete(key);
    this.hooks.modified(this, key);
  }

  /** Called after mutating an aggregate in place (list push, hash field set …). */
  touchWrite(key: string): void {
    this.hooks.modified(this, key);
  }

  delete(key: string): boolean {
    if (this.cow !== null) this.cow.beforeKeyChange(this, key);
    const vacated = this.dict.delete(key);
    if (vacated < 0) return false;
    if (this.slotIndex) this.slotIndex.remove(key);
    this.clocks[vacated] = this.clocks[this.dict.size];
    if (this.expires.size > 0) this.expires.delete(key);
    this.hooks.modified(this, key);
    return true;
  }

  clear(): void {
    if (this.cow !== null) this.cow.beforeEmpty(this);
    this.hooks.emptied(this);
    this.dict.clear();
    this.slotIndex?.clear();
    this.expires = new ShardedMap();
    this.clocks = new Uint32Array(1024);
  }

  /** Replaces this database's contents with another's (SWAPDB). */
  swapWith(other: Db): void {
    if (this.cow !== null) {
      this.cow.beforeEmpty(this);
      this.cow.beforeEmpty(other);
    }
    this.hooks.emptied(this);
    this.hooks.emptied(other);
    const d = (this as unknown as { dict: Dict<Value> }).dict;
    (this as unknown as { dict: Dict<Value> }).dict = other.dict;
    (other as unknown as { dict: Dict<Value> }).dict = d;
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.clocks, other.clocks] = [other.clocks, this.clocks];
    // Indexes follow their keys (SWAPDB is refused in cluster mode; this keeps them coherent anyway).
    [this.slotIndex, other.slotIndex] = [other.slotIndex, this.slotIndex];
  }

  getExpire(key: string): number | undefined {
    return this.expires.get(key);
  }

  setExpire(key: string, whenMs: number): void {
    if (this.cow !== null) this.cow.beforeKeyChange(this, key);
    this.expires.set(key, whenMs);
    this.hooks.modified(this, key);
  }

  removeExpire(key: string): boolean {
    if (this.cow !== null) this.cow.beforeKeyChange(this, key);
    if (!this.expires.delete(key)) return false;
    this.hooks.modified(this, key);
    return true;
  }

  isExpired(key: string): boolean {
    const when = this.expires.get(key);
    return when !== undefined && when <= this.hooks.expiryNow();
  }

  /** Deletes the key if its time has come; true when it is (logically) gone. */
  expireIfNeeded(key: string): boolean {
    if (!this.isExpired(key)) return false;
    if (!this.hooks.mayExpire()) return true;
    this.delete(key);
    this.hooks.expired(this, key);
    return true;
  }

  /** Access clock of a key (LRU seconds or packed LFU), or -1. */
  clockOf(key: string): number {
    const slot = this.dict.slotOf(key);
    return slot < 0 ? -1 : this.clocks[slot];
  }

  clockAt(slot: number): number {
    return this.clocks[slot];
  }

  setClock(key: string, clock: number): void {
    const slot = this.dict.slotOf(key);
    if (slot >= 0) this.clocks[slot] = clock;
  }

  private touchSlot(slot: number): void {
    const lfu = this.hooks.lfu();
    const now = this.hooks.now();
    this.clocks[slot] = lfu ? lfuTouch(this.clocks[slot], now, lfu.logFactor, lfu.decayTime) : lruClock(now);
  }

  private freshClock(): number {
    const now = this.hooks.now();
    return this.hooks.lfu() ? lfuInit(now) : lruClock(now);
  }

  private growClocks(slot: number): void {
    if (slot < this.clocks.length) return;
    const next = new Uint32Array(this.clocks.length * 2);
    next.set(this.clocks);
    this.clocks = next;
  }
}
