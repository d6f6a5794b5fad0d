/**
 * Store mode (DESIGN §2, §5): the proxy's view of the cluster tree. It registers this proxy as an
 * ephemeral proxies/<id> record, watches the slots document and every group record, and emits
 * 'table' with a complete RouteTable whenever one of them changes — built fresh from the last good
 * records and handed over whole, so the hot path swaps one reference and never sees half an update.
 * Invalid records are logged and ignored: the proxy keeps routing by the last good table.
 *
 * Events: 'table' (RouteTable). Nothing is emitted before the first complete table (slots read and
 * valid, the group list read, every listed group read once); the proxy answers -CLUSTERDOWN meanwhile.
 */
import { EventEmitter } from 'node:events';
import os from 'node:os';
import { Logger } from '../lib/log.js';
import { isStoreError, type Store, type Unsubscribe, type Versioned } from '../lib/store/index.js';
import { clusterPaths, type ClusterPaths } from '../lib/store/cluster.js';
import {
  decodeOwners, isRecordError, parseGroup, parseProxy, parseSlots, toBytes,
  type GroupRecord, type ProxyRecord, type SlotsDoc,
} from '../lib/store/records.js';
import { addr } from '../lib/store/validate.js';
import type { GroupRoute, RouteTable } from './route-table.js';

export interface ProxySelf {
  id: string;
  addr: string;
  adminAddr: string;
}

export interface TopologyOptions {
  log?: Pick<Logger, 'warning' | 'notice'>;
  /**
   * How long start() keeps retrying while proxies/<id> exists: a restarted proxy's previous ZooKeeper
   * session may hold it until that session expires.
   */
  registerTimeoutMs?: number;
}

/** RouteTable.slotGroup is a Uint16Array: larger group ids cannot be routed. */
const MAX_GROUP_ID = 0xffff;
/** How long a table naming an unlisted group waits for the groups watch to catch up. */
const GROUP_WAIT_MS = 1000;

export class StoreTopology extends EventEmitter {
  private readonly paths: ClusterPaths;
  private readonly log: Pick<Logger, 'warning' | 'notice'>;
  private readonly record: ProxyRecordWriter;
  private readonly unwatch: Unsubscribe[] = [];
  private readonly groupWatches = new Map<number, Unsubscribe>();
  /** Last good slots document; null until one was read. */
  private slots: SlotsDoc | null = null;
  /** Group id → last good record; absent until read (or when never valid). */
  private readonly groups = new Map<number, GroupRecord>();
  /** Groups listed under groups/ whose record has not been delivered yet. */
  private readonly unread = new Set<number>();
  private groupsListed = false;
  private current: RouteTable | null = null;
  private deferTimer: NodeJS.Timeout | undefined;
  private waitedFor: SlotsDoc | null = null;
  private closed = false;
  private readonly onRestored = () => this.record.sync().catch((e) => this.log.warning(`proxy record not re-created: ${errText(e)}`));

  constructor(private readonly store: Store, cluster: string, self: ProxySelf, opts: TopologyOptions = {}) {
    super();
    this.paths = clusterPaths(cluster);
    this.log = opts.log ?? new Logger('notice', 'P');
    this.record = new ProxyRecordWriter(store, this.paths.proxy(self.id), self, opts.registerTimeoutMs ?? 15_000);
  }

  /** The last table emitted, or null before the first complete one. */
  get table(): RouteTable | null {
    return this.current;
  }

  async start(): Promise<void> {
    await this.record.register();
    this.store.on('sessionRestored', this.onRestored);
    this.unwatch.push(this.store.watch(this.paths.slots, (v) => this.onSlots(v)));
    this.unwatch.push(this.store.watchChildren(this.paths.groups, (names) => this.onGroupList(names)));
  }

  /** Records that this proxy applied slots epoch `epoch` (the coordinator waits for it). */
  ack(epoch: number): Promise<void> {
    if (!Number.isSafeInteger(epoch) || epoch < 0) return Promise.reject(new RangeError(`bad slots epoch ${epoch}`));
    return this.record.update({ slotsEpoch: epoch });
  }

