/**
 * Copy-on-write for running snapshots: keeps every active snapshot's view of the dataset as it was
 * when the snapshot began, while writes go on.
 *
 * A snapshot captures, per database, the key and value arrays (Dict.freeze: chunk-level
 * copy-on-write, O(chunks) at the start). Strings are immutable JS strings, so a captured string
 * IS its point-in-time value; only two things can still change under it:
 *  - an aggregate (list, hash …) mutated in place: before a write command runs, each of its keys
 *    holding an aggregate is cloned once, remembered by object identity (so RENAME, MOVE, SWAPDB,
 *    which move the object, do not matter);
 *  - a key's expiry: the Db's change paths (set/delete/setExpire/removeExpire) save the old expiry
 *    of each key once; FLUSHDB/FLUSHALL/SWAPDB freeze a copy of the database's expiry table.
 * Several snapshots may run at once; each keeps its own saved copies. With none running, the only
 * cost on the write path is one field check (`Db.cow`, `server.cow.active`).
 */
import { keyPositions } from '../../lib/commands/keys.js';
import type { Client } from '../client.js';
import type { NodeCommand } from '../commands/registry.js';
import type { Db } from '../keyspace/db.js';
import type { DataObject, Value } from '../keyspace/types.js';
import { ShardedMap } from '../keyspace/sharded-map.js';
import type { FrozenArray } from '../keyspace/chunked-array.js';

/** "No expiry at snapshot time" in saved-expiry maps. */
const NO_TTL = -1;

/** One running snapshot's point-in-time view. */
export class CowView {
  /** Captured keys and values per database id (empty databases: empty arrays). */
  readonly keys: FrozenArray<string>[] = [];
  readonly vals: FrozenArray<Value>[] = [];
  private readonly clones = new Map<DataObject, DataObject>();
  /** Sharded: a snapshot under a heavy write load saves hundreds of thousands of expiries. */
  private readonly savedTtl = new Map<Db, ShardedMap<number>>();
  private readonly frozenTtl = new Map<Db, ShardedMap<number>>();

  constructor(dbs: readonly Db[]) {
    for (const db of dbs) {
      const { keys, vals } = db.dict.freeze();
      this.keys.push(keys);
      this.vals.push(vals);
    }
  }

  /** The value as it was at the start (a clone if it was mutated in place since). */
  valueAt(v: Value): Value {
    return typeof v === 'string' ? v : (this.clones.get(v) ?? v);
  }

  /** The expiry (absolute ms) the key had at the start, or undefined. */
  expireAt(db: Db, key: string): number | undefined {
    const saved = this.savedTtl.get(db)?.get(key);
    const when = saved ?? (this.frozenTtl.get(db) ?? db.expires).get(key);
    return when === NO_TTL ? undefined : when;
  }

  /** Before an aggregate is mutated in place. */
  preserveValue(v: DataObject): void {
    if (!this.clones.has(v)) this.clones.set(v, v.clone());
  }

  /** Before a key's expiry may change. */
  preserveTtl(db: Db, key: string): void {
    if (this.frozenTtl.has(db)) return;
    let m = this.savedTtl.get(db);
    if (!m) this.savedTtl.set(db, (m = new ShardedMap()));
    if (!m.has(key)) m.set(key, db.expires.get(key) ?? NO_TTL);
  }

  /** Before a database is emptied or swapped: its whole expiry table as it is now. */
  freeze(db: Db): void {
    if (this.frozenTtl.has(db)) return;
    const copy = new ShardedMap<number>();
    for (const [k, when] of db.expires) copy.set(k, when);
    this.frozenTtl.set(db, copy);
  }
}

/** The server's set of running snapshots, consulted by the write paths. */
export class CowRegistry {
  /** True while at least one snapshot runs (the hot-path check). */
  active = false;
  private readonly views = new Set<CowView>();

  constructor(private readonly dbs: readonly Db[]) {}

  /** Starts a point-in-time view of every database. */
  open(): CowView {
    const view = new CowView(this.dbs);
    this.views.add(view);
    this.setActive(true);
    return view;
  }

  close(view: CowView): void {
    this.views.delete(view);
    if (this.views.size === 0) this.setActive(false);
  }

  private setActive(on: boolean): void {
    this.active = on;
    for (const db of this.dbs) db.cow = on ? this : null;
  }

  /** Db change paths: a key's value or expiry is about to change. */
  beforeKeyChange(db: Db, key: string): void {
    for (const v of this.views) v.preserveTtl(db, key);
  }

  /** Db.clear / swapWith. */
  beforeEmpty(db: Db): void {
    for (const v of this.views) v.freeze(db);
  }

  /** Dispatch: a write command is about to run; aggregates under its keys may change in place. */
  beforeCommand(c: Client, cmd: NodeCommand, argv: string[]): void {
    const pos = keyPositions(cmd.spec, argv);
    if (pos === null) return;
    for (const p of pos) this.beforeAggregateWrite(c.db, argv[p]);
  }

  /** An aggregate under `key` may be mutated in place (also for writes that name no key argument). */
  beforeAggregateWrite(db: Db, key: string): void {
    const val = db.dict.get(key);
    if (val === undefined || typeof val === 'string') return;
    for (const v of this.views) v.preserveValue(val);
  }
}
