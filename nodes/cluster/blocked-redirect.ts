/**
 * Redis 7's clusterRedirectBlockedClientIfNeeded: a client blocked (BLPOP, BZPOPMIN, XREAD …) on a
 * key whose slot this node no longer serves, and is not importing, is unblocked with -MOVED to the
 * new owner (-CLUSTERDOWN when the slot became unassigned). Redis checks from its client cron;
 * slotgate checks right after each slot change, which only makes the redirect prompter.
 */
import { Err } from '../../lib/errors.js';
import { keySlot } from '../../lib/slot/index.js';
import type { Client } from '../client.js';
import type { NodeServer } from '../server.js';

export function redirectBlockedClients(server: NodeServer): void {
  const st = server.cluster;
  if (st === null || server.blocking.count === 0) return;
  server.blocking.unblockWith((c, keys) => {
    if (keys.length === 0) return null;
    const slot = keySlot(keys[0]); // all keys of one blocking command share a slot
    const owner = st.ownerOf(slot);
    if (owner === st.myId || st.importing.has(slot) || replicaRead(c, server, owner)) return null;
    return owner === null ? Err.clusterDown : Err.moved(slot, st.addr(owner));
  });
}

/** A READONLY client blocked by a read (XREAD) on a replica of the owner stays. */
function replicaRead(c: Client, server: NodeServer, owner: string | null): boolean {
  const write = server.commandLookup.get(c.lastCmd)?.spec.isWrite ?? true;
  return c.clusterReadonly && !write && server.role === 'replica' && owner === server.cluster!.masterId;
}
