/**
 * What a node in cluster mode knows (DESIGN §3): its own id, who owns each slot, which slots are
 * being migrated out or imported, and where the other nodes are. slotgate has no gossip: the
 * coordinator sets all of it with CLUSTER ADDSLOTS/SETSLOT and the slotgate extension
 * CLUSTER SETNODE <id> <host:port>. A replica learns its master's id by CLUSTER REPLICATE <id>
 * (whether it replicates is `server.role`, kept by replication).
 */
import { randomBytes } from 'node:crypto';
import { SLOT_COUNT } from '../../lib/slot/index.js';

export interface ClusterNode {
  id: string;
  host: string;
  port: number;
}

export class ClusterState {
  /** 40 hex chars, random; kept across restarts by the cluster-config-file (cluster/config-file.ts). */
  myId = randomBytes(20).toString('hex');
  /** The master this node replicates in the cluster (CLUSTER REPLICATE), or null. */
  masterId: string | null = null;
  /** Called after every change the cluster-config-file must record (set when the file is in use). */
  onChange: (() => void) | null = null;
  /** Owner node id per slot, or null when unassigned. */
  private readonly owners: (string | null)[] = new Array<string | null>(SLOT_COUNT).fill(null);
  /** Slot → target node id, for slots this node is handing over (SETSLOT MIGRATING). */
  readonly migrating = new Map<number, string>();
  /** Slot → source node id, for slots this node is receiving (SETSLOT IMPORTING). */
  readonly importing = new Map<number, string>();
  /** Other nodes by id (this node is not listed: its address is `me()`). */
  readonly peers = new Map<string, ClusterNode>();
  private assigned = 0;

  /** `me` gives this node's current address (the port is only known once listening). */
  constructor(private readonly me: () => { host: string; port: number }) {}

  self(): ClusterNode {
    return { id: this.myId, ...this.me() };
  }

  /** A node (this one included) by id, or undefined when unknown. */
  node(id: string): ClusterNode | undefined {
    return id === this.myId ? this.self() : this.peers.get(id);
  }

  addr(id: string): string {
    const n = this.node(id);
    return n ? `${n.host}:${n.port}` : ':0';
  }

  /** Records a change: persists it when a cluster-config-file is in use. */
  changed(): void {
    this.onChange?.();
  }

  ownerOf(slot: number): string | null {
    return this.owners[slot];
  }

  isMine(slot: number): boolean {
    return this.owners[slot] === this.myId;
  }

  get slotsAssigned(): number {
    return this.assigned;
  }

  assign(slot: number, owner: string | null): void {
    const before = this.owners[slot];
    if (before === null && owner !== null) this.assigned++;
    else if (before !== null && owner === null) this.assigned--;
    this.owners[slot] = owner;
  }

  /** Contiguous runs of slots with the same (non-null) owner, in slot order. */
  ranges(): { from: number; to: number; owner: string }[] {
    const out: { from: number; to: number; owner: string }[] = [];
    let start = 0;
    for (let i = 1; i <= SLOT_COUNT; i++) {
      const owner = this.owners[start];
      if (i < SLOT_COUNT && this.owners[i] === owner) continue;
      if (owner !== null) out.push({ from: start, to: i - 1, owner });
      start = i;
    }
    return out;
  }

  /** Masters owning at least one slot (Redis's cluster_size). */
  ownerCount(): number {
    return new Set(this.owners.filter((o) => o !== null)).size;
  }
}

/** Node ids are 40 lowercase hex characters, as Redis's (CLUSTER_NAMELEN). */
export function validNodeId(id: string): boolean {
  return /^[0-9a-f]{40}$/.test(id);
}
