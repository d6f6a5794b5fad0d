/**
 * CLUSTER's subcommands for slot-aware nodes (DESIGN §3), plus ASKING, READONLY and READWRITE.
 * Replies and error texts follow Redis 7.0's cluster.c; CLUSTER SETNODE is slotgate's extension
 * through which the coordinator tells a node where the other nodes are (there is no gossip).
 */
import { Err } from '../../lib/errors.js';
import { keySlot, SLOT_COUNT } from '../../lib/slot/index.js';
import type { Client } from '../client.js';
import type { ClusterNode, ClusterState } from '../cluster/state.js';
import { validNodeId } from '../cluster/state.js';
import { redirectBlockedClients } from '../cluster/blocked-redirect.js';
import { parseInt64 } from './args.js';
import { helpReply } from './connection.js';
import type { Handler } from './registry.js';

type ClusterHandler = (c: Client, argv: string[], st: ClusterState) => void;

/** Every cluster command answers Redis's error on a node started without cluster mode. */
function enabled(h: ClusterHandler): Handler {
  return (c, argv) => {
    const st = c.server.cluster;
    if (st === null) return c.out.error(Err.clusterDisabled);
    h(c, argv, st);
  };
}

/**
 * A command that changes the cluster state: when it succeeded (replied +OK), the change is saved
 * to the cluster-config-file and clients blocked on slots no longer served here are redirected.
 */
function mutating(h: ClusterHandler): Handler {
  return enabled((c, argv, st) => {
    const errors = c.out.errors;
    h(c, argv, st);
    if (c.out.errors !== errors) return;
    st.changed();
    redirectBlockedClients(c.server);
  });
}

/** An integer argument, or null after replying Err.notInteger. */
function intOrReply(c: Client, s: string): number | null {
  const v = parseInt64(s);
  if (v === null) {
    c.out.error(Err.notInteger);
    return null;
  }
  return Number(v);
}

/** A slot number (getSlotOrReply), or null after replying. */
function slotOrReply(c: Client, s: string): number | null {
  const v = parseInt64(s);
  if (v === null || v < 0 || v >= SLOT_COUNT) {
    c.out.error(Err.clusterSlotOutOfRange);
    return null;
  }
  return Number(v);
}

function countKeysInSlot(c: Client, argv: string[]): void {
  const slot = intOrReply(c, argv[2]);
  if (slot === null) return;
  if (slot < 0 || slot >= SLOT_COUNT) return c.out.error(Err.clusterInvalidSlot);
  c.out.int(slotIndex(c).count(slot));
}

function getKeysInSlot(c: Client, argv: string[]): void {
  const slot = intOrReply(c, argv[2]);
  if (slot === null) return;
  const max = intOrReply(c, argv[3]);
  if (max === null) return;
  if (slot < 0 || slot >= SLOT_COUNT || max < 0) return c.out.error(Err.clusterInvalidSlotOrCount);
  c.out.bulks(slotIndex(c).keys(slot, max));
}

function slotIndex(c: Client) {
  return c.server.dbs[0].slotIndex!;
}

/**
 * ADDSLOTS/DELSLOTS and their RANGE forms: every slot is validated (parseable, not busy / not
 * unassigned, not repeated) before any is changed, as Redis does.
 */
function updateSlots(del: boolean, ranges: boolean): ClusterHandler {
  return (c, argv, st) => {
    if (ranges && argv.length % 2 === 1) return c.out.error(Err.arity(argv[0].toLowerCase() + '|' + argv[1].toLowerCase()));
    const chosen = new Set<number>();
    const step = ranges ? 2 : 1;
    if (!ranges) {
      // Redis parses every argument before checking any assignment.
      for (let i = 2; i < argv.length; i++) if (slotOrReply(c, argv[i]) === null) return;
    }
    for (let i = 2; i < argv.length; i += step) {
      const from = slotOrReply(c, argv[i]);
      if (from === null) return;
      const to = ranges ? slotOrReply(c, argv[i + 1]) : from;
      if (to === null) return;
      if (from > to) return c.out.error(Err.clusterRangeReversed(from, to));
      for (let slot = from; slot <= to; slot++) {
        const err = slotCheck(st, del, slot, chosen);
        if (err) return c.out.error(err);
        chosen.add(slot);
      }
    }
    for (const slot of chosen) {
      // Becoming the owner ends an import (Redis clusterUpdateSlots).
      if (!del) st.importing.delete(slot);
      st.assign(slot, del ? null : st.myId);
    }
    c.out.ok();
  };
}

function slotCheck(st: ClusterState, del: boolean, slot: number, chosen: Set<number>): string | null {
  if (del && st.ownerOf(slot) === null) return Err.clusterSlotUnassigned(slot);
  if (!del && st.ownerOf(slot) !== null) return Err.clusterSlotBusy(slot);
  if (chosen.has(slot)) return Err.clusterSlotRepeated(slot);
  return null;
}

