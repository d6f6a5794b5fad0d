/**
 * Target side of the chunked transfer (DESIGN §4): parts of a large value arrive as
 * CLUSTER RESTORE-CHUNK commands and are merged into a value kept aside (invisible to clients);
 * the LAST part installs it atomically, as one RESTORE would. A partial value is dropped when a
 * part arrives out of order, when a new transfer (seq 0) starts for the same key, or when no part
 * arrived for ABANDON_MS (the source died or gave up).
 */
import type { Db } from '../keyspace/db.js';
import type { DataObject, Value } from '../keyspace/types.js';
import type { NodeServer } from '../server.js';
import type { Hash } from '../types/hash.js';
import type { List } from '../types/list.js';
import type { SetObject } from '../types/set.js';
import type { ZSet } from '../types/zset.js';
import type { StreamObject } from '../types/stream.js';
import { ID_MAX, ID_ZERO } from '../types/stream-id.js';

export const ABANDON_MS = 30_000;

interface Partial {
  id: string;
  next: number;
  value: DataObject;
  touched: number;
}

export type PartResult = 'ok' | 'order' | 'type';

export class PartialImports {
  private readonly byKey = new Map<Db, Map<string, Partial>>();
  private sweeper?: NodeJS.Timeout;
  /** Parts merged since start (tests and INFO-style introspection). */
  partsReceived = 0;

  /** Merges part number `seq` of transfer `id`; on any mismatch the partial value is dropped. */
  add(db: Db, key: string, id: string, seq: number, part: Value): PartResult {
    this.partsReceived++;
    let m = this.byKey.get(db);
    if (!m) this.byKey.set(db, (m = new Map()));
    const cur = m.get(key);
    if (seq === 0) {
      if (typeof part === 'string') return this.drop(db, key, 'type');
      m.set(key, { id, next: 1, value: part, touched: Date.now() });
      this.armSweeper();
      return 'ok';
    }
    if (!cur || cur.id !== id || cur.next !== seq) return this.drop(db, key, 'order');
    if (typeof part === 'string' || part.type !== cur.value.type) return this.drop(db, key, 'type');
    merge(cur.value, part);
    cur.next++;
    cur.touched = Date.now();
    return 'ok';
  }

  /** Removes and returns the assembled value (after its last part was merged). */
  take(db: Db, key: string): DataObject | undefined {
    const v = this.byKey.get(db)?.get(key)?.value;
    this.drop(db, key, 'ok');
    return v;
  }

  drop<T extends PartResult>(db: Db, key: string, why: T): T {
    const m = this.byKey.get(db);
    if (m && m.delete(key) && m.size === 0) this.byKey.delete(db);
    if (this.byKey.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
    return why;
  }

  get size(): number {
    let n = 0;
    for (const m of this.byKey.values()) n += m.size;
    return n;
  }

  private armSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(Date.now()), Math.min(ABANDON_MS, 5_000));
    this.sweeper.unref();
  }

  /** Drops transfers idle for longer than ABANDON_MS. */
  sweep(now: number, abandonMs = ABANDON_MS): void {
    for (const [db, m] of [...this.byKey]) {
      for (const [key, p] of [...m]) if (now - p.touched > abandonMs) this.drop(db, key, 'ok');
    }
  }
}

/** Adds a part's elements to the value being built (parts never repeat an element). */
function merge(into: DataObject, part: DataObject): void {
  if (into.type === 'list') {
    const l = into as unknown as List;
    for (const e of (part as unknown as List).values()) l.push('right', e);
  } else if (into.type === 'set') {
    const s = into as unknown as SetObject;
    for (const m of (part as unknown as SetObject).members()) s.add(m);
  } else if (into.type === 'hash') {
    const h = into as unknown as Hash;
    (part as unknown as Hash).forEach((f, v) => h.set(f, v));
  } else if (into.type === 'zset') {
    const z = into as unknown as ZSet;
    const p = part as unknown as ZSet;
    for (let n = p.tree.first; n !== null; n = n.fwd) if (z.score(n.member) === undefined) z.insert(n.member, n.score);
  } else if (into.type === 'stream') {
    mergeStream(into as unknown as StreamObject, part as unknown as StreamObject);
  }
}

/** Entries append in order; the bookkeeping and groups of the last part are the stream's own. */
function mergeStream(into: StreamObject, part: StreamObject): void {
  part.range(ID_ZERO, ID_MAX, false, (id, fv) => {
    if (id > into.lastId) into.append(id, fv);
    return true;
  });
  into.lastId = part.lastId;
  into.entriesAdded = part.entriesAdded;
  into.maxDeletedId = part.maxDeletedId;
  for (const [name, g] of part.groups) into.groups.set(name, g);
}

const imports = new WeakMap<NodeServer, PartialImports>();

/** The node's partial imports (created on first use; its sweeper timer does not keep Node alive). */
export function partialImports(server: NodeServer): PartialImports {
  let p = imports.get(server);
  if (!p) imports.set(server, (p = new PartialImports()));
  return p;
}
