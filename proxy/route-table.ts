/**
 * The routing table a proxy applies atomically: which group owns each slot, each group's servers,
 * and the slots being moved (routed to the source, following -ASK once). Built from the store's
 * slots and groups records (store mode) or from a static backend list (static mode); swapped whole
 * on every change so a request never sees half of an update.
 */
import { SLOT_COUNT } from '../lib/slot/index.js';

export interface GroupRoute {
  id: number;
  /** host:port of the master, or null while the group has none (requests to it fail fast). */
  master: string | null;
  replicas: string[];
}

export interface RouteTable {
  /** Slots epoch from the store (0 for static tables); proxies ack it once applied. */
  epoch: number;
  /** Owning group id per slot; 0 = unassigned (requests answer -CLUSTERDOWN). */
  slotGroup: Uint16Array;
  groups: Map<number, GroupRoute>;
  /** Slots in migration: source and target group ids. */
  moving: Map<number, { from: number; to: number }>;
  /**
   * How multi-key commands are split: 'group' when backends are plain servers (one MGET per
   * group, fewest backend commands), 'slot' when they are cluster-mode nodes (which refuse
   * multi-slot commands with -CROSSSLOT, as Redis Cluster does).
   */
  splitBy: 'group' | 'slot';
}

/** Static mode: the 16384 slots split into contiguous, even ranges over the listed masters. */
export function staticTable(backends: string[]): RouteTable {
  if (backends.length === 0) throw new Error('static mode needs at least one backend');
  if (backends.length > 1024) throw new Error('at most 1024 backends');
  const slotGroup = new Uint16Array(SLOT_COUNT);
  const groups = new Map<number, GroupRoute>();
  backends.forEach((addr, i) => groups.set(i + 1, { id: i + 1, master: addr, replicas: [] }));
  for (let s = 0; s < SLOT_COUNT; s++) slotGroup[s] = Math.floor((s * backends.length) / SLOT_COUNT) + 1;
  return { epoch: 0, slotGroup, groups, moving: new Map(), splitBy: 'group' };
}