function setSlot(c: Client, argv: string[], st: ClusterState): void {
  const slot = slotOrReply(c, argv[2]);
  if (slot === null) return;
  const action = argv[3].toLowerCase();
  const target = argv[4];
  let err: string | null;
  if (action === 'migrating' && argv.length === 5) err = setMigrating(st, slot, target);
  else if (action === 'importing' && argv.length === 5) err = setImporting(st, slot, target);
  else if (action === 'stable' && argv.length === 4) err = setStable(st, slot);
  else if (action === 'node' && argv.length === 5) err = setNode(c, st, slot, target);
  else err = Err.clusterBadSetslot;
  if (err) c.out.error(err);
  else c.out.ok();
}

function setMigrating(st: ClusterState, slot: number, target: string): string | null {
  if (!st.isMine(slot)) return Err.clusterNotOwner(slot);
  if (!st.node(target)) return Err.clusterUnknownNodeAbout(target);
  st.migrating.set(slot, target);
  return null;
}

function setImporting(st: ClusterState, slot: number, source: string): string | null {
  if (st.isMine(slot)) return Err.clusterAlreadyOwner(slot);
  if (!st.node(source)) return Err.clusterUnknownNodeAbout(source);
  st.importing.set(slot, source);
  return null;
}

function setStable(st: ClusterState, slot: number): null {
  st.importing.delete(slot);
  st.migrating.delete(slot);
  return null;
}

function setNode(c: Client, st: ClusterState, slot: number, owner: string): string | null {
  if (!st.node(owner)) return Err.clusterUnknownNode(owner);
  const keys = slotIndex(c).count(slot);
  if (st.isMine(slot) && owner !== st.myId && keys !== 0) return Err.clusterStillHoldKeys(slot);
  // Handing over an emptied migrating slot ends the migration; taking it ends the import.
  if (keys === 0) st.migrating.delete(slot);
  st.assign(slot, owner);
  if (owner === st.myId) st.importing.delete(slot);
  return null;
}

/** CLUSTER SETNODE <node-id> <host:port> (slotgate): where another node listens. */
function setNodeAddress(c: Client, argv: string[], st: ClusterState): void {
  const [id, addr] = [argv[2], argv[3]];
  if (!validNodeId(id)) return c.out.error(Err.clusterInvalidNodeId(id));
  if (id === st.myId) return c.out.error(Err.clusterSetnodeMyself);
  const colon = addr.lastIndexOf(':');
  const port = colon > 0 ? Number(addr.slice(colon + 1)) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535 || !/^\d+$/.test(addr.slice(colon + 1))) {
    return c.out.error(Err.clusterInvalidAddress(addr));
  }
  st.peers.set(id, { id, host: addr.slice(0, colon), port });
  c.out.ok();
}

/**
 * CLUSTER REPLICATE <master-id>: in slotgate it only records which known node this one replicates
 * (replicas answer MOVED to it, or serve READONLY reads of its slots); the coordinator starts the
 * replication itself with REPLICAOF (DESIGN §3). Redis's errors for an unknown node or myself.
 */
function replicate(c: Client, argv: string[], st: ClusterState): void {
  const id = argv[2];
  if (!st.node(id)) return c.out.error(Err.clusterUnknownNode(id));
  if (id === st.myId) return c.out.error(Err.clusterReplicateMyself);
  st.masterId = id;
  c.out.ok();
}

function info(c: Client, _argv: string[], st: ClusterState): void {
  const assigned = st.slotsAssigned;
  const fields: [string, string | number][] = [
    ['cluster_state', assigned === SLOT_COUNT ? 'ok' : 'fail'],
    ['cluster_slots_assigned', assigned],
    ['cluster_slots_ok', assigned],
    ['cluster_slots_pfail', 0],
    ['cluster_slots_fail', 0],
    ['cluster_known_nodes', st.peers.size + 1],
    ['cluster_size', st.ownerCount()],
    ['cluster_current_epoch', 0],
    ['cluster_my_epoch', 0],
    ['cluster_stats_messages_sent', 0],
    ['cluster_stats_messages_received', 0],
    ['total_cluster_links_buffer_limit_exceeded', 0],
  ];
  c.out.verbatim(fields.map(([k, v]) => `${k}:${v}\r\n`).join(''));
}

/** Known nodes: this one first, then peers in the order the coordinator introduced them. */
function allNodes(st: ClusterState): ClusterNode[] {
  return [st.self(), ...st.peers.values()];
}

