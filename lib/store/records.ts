import { SLOT_COUNT } from '../slot/index.js';
import { parseOwnerRanges, type OwnerRange } from './owners.js';
import { RecordError, addr, array, fail, int, name, object, oneOf, parseJson, str } from './validate.js';

/**
 * The typed records of the cluster tree (DESIGN §2). Each parseX accepts JSON text, bytes or a
 * parsed value and returns a validated record or throws a RecordError naming the bad field.
 * Unknown fields are kept, so a record written by a newer version survives a CAS by an older one.
 */
export { RecordError } from './validate.js';
export { encodeOwners, decodeOwners, UNASSIGNED, type OwnerRange } from './owners.js';

export function toBytes(record: object): Buffer {
  return Buffer.from(JSON.stringify(record));
}

// ── config ──────────────────────────────────────────────────────────────────────────────────
export interface ClusterConfig {
  slots: number;
  /** A master acknowledges a write once this many replicas have it (DESIGN §6). */
  syncReplicas: number;
  /** A master whose probes fail this long is considered down. */
  downAfterMs: number;
  probeIntervalMs: number;
  /** Bound on the wait for proxies to ack a new slots epoch. */
  proxyAckTimeoutMs: number;
}

export const DEFAULT_CONFIG: ClusterConfig = {
  slots: SLOT_COUNT, syncReplicas: 0, downAfterMs: 5000, probeIntervalMs: 1000, proxyAckTimeoutMs: 5000,
};

export function parseConfig(input: unknown): ClusterConfig {
  const o = object(parseJson(input, 'config'), 'config');
  const field = (k: keyof ClusterConfig, min: number, max?: number) => int(o[k] ?? DEFAULT_CONFIG[k], `config.${k}`, min, max);
  return {
    ...o,
    slots: int(o.slots, 'config.slots', SLOT_COUNT, SLOT_COUNT),
    syncReplicas: field('syncReplicas', 0, 16),
    downAfterMs: field('downAfterMs', 100),
    probeIntervalMs: field('probeIntervalMs', 10),
    proxyAckTimeoutMs: field('proxyAckTimeoutMs', 0),
  };
}

// ── slots ───────────────────────────────────────────────────────────────────────────────────
export const MOVE_STATES = ['preparing', 'migrating', 'finishing'] as const;
export type MoveState = (typeof MOVE_STATES)[number];

export interface SlotMove {
  from: number;
  to: number;
  state: MoveState;
}

export interface SlotsDoc {
  /** Bumped on every change; proxies ack the epoch they applied. */
  epoch: number;
  owners: OwnerRange[];
  /** Keyed by slot number ("123"). */
  moving: Record<string, SlotMove>;
}

export function parseSlots(input: unknown): SlotsDoc {
  const o = object(parseJson(input, 'slots'), 'slots');
  return {
    ...o,
    epoch: int(o.epoch, 'slots.epoch', 0),
    owners: parseOwnerRanges(o.owners, 'slots.owners'),
    moving: parseMoving(o.moving ?? {}),
  };
}

function parseMoving(v: unknown): Record<string, SlotMove> {
  const moving: Record<string, SlotMove> = {};
  for (const [slot, m] of Object.entries(object(v, 'slots.moving'))) {
    const at = `slots.moving["${slot}"]`;
    if (!/^(0|[1-9]\d*)$/.test(slot) || Number(slot) >= SLOT_COUNT) fail(at, `a slot number 0..${SLOT_COUNT - 1} as key`, slot);
    const mo = object(m, at);
    const from = int(mo.from, `${at}.from`, 1);
    const to = int(mo.to, `${at}.to`, 1);
    if (to === from) fail(`${at}.to`, 'a group other than "from"', to);
    moving[slot] = { from, to, state: oneOf(mo.state, `${at}.state`, MOVE_STATES) };
  }
  return moving;
}

// ── groups ──────────────────────────────────────────────────────────────────────────────────
export type ServerRole = 'master' | 'replica';

export interface GroupRecord {
  id: number;
  /** Bumped on failover and on every membership change. */
  epoch: number;
  servers: { addr: string; role: ServerRole }[];
}

