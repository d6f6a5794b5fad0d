/**
 * The stream type: entries ordered by ID in a sorted array of nodes (Redis's rax of listpacks).
 * Appending is O(1); seeking an ID is a binary search over nodes then within one node, O(log n).
 * Besides the entries a stream keeps its last generated ID, the count of entries ever added, the
 * largest deleted ID (for consumer-group lag) and its consumer groups. An emptied stream stays.
 */
import type { DataObject } from '../keyspace/types.js';
import { ConsumerGroup, INVALID_ENTRIES_READ } from './stream-group.js';
import { ID_MAX, ID_ZERO, idMs, makeId, type StreamId } from './stream-id.js';
import { StreamNode } from './stream-node.js';

export type TrimStrategy = { kind: 'maxlen'; maxlen: number } | { kind: 'minid'; minid: StreamId };

export interface TrimArgs {
  strategy: TrimStrategy;
  approx: boolean;
  /** Most entries to remove (0: no limit). */
  limit: number;
}

const OBJECT_HEADER_BYTES = 64;
const GROUP_BYTES = 64;
const NACK_BYTES = 48;

export class StreamObject implements DataObject {
  readonly type = 'stream' as const;
  private nodes: StreamNode[] = [];
  length = 0;
  lastId: StreamId = ID_ZERO;
  entriesAdded = 0;
  maxDeletedId: StreamId = ID_ZERO;
  readonly groups = new Map<string, ConsumerGroup>();

  // ---- entries ---------------------------------------------------------------------------

  /** The ID `*` generates at time `now` (streamNextID); null when the last ID is the maximum. */
  nextAutoId(now: number): StreamId | null {
    const ms = BigInt(now);
    if (ms > idMs(this.lastId)) return makeId(ms, 0n);
    return this.lastId === ID_MAX ? null : this.lastId + 1n;
  }

  /** Appends an entry; the ID must be greater than lastId. */
  append(id: StreamId, fv: string[]): void {
    let node = this.nodes[this.nodes.length - 1];
    let fieldBytes = 0;
    for (const s of fv) fieldBytes += s.length;
    if (node === undefined || node.full(fieldBytes)) {
      const fields: string[] = [];
      for (let i = 0; i < fv.length; i += 2) fields.push(fv[i]);
      node = new StreamNode(id, fields);
      this.nodes.push(node);
    }
    node.append(id, fv);
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
  }

  /** First live entry's ID, or 0-0 when empty (XINFO's recorded-first-entry-id). */
  firstId(): StreamId {
    const e = this.firstEntry(false);
    return e === undefined ? ID_ZERO : e[0];
  }

  /** The last live entry's ID, or 0-0 when empty (streamLastValidID). */
  lastValidId(): StreamId {
    const e = this.firstEntry(true);
    return e === undefined ? ID_ZERO : e[0];
  }

  /** The first (or last) live entry. */
  firstEntry(last: boolean): [StreamId, string[]] | undefined {
    let found: [StreamId, string[]] | undefined;
    this.range(ID_ZERO, ID_MAX, last, (id, fv) => {
      found = [id, fv];
      return false;
    });
    return found;
  }

  /** An entry's fields and values, undefined when absent or deleted. */
  get(id: StreamId): string[] | undefined {
    const at = this.locate(id);
    return at === null ? undefined : this.nodes[at[0]].values[at[1]];
  }

  has(id: StreamId): boolean {
    return this.locate(id) !== null;
  }

  /**
   * Visits live entries with start <= id <= end, ascending (or descending when `rev`), until
   * `visit` returns false.
   */
  range(start: StreamId, end: StreamId, rev: boolean, visit: (id: StreamId, fv: string[]) => boolean): void {
    if (start > end || this.length === 0) return;
    if (!rev) {
      for (let n = Math.max(0, this.nodeFor(start)); n < this.nodes.length; n++) {
        const node = this.nodes[n];
        for (let i = node.lowerBound(start); i < node.ids.length; i++) {
          if (node.ids[i] > end) return;
          if (!node.deleted[i] && !visit(node.ids[i], node.values[i])) return;
        }
      }
      return;
    }
    for (let n = this.nodeFor(end); n >= 0; n--) {
      const node = this.nodes[n];
      for (let i = node.lowerBound(end + 1n) - 1; i >= 0; i--) {
        if (node.ids[i] < start) return;
        if (!node.deleted[i] && !visit(node.ids[i], node.values[i])) return;
      }
    }
  }

  /** Deletes one entry (XDEL); the emptied node goes. Updates maxDeletedId. */
  delete(id: StreamId): boolean {
    const at = this.locate(id);
    if (at === null) return false;
    const node = this.nodes[at[0]];
    if (node.live === 1) this.nodes.splice(at[0], 1);
    else node.markDeleted(at[1]);
    this.length--;
    if (id > this.maxDeletedId) this.maxDeletedId = id;
    return true;
  }