  /**
   * This proxy's vote in failure detection. Rapid calls collapse into one write and an unchanged
   * list writes nothing. A malformed address is dropped: it would make the whole record unreadable,
   * and an unreadable record never counts as an ack.
   */
  reportUnreachable(addrs: string[]): void {
    const bad = addrs.filter((a) => !isAddr(a));
    if (bad.length > 0) this.log.warning(`not reporting malformed server address(es) as unreachable: ${bad.join(', ')}`);
    const list = [...new Set(addrs.filter(isAddr))].sort();
    this.record.update({ unreachable: list }).catch((e) => this.log.warning(`unreachable list not written: ${errText(e)}`));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.deferTimer);
    this.store.off('sessionRestored', this.onRestored);
    for (const stop of [...this.unwatch, ...this.groupWatches.values()]) stop();
    this.unwatch.length = 0;
    this.groupWatches.clear();
    await this.record.remove();
  }

  private onSlots(v: Versioned | null): void {
    if (!v) {
      if (this.slots) this.log.warning(`${this.paths.slots} was deleted; keeping the last table (epoch ${this.slots.epoch})`);
      return;
    }
    try {
      const doc = parseSlots(v.data);
      const tooBig = doc.owners.find(([, , g]) => g > MAX_GROUP_ID);
      if (tooBig) throw new Error(`group id ${tooBig[2]} is above ${MAX_GROUP_ID}`);
      this.slots = doc;
    } catch (e) {
      this.log.warning(`ignoring invalid ${this.paths.slots} (version ${v.version}): ${errText(e)}; keeping the last good table`);
      return;
    }
    this.publish();
  }

  private onGroupList(names: string[]): void {
    if (this.closed) return;
    const ids = new Set<number>();
    for (const n of names) {
      const id = Number(n);
      if (/^[1-9]\d*$/.test(n) && id <= MAX_GROUP_ID) ids.add(id);
      else this.log.warning(`ignoring ${this.paths.groups}/${n}: not a group id`);
    }
    for (const [id, stop] of this.groupWatches) {
      if (ids.has(id)) continue;
      stop();
      this.groupWatches.delete(id);
      this.groups.delete(id);
      this.unread.delete(id);
    }
    for (const id of ids) {
      if (this.groupWatches.has(id)) continue;
      this.unread.add(id);
      this.groupWatches.set(id, this.store.watch(this.paths.group(id), (v) => this.onGroup(id, v)));
    }
    this.groupsListed = true;
    this.publish();
  }

  private onGroup(id: number, v: Versioned | null): void {
    if (this.closed || !this.groupWatches.has(id)) return;
    this.unread.delete(id);
    if (!v) {
      this.groups.delete(id); // deleted; the children watch drops it from the list too
    } else {
      try {
        const g = parseGroup(v.data);
        if (g.id !== id) throw new Error(`its id is ${g.id}`);
        this.groups.set(id, g);
      } catch (e) {
        this.log.warning(`ignoring invalid ${this.paths.group(id)} (version ${v.version}): ${errText(e)}; keeping its last good record`);
        if (this.current) return;
      }
    }
    this.publish();
  }

  /**
   * Emits a fresh table once everything has been read at least once. A slots document naming a
   * group this proxy has not seen yet usually means the group was created just before it and the
   * groups watch is a moment behind: wait for it (bounded) rather than route those slots nowhere.
   */
  private publish(force = false): void {
    if (this.closed || !this.slots || !this.groupsListed || this.unread.size > 0) return;
    const missing = referencedGroups(this.slots).filter((id) => !this.groupWatches.has(id));
    // Waited once for this document already: later changes (a failover elsewhere) go out at once.
    if (missing.length > 0 && !force && this.slots !== this.waitedFor) {
      if (this.deferTimer) return;
      this.log.notice(`slots epoch ${this.slots.epoch} names group(s) ${missing.join(', ')} not listed yet: waiting up to ${GROUP_WAIT_MS} ms`);
      this.deferTimer = setTimeout(() => {
        this.deferTimer = undefined;
        this.waitedFor = this.slots;
        this.publish(true);
      }, GROUP_WAIT_MS);
      this.deferTimer.unref();
      return;
    }
    if (missing.length > 0) this.log.warning(`slots epoch ${this.slots.epoch}: no record for group(s) ${missing.join(', ')}; their slots fail until one appears`);
    clearTimeout(this.deferTimer);
    this.deferTimer = undefined;
    this.current = buildRouteTable(this.slots, this.groups);
    this.emit('table', this.current);
  }
}

/**
 * The RouteTable for a slots document and group records. Store-mode backends are cluster-mode
 * nodes, so multi-key commands are split by slot. A group that owns slots but has no (valid) record
 * gets a route without a master, so its requests fail fast instead of going somewhere wrong.
 */