export function parseGroup(input: unknown): GroupRecord {
  const o = object(parseJson(input, 'group'), 'group');
  const servers = array(o.servers, 'group.servers', (s, at) => {
    const so = object(s, at);
    return { ...so, addr: addr(so.addr, `${at}.addr`), role: oneOf(so.role, `${at}.role`, ['master', 'replica'] as const) };
  });
  if (servers.filter((s) => s.role === 'master').length > 1) fail('group.servers', 'at most one master', servers.map((s) => s.role));
  const dup = servers.find((s, i) => servers.findIndex((t) => t.addr === s.addr) !== i);
  if (dup) fail('group.servers', 'distinct addresses', dup.addr);
  return { ...o, id: int(o.id, 'group.id', 1), epoch: int(o.epoch, 'group.epoch', 0), servers };
}

// ── proxies ─────────────────────────────────────────────────────────────────────────────────
export interface ProxyRecord {
  id: string;
  addr: string;
  adminAddr: string;
  pid: number;
  host: string;
  /** ms since the epoch */
  startedAt: number;
  /** The slots epoch this proxy has applied (its ack to the coordinator). */
  slotsEpoch: number;
  /** Servers this proxy cannot reach: its vote in failure detection. */
  unreachable: string[];
}

export function parseProxy(input: unknown): ProxyRecord {
  const o = object(parseJson(input, 'proxy'), 'proxy');
  return {
    ...o,
    id: name(o.id, 'proxy.id'),
    addr: addr(o.addr, 'proxy.addr'),
    adminAddr: addr(o.adminAddr, 'proxy.adminAddr'),
    pid: int(o.pid, 'proxy.pid', 1),
    host: str(o.host, 'proxy.host'),
    startedAt: int(o.startedAt, 'proxy.startedAt', 0),
    slotsEpoch: int(o.slotsEpoch, 'proxy.slotsEpoch', 0),
    unreachable: array(o.unreachable ?? [], 'proxy.unreachable', addr),
  };
}

// ── coordinator lock ────────────────────────────────────────────────────────────────────────
export interface CoordinatorRecord {
  addr: string;
  pid: number;
  since: number;
}

export function parseCoordinator(input: unknown): CoordinatorRecord {
  const o = object(parseJson(input, 'coordinator'), 'coordinator');
  return { ...o, addr: addr(o.addr, 'coordinator.addr'), pid: int(o.pid, 'coordinator.pid', 1), since: int(o.since, 'coordinator.since', 0) };
}

// ── migrations ──────────────────────────────────────────────────────────────────────────────
export const MIGRATION_STATES = ['pending', 'preparing', 'migrating', 'finishing', 'done', 'failed'] as const;
export type MigrationState = (typeof MIGRATION_STATES)[number];

export interface MigrationRecord {
  slots: number[];
  from: number;
  to: number;
  state: MigrationState;
  /** Slots finished so far, out of total. */
  done: number;
  total: number;
  startedAt: number;
}

export function parseMigration(input: unknown): MigrationRecord {
  const o = object(parseJson(input, 'migration'), 'migration');
  const slots = array(o.slots, 'migration.slots', (s, at) => int(s, at, 0, SLOT_COUNT - 1));
  if (slots.length === 0) fail('migration.slots', 'at least one slot', slots);
  const from = int(o.from, 'migration.from', 1);
  const to = int(o.to, 'migration.to', 1);
  if (to === from) fail('migration.to', 'a group other than "from"', to);
  const total = int(o.total, 'migration.total', 0);
  return {
    ...o, slots, from, to, total,
    state: oneOf(o.state, 'migration.state', MIGRATION_STATES),
    done: int(o.done, 'migration.done', 0, total),
    startedAt: int(o.startedAt, 'migration.startedAt', 0),
  };
}

// ── events ──────────────────────────────────────────────────────────────────────────────────
export interface EventRecord {
  /** ms since the epoch */
  at: number;
  /** What happened, e.g. "failover", "migration.done". */
  kind: string;
  /** Why, for people. */
  message: string;
  data?: Record<string, unknown>;
}

export function parseEvent(input: unknown): EventRecord {
  const o = object(parseJson(input, 'event'), 'event');
  if (o.data !== undefined) object(o.data, 'event.data');
  return { ...o, at: int(o.at, 'event.at', 0), kind: str(o.kind, 'event.kind'), message: str(o.message, 'event.message') };
}

/** True for a validation failure of any record. */
export function isRecordError(e: unknown): e is RecordError {
  return e instanceof RecordError;
}
