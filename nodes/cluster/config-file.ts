/**
 * The cluster-config-file (Redis's nodes.conf, in slotgate's own readable format): a node in
 * cluster mode started by `slotgate node` writes its cluster state there after every change
 * (temporary file + rename, so a crash leaves the old or the new file, never a torn one) and reads
 * it back at start, so a restarted node keeps its id, slots, open slots, peers and master.
 *
 *   # slotgate cluster state …
 *   myself <id>
 *   master <id>                      (only on a replica: CLUSTER REPLICATE)
 *   node <id> <host>:<port>          (one per peer, CLUSTER SETNODE)
 *   slots <id> <from>-<to> …         (one per owner, ranges in slot order)
 *   migrating <slot> <id>
 *   importing <slot> <id>
 */
import fs from 'node:fs';
import path from 'node:path';
import type { NodeServer } from '../server.js';
import { validNodeId, type ClusterState } from './state.js';

const HEADER = '# slotgate cluster state: rewritten by the node on every change; edit only while it is stopped.';

export function serialize(st: ClusterState): string {
  const lines = [HEADER, `myself ${st.myId}`];
  if (st.masterId !== null) lines.push(`master ${st.masterId}`);
  for (const n of st.peers.values()) lines.push(`node ${n.id} ${n.host}:${n.port}`);
  const byOwner = new Map<string, string[]>();
  for (const r of st.ranges()) {
    const list = byOwner.get(r.owner) ?? [];
    list.push(`${r.from}-${r.to}`);
    byOwner.set(r.owner, list);
  }
  for (const [owner, ranges] of byOwner) lines.push(`slots ${owner} ${ranges.join(' ')}`);
  for (const [slot, id] of st.migrating) lines.push(`migrating ${slot} ${id}`);
  for (const [slot, id] of st.importing) lines.push(`importing ${slot} ${id}`);
  return lines.join('\n') + '\n';
}

/** Applies a saved state to a fresh ClusterState; throws on a malformed file. */
export function parse(text: string, st: ClusterState): void {
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [word, ...args] = line.split(/\s+/);
    if (!applyLine(st, word, args)) throw new Error(`corrupted cluster config file, line ${i + 1}: ${line}`);
  });
}

function applyLine(st: ClusterState, word: string, args: string[]): boolean {
  const id = word === 'migrating' || word === 'importing' ? args[1] : args[0];
  if (id === undefined || !validNodeId(id)) return false;
  if (word === 'myself') st.myId = id;
  else if (word === 'master') st.masterId = id;
  else if (word === 'node') return addPeer(st, id, args[1]);
  else if (word === 'slots') return addSlots(st, id, args.slice(1));
  else if (word === 'migrating' || word === 'importing') {
    const slot = Number(args[0]);
    if (!Number.isInteger(slot) || slot < 0 || slot > 16383) return false;
    (word === 'migrating' ? st.migrating : st.importing).set(slot, id);
  } else return false;
  return true;
}

function addPeer(st: ClusterState, id: string, addr: string | undefined): boolean {
  const colon = addr?.lastIndexOf(':') ?? -1;
  const port = Number(addr?.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port)) return false;
  st.peers.set(id, { id, host: addr!.slice(0, colon), port });
  return true;
}

function addSlots(st: ClusterState, owner: string, ranges: string[]): boolean {
  for (const r of ranges) {
    const [from, to] = r.split('-').map(Number);
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > 16383 || from > to) return false;
    for (let s = from; s <= to; s++) st.assign(s, owner);
  }
  return true;
}

/** Writes the file atomically: a temporary file in the same directory, then rename. */
export function save(file: string, st: ClusterState): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, serialize(st));
  fs.renameSync(tmp, file);
}

/**
 * Loads the node's cluster-config-file when it exists, then keeps it current. Called by
 * `slotgate node` (in-process test nodes do not use the file, so they never share one).
 */
export function attachClusterConfig(server: NodeServer): string {
  const st = server.cluster!;
  const file = path.resolve(server.config.get<string>('dir'), server.config.get<string>('cluster-config-file'));
  if (fs.existsSync(file)) parse(fs.readFileSync(file, 'latin1'), st);
  st.onChange = () => {
    try {
      save(file, st);
    } catch (e) {
      server.log.warning(`Could not save the cluster config file ${file}: ${(e as Error).message}`);
    }
  };
  st.changed();
  return file;
}