  /** streamTrim: removes whole nodes, then (unless approximate) entries of the next one. */
  trim(args: TrimArgs): number {
    const { strategy, approx, limit } = args;
    let deleted = 0;
    while (this.nodes.length > 0) {
      if (strategy.kind === 'maxlen' && this.length <= strategy.maxlen) break;
      const node = this.nodes[0];
      if (limit && deleted + node.live > limit) break;
      const removeNode = strategy.kind === 'maxlen' ? this.length - node.live >= strategy.maxlen : node.last < strategy.minid;
      if (removeNode) {
        this.nodes.shift();
        this.length -= node.live;
        deleted += node.live;
        continue;
      }
      if (approx) break;
      for (let i = 0; i < node.ids.length; i++) {
        const stop = strategy.kind === 'maxlen' ? this.length <= strategy.maxlen : node.ids[i] >= strategy.minid;
        if (stop) break;
        if (node.markDeleted(i)) {
          this.length--;
          deleted++;
        }
      }
      break;
    }
    return deleted;
  }

  // ---- consumer groups ---------------------------------------------------------------------

  createGroup(name: string, lastId: StreamId, entriesRead: number): ConsumerGroup | null {
    if (this.groups.has(name)) return null;
    const g = new ConsumerGroup(name, lastId, entriesRead);
    this.groups.set(name, g);
    return g;
  }

  /** Groups in Redis's rax order (byte order of the names). */
  sortedGroups(): ConsumerGroup[] {
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** streamRangeHasTombstones: whether a deleted entry may lie within [start, end]. */
  rangeHasTombstones(start: StreamId, end: StreamId = ID_MAX): boolean {
    if (this.length === 0 || this.maxDeletedId === ID_ZERO) return false;
    if (this.firstId() > this.maxDeletedId) return false;
    return start <= this.maxDeletedId && this.maxDeletedId <= end;
  }

  /** streamEstimateDistanceFromFirstEverEntry: the entries-read counter of `id`, or -1. */
  estimateEntriesRead(id: StreamId): number {
    if (this.entriesAdded === 0) return 0;
    if (this.length === 0 && id <= this.lastId) return this.entriesAdded;
    if (id === this.lastId) return this.entriesAdded;
    if (id > this.lastId) return INVALID_ENTRIES_READ;
    const first = this.firstId();
    if (this.maxDeletedId === ID_ZERO || this.maxDeletedId < first) {
      if (id < first) return this.entriesAdded - this.length;
      if (id === first) return this.entriesAdded - this.length + 1;
    }
    return INVALID_ENTRIES_READ;
  }

  /** A group's lag (XINFO), or null when it cannot be known. */
  lag(g: ConsumerGroup): number | null {
    if (this.entriesAdded === 0) return 0;
    if (g.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(g.lastId)) return this.entriesAdded - g.entriesRead;
    const read = this.estimateEntriesRead(g.lastId);
    return read === INVALID_ENTRIES_READ ? null : this.entriesAdded - read;
  }

  /** Moves a group's last-delivered ID forward to a delivered `id`, keeping entries-read. */
  advanceGroup(g: ConsumerGroup, id: StreamId): void {
    if (id <= g.lastId) return;
    if (g.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(id)) g.entriesRead++;
    else if (this.entriesAdded) g.entriesRead = this.estimateEntriesRead(id);
    g.lastId = id;
  }

  // ---- introspection ------------------------------------------------------------------------

  /** Number of rax keys (listpack nodes), XINFO's radix-tree-keys. */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /**
   * Nodes of the rax holding the node keys (16-byte big-endian IDs), XINFO's radix-tree-nodes:
   * the head, every key, every branching prefix and each branch's first child.
   */
  raxNodeCount(): number {
    const keys = this.nodes.map((n) => n.master.toString(16).padStart(32, '0'));
    const prefixes = new Set<string>(['', ...keys]);
    for (let i = 1; i < keys.length; i++) {
      const a = keys[i - 1];
      const b = keys[i];
      let l = 0;
      while (l < 32 && a.slice(l, l + 2) === b.slice(l, l + 2)) l += 2;
      prefixes.add(a.slice(0, l));
      prefixes.add(a.slice(0, l + 2));
      prefixes.add(b.slice(0, l + 2));
    }
    return prefixes.size;
  }

  encoding(): string {
    return 'stream';
  }

  memoryUsage(): number {
    let bytes = OBJECT_HEADER_BYTES;
    for (const n of this.nodes) bytes += n.bytes;
    for (const g of this.groups.values()) bytes += GROUP_BYTES + g.pel.size * NACK_BYTES;
    return bytes;
  }

  clone(): StreamObject {
    const s = new StreamObject();
    s.nodes = this.nodes.map((n) => n.clone());
    s.length = this.length;
    s.lastId = this.lastId;
    s.entriesAdded = this.entriesAdded;
    s.maxDeletedId = this.maxDeletedId;
    for (const [name, g] of this.groups) s.groups.set(name, g.clone());
    return s;
  }

  /** Index of the last node whose first ID is <= id (-1 when id precedes every node). */
  private nodeFor(id: StreamId): number {
    let lo = 0;
    let hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.nodes[mid].master <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** [node index, entry index] of a live entry, or null. */
  private locate(id: StreamId): [number, number] | null {
    const n = this.nodeFor(id);
    if (n < 0) return null;
    const node = this.nodes[n];
    const i = node.lowerBound(id);
    if (i >= node.ids.length || node.ids[i] !== id || node.deleted[i]) return null;
    return [n, i];
  }
}