export function buildRouteTable(slots: SlotsDoc, groups: ReadonlyMap<number, GroupRecord>): RouteTable {
  const slotGroup = Uint16Array.from(decodeOwners(slots.owners));
  const routes = new Map<number, GroupRoute>();
  for (const g of groups.values()) {
    routes.set(g.id, {
      id: g.id,
      master: g.servers.find((s) => s.role === 'master')?.addr ?? null,
      replicas: g.servers.filter((s) => s.role === 'replica').map((s) => s.addr),
    });
  }
  const moving = new Map<number, { from: number; to: number }>();
  for (const [slot, m] of Object.entries(slots.moving)) moving.set(Number(slot), { from: m.from, to: m.to });
  for (const id of referencedGroups(slots)) if (!routes.has(id)) routes.set(id, { id, master: null, replicas: [] });
  return { epoch: slots.epoch, slotGroup, groups: routes, moving, splitBy: 'slot' };
}

/** Group ids that own slots or take part in a move. */
function referencedGroups(slots: SlotsDoc): number[] {
  const ids = new Set(slots.owners.map(([, , g]) => g));
  for (const m of Object.values(slots.moving)) ids.add(m.from).add(m.to);
  return [...ids];
}

type RecordFields = Pick<ProxyRecord, 'slotsEpoch' | 'unreachable'>;

/**
 * This proxy's own ephemeral record. Writes are serialized and coalesced: a write reads the record,
 * merges the wanted fields in (keeping fields other versions added) and compare-and-sets it; every
 * change requested before a write starts rides on it. A record lost with the session is re-created.
 */
class ProxyRecordWriter {
  private readonly base: ProxyRecord;
  private want: RecordFields = { slotsEpoch: 0, unreachable: [] };
  /** The last write stored `want`: an identical update then writes nothing. */
  private inSync = true;
  /** The write queued behind the running one, shared by everyone who asks meanwhile. */
  private queued: Promise<void> | null = null;
  private last: Promise<void> = Promise.resolve();
  private removed = false;

  constructor(private readonly store: Store, private readonly path: string, self: ProxySelf, private readonly registerTimeoutMs: number) {
    this.base = parseProxy({
      ...self, pid: process.pid, host: os.hostname(), startedAt: Date.now(), slotsEpoch: 0, unreachable: [],
    } satisfies ProxyRecord);
  }

  async register(): Promise<void> {
    const deadline = Date.now() + this.registerTimeoutMs;
    for (;;) {
      try {
        await this.store.create(this.path, this.data(), { ephemeral: true, parents: true });
        return;
      } catch (e) {
        if (!isStoreError(e, 'NODE_EXISTS')) throw e;
        if (Date.now() >= deadline) {
          throw new Error(`${this.path} exists: another proxy runs with id ${this.base.id} (or a previous one's session has not expired yet)`);
        }
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  update(fields: Partial<RecordFields>): Promise<void> {
    const next = { ...this.want, ...fields };
    if (this.inSync && sameFields(next, this.want)) return Promise.resolve();
    this.want = next;
    this.inSync = false;
    return this.sync();
  }

  sync(): Promise<void> {
    if (this.removed) return Promise.resolve();
    if (this.queued) return this.queued;
    const run = this.last.catch(() => {}).then(() => {
      this.queued = null;
      return this.write();
    });
    this.queued = run;
    this.last = run;
    return run;
  }

  async remove(): Promise<void> {
    this.removed = true;
    await this.last.catch(() => {});
    await this.store.delete(this.path).catch((e) => {
      if (!isStoreError(e, 'NO_NODE') && !isStoreError(e, 'CLOSED')) throw e;
    });
  }

  private data(current?: Versioned): Buffer {
    let kept: object = {};
    try {
      if (current) kept = parseProxy(current.data);
    } catch (e) {
      if (!isRecordError(e)) throw e; // an unreadable record is simply rewritten
    }
    return toBytes({ ...kept, ...this.base, ...this.want });
  }

  private async write(): Promise<void> {
    const wanted = this.want;
    for (let attempt = 0; attempt < 20 && !this.removed; attempt++) {
      const current = await this.store.get(this.path);
      try {
        if (current) await this.store.set(this.path, this.data(current), current.version);
        else await this.store.create(this.path, this.data(), { ephemeral: true, parents: true });
        this.inSync = this.want === wanted;
        return;
      } catch (e) {
        if (!isStoreError(e, 'BAD_VERSION') && !isStoreError(e, 'NO_NODE') && !isStoreError(e, 'NODE_EXISTS')) throw e;
      }
    }
    if (!this.removed) throw new Error(`${this.path}: gave up after 20 compare-and-set attempts`);
  }
}

function sameFields(a: RecordFields, b: RecordFields): boolean {
  return a.slotsEpoch === b.slotsEpoch && a.unreachable.join() === b.unreachable.join();
}

function isAddr(a: string): boolean {
  try {
    addr(a, 'addr');
    return true;
  } catch {
    return false;
  }
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
