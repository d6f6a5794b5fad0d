/**
 * maxmemory and its eviction policies, with Redis's sampled approximations.
 *
 * Used memory is V8's heap in use (plus external buffers), read before each command that may grow
 * memory. A freed key only leaves the heap at the next garbage collection, so bytes evicted since
 * the last GC are subtracted from the reading (a PerformanceObserver on 'gc' resets that count);
 * without this, one command would evict every key while the heap figure lagged behind.
 *
 * Victims: `maxmemory-samples` random keys (volatile policies: random keys with a TTL) per
 * database, the best by policy among them (largest idle time, lowest LFU counter, nearest expiry,
 * or any), as Redis's evictionPoolPopulate approximates; repeated until under the limit.
 */
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Db } from './keyspace/db.js';
import { idleSeconds, lfuDecayed } from './keyspace/lru.js';
import type { Value } from './keyspace/types.js';
import type { NodeServer } from './server.js';

const KEY_OVERHEAD = 64;
/** Random draws per database before concluding it has no volatile keys to offer. */
const VOLATILE_TRIES = 16;

let gcFn: (() => void) | undefined;

/** A forced full collection (OOM path, MEMORY PURGE): V8's gc() exposed at run time. */
export function fullGc(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
}

export function estimateBytes(key: string, v: Value): number {
  return KEY_OVERHEAD + key.length + (typeof v === 'string' ? v.length + 16 : v.memoryUsage());
}

export class Evictor {
  private freedSinceGc = 0;
  private observer?: PerformanceObserver;

  /** maxmemory, kept current by a config listener: enforce() runs before every write command. */
  private max = 0;

  constructor(private readonly server: NodeServer) {
    this.max = server.config.get<number>('maxmemory');
    server.config.onChange('maxmemory', (v) => (this.max = v as number));
  }

  /** Starts watching GCs (only while maxmemory is set, so the default costs nothing). */
  private watchGc(): void {
    if (this.observer) return;
    // Only a full (mark-sweep) collection returns evicted values: they live in old space, which
    // scavenges of the young generation do not touch.
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) this.freedSinceGc = 0;
      }
    });
    this.observer.observe({ entryTypes: ['gc'] });
  }

  stop(): void {
    this.observer?.disconnect();
    this.observer = undefined;
  }

  usedMemory(): number {
    const h = v8.getHeapStatistics();
    return Math.max(0, h.used_heap_size + h.external_memory - this.freedSinceGc);
  }

  /** Evicts until under maxmemory; false when over the limit and nothing may be evicted. */
  enforce(): boolean {
    const max = this.max;
    if (max === 0) return true;
    this.watchGc();
    const policy = this.server.config.get<string>('maxmemory-policy');
    while (this.usedMemory() > max) {
      if (policy !== 'noeviction' && this.evictOne(policy)) continue;
      // Nothing (more) to evict, but the heap reading may still hold garbage (deleted or flushed
      // values): collect once before refusing the write, as a real allocator would already have.
      if (!this.collected) {
        this.collected = true;
        fullGc();
        this.freedSinceGc = 0;
        continue;
      }
      return false;
    }
    this.collected = false;
    return true;
  }

  /** A full GC was already forced for the current over-limit episode. */
  private collected = false;

  private evictOne(policy: string): boolean {
    const victim = this.pickVictim(policy);
    if (!victim) return false;
    const [db, key] = victim;
    const v = db.peek(key);
    if (v !== undefined) this.freedSinceGc += estimateBytes(key, v);
    db.delete(key);
    this.server.stats.evictedKeys++;
    this.server.emit('evicted', db, key);
    return true;
  }

  private pickVictim(policy: string): [Db, string] | null {
    const samples = this.server.config.get<number>('maxmemory-samples');
    const volatile = policy.startsWith('volatile');
    const now = Date.now();
    let best: [Db, string] | null = null;
    let bestScore = -Infinity;
    for (const db of this.server.dbs) {
      if (db.size === 0 || (volatile && db.expires.size === 0)) continue;
      for (const key of sampleKeys(db, samples, volatile)) {
        const score = this.score(policy, db, key, now);
        if (score > bestScore) {
          bestScore = score;
          best = [db, key];
        }
      }
    }
    return best;
  }

  /** Higher is a better victim. */
  private score(policy: string, db: Db, key: string, now: number): number {
    if (policy.endsWith('random')) return Math.random();
    if (policy === 'volatile-ttl') return -(db.getExpire(key) ?? Infinity);
    const clock = db.clockOf(key);
    if (policy.endsWith('lfu')) return 255 - lfuDecayed(clock, now, this.server.config.get<number>('lfu-decay-time'));
    return idleSeconds(clock, now);
  }
}

function sampleKeys(db: Db, n: number, volatile: boolean): string[] {
  const out: string[] = [];
  const tries = volatile ? n * VOLATILE_TRIES : n;
  for (let i = 0; i < tries && out.length < n; i++) {
    const key = db.dict.randomKey();
    if (key === undefined) break;
    if (!volatile || db.expires.has(key)) out.push(key);
  }
  // Few volatile keys among many: take them from the expiry table instead.
  if (volatile && out.length === 0) {
    for (const key of db.expires.keys()) {
      out.push(key);
      if (out.length >= n) break;
    }
  }
  return out;
}