function nodes(c: Client, _argv: string[], st: ClusterState): void {
  const byOwner = new Map<string, string[]>();
  for (const r of st.ranges()) {
    const list = byOwner.get(r.owner) ?? [];
    list.push(r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`);
    byOwner.set(r.owner, list);
  }
  const open: string[] = [];
  for (const [slot, to] of st.migrating) open.push(`[${slot}->-${to}]`);
  for (const [slot, from] of st.importing) open.push(`[${slot}-<-${from}]`);
  const lines = allNodes(st).map((n) => {
    const me = n.id === st.myId;
    const slots = [...(byOwner.get(n.id) ?? []), ...(me ? open : [])];
    const role = me && st.masterId !== null ? `slave ${st.masterId}` : 'master -';
    const head = `${n.id} ${n.host}:${n.port}@${n.port + 10000} ${me ? 'myself,' : ''}${role} 0 0 0 connected`;
    return [head, ...slots].join(' ') + '\n';
  });
  c.out.verbatim(lines.join(''));
}

function slots(c: Client, _argv: string[], st: ClusterState): void {
  const ranges = st.ranges();
  c.out.array(ranges.length);
  for (const r of ranges) {
    const n = st.node(r.owner)!;
    c.out.array(3);
    c.out.int(r.from);
    c.out.int(r.to);
    c.out.array(4);
    c.out.bulk(n.host);
    c.out.int(n.port);
    c.out.bulk(n.id);
    c.out.map(0); // networking metadata (hostname): none
  }
}

function shards(c: Client, _argv: string[], st: ClusterState): void {
  const ranges = st.ranges();
  const all = allNodes(st);
  c.out.array(all.length);
  for (const n of all) {
    const own = ranges.filter((r) => r.owner === n.id);
    c.out.map(2);
    c.out.bulk('slots');
    c.out.array(own.length * 2);
    for (const r of own) {
      c.out.int(r.from);
      c.out.int(r.to);
    }
    c.out.bulk('nodes');
    c.out.array(1);
    c.out.map(7);
    c.out.bulk('id'); c.out.bulk(n.id);
    c.out.bulk('port'); c.out.int(n.port);
    c.out.bulk('ip'); c.out.bulk(n.host);
    c.out.bulk('endpoint'); c.out.bulk(n.host);
    c.out.bulk('role'); c.out.bulk(n.id === st.myId && st.masterId !== null ? 'replica' : 'master');
    c.out.bulk('replication-offset'); c.out.int(0);
    c.out.bulk('health'); c.out.bulk('online');
  }
}

const CLUSTER_HELP = [
  'CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ADDSLOTS <slot> [<slot> ...]', '    Assign slots to current node.',
  'ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]', '    Assign slots which are between <start-slot> and <end-slot> to current node.',
  'COUNTKEYSINSLOT <slot>', '    Return the number of keys in <slot>.',
  'DELSLOTS <slot> [<slot> ...]', '    Delete slots information from current node.',
  'DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]', '    Delete slots information which are between <start-slot> and <end-slot> from current node.',
  'GETKEYSINSLOT <slot> <count>', '    Return key names stored by current node in a slot.',
  'INFO', '    Return information about the cluster.',
  'KEYSLOT <key>', '    Return the hash slot for <key>.',
  'MYID', '    Return the node id.',
  'NODES', '    Return cluster configuration seen by node.',
  'SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)', '    Set slot state.',
  'SETNODE <node-id> <host:port>', '    Set the address of another node (slotgate: set by the coordinator).',
  'REPLICATE <node-id>', '    Record <node-id> as the master of this node (slotgate: replication itself is REPLICAOF).',
  'RESTORE-CHUNK <key> <transfer-id> <seq> <part> [REPLACE] [LAST <ttl>]', '    Receive one part of a large value sent by MIGRATE (slotgate).',
  'SLOTS', '    Return information about slots range mappings.',
  'SHARDS', '    Return information about slot range mappings and the nodes associated with them.',
  'HELP', '    Prints this help.',
];

export const clusterHandlers: Record<string, Handler> = {
  'cluster|keyslot': enabled((c, argv) => c.out.int(keySlot(argv[2]))),
  'cluster|countkeysinslot': enabled(countKeysInSlot),
  'cluster|getkeysinslot': enabled(getKeysInSlot),
  'cluster|addslots': mutating(updateSlots(false, false)),
  'cluster|addslotsrange': mutating(updateSlots(false, true)),
  'cluster|delslots': mutating(updateSlots(true, false)),
  'cluster|delslotsrange': mutating(updateSlots(true, true)),
  'cluster|setslot': mutating(setSlot),
  'cluster|setnode': mutating(setNodeAddress),
  'cluster|replicate': mutating(replicate),
  'cluster|myid': enabled((c, _argv, st) => c.out.bulk(st.myId)),
  'cluster|info': enabled(info),
  'cluster|nodes': enabled(nodes),
  'cluster|slots': enabled(slots),
  'cluster|shards': enabled(shards),
  'cluster|help': enabled((c) => helpReply(c, CLUSTER_HELP)),
  asking: enabled((c) => {
    c.asking = true;
    c.out.ok();
  }),
  readonly: enabled((c) => {
    c.clusterReadonly = true;
    c.out.ok();
  }),
  readwrite: enabled((c) => {
    c.clusterReadonly = false;
    c.out.ok();
  }),
};
