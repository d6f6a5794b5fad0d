/**
 * The slot check a node in cluster mode runs before executing (or queueing) a command: Redis
 * Cluster's getNodeByQuery. Returns null to serve the command here, else the error to reply
 * (CROSSSLOT, CLUSTERDOWN, MOVED, ASK, TRYAGAIN).
 */
import { keyPositions } from '../../lib/commands/keys.js';
import type { CommandSpec } from '../../lib/commands/table.js';
import { Err } from '../../lib/errors.js';
import { keySlot } from '../../lib/slot/index.js';
import type { Client } from '../client.js';
import type { ClusterState } from './state.js';

/** What the keys of a request (or of a whole transaction, for EXEC) have in common. */
class Query {
  slot = -1;
  owner: string | null = null;
  migrating = false;
  importing = false;
  missing = 0;
  existing = 0;
  multipleKeys = false;
  /** Some command is a write (for EXEC: any queued one), so a replica cannot serve it. */
  write = false;

  constructor(private readonly c: Client, private readonly st: ClusterState) {}

  /** Adds a command's keys; returns an error when they cannot be served by anyone as one request. */
  add(spec: CommandSpec, argv: readonly string[]): string | null {
    const positions = keyPositions(spec, argv);
    if (!positions) return null; // malformed: the handler replies with the syntax error
    if (spec.isWrite) this.write = true;
    for (const pos of positions) {
      const key = argv[pos];
      const slot = keySlot(key);
      if (this.slot < 0) {
        this.slot = slot;
        this.owner = this.st.ownerOf(slot);
        if (this.owner === null) return Err.clusterDown;
        if (this.owner === this.st.myId && this.st.migrating.has(slot)) this.migrating = true;
        else if (this.st.importing.has(slot)) this.importing = true;
      } else {
        if (slot !== this.slot) return Err.crossSlot;
        this.multipleKeys = true;
      }
      // Key presence matters only while the slot is open (migrating or importing).
      if (this.migrating || this.importing) {
        if (this.c.server.dbs[0].peek(key) === undefined) this.missing++;
        else this.existing++;
      }
    }
    return null;
  }

  verdict(asking: boolean, isMigrate: boolean): string | null {
    if (this.slot < 0) return null; // no keys: any node serves it
    const st = this.st;
    // MIGRATE works locally while the slot is open: keys must move freely between the two nodes.
    if ((this.migrating || this.importing) && isMigrate) return null;
    if (this.migrating && this.missing > 0) {
      return this.existing > 0 ? Err.tryAgain : Err.ask(this.slot, st.addr(st.migrating.get(this.slot)!));
    }
    if (this.importing && asking) return this.multipleKeys && this.missing > 0 ? Err.tryAgain : null;
    if (this.owner !== st.myId && !this.readOnReplica()) return Err.moved(this.slot, st.addr(this.owner!));
    return null;
  }

  /** A READONLY client's read on a replica of the slot's owner is served here (Redis Cluster). */
  private readOnReplica(): boolean {
    return this.c.clusterReadonly && !this.write && this.c.server.role === 'replica' && this.owner === this.st.masterId;
  }
}

/** Null when this node serves the command; else the redirection or error to reply. */
export function routeError(c: Client, st: ClusterState, spec: CommandSpec, argv: readonly string[]): string | null {
  const q = new Query(c, st);
  if (spec.name === 'exec') {
    for (const queued of c.multi?.queue ?? []) {
      const err = q.add(queued.cmd.spec, queued.argv);
      if (err) return err;
    }
  } else {
    const err = q.add(spec, argv);
    if (err) return err;
  }
  return q.verdict(c.asking || spec.flagSet.has('asking'), spec.name === 'migrate');
}

/** Commands without keys skip the check (EXEC checks its queued commands), as in Redis. */
export function needsRouting(spec: CommandSpec): boolean {
  return spec.hasKeys || spec.name === 'exec';
}
