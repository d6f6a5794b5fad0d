/**
 * The replication stream as this node produces or relays it: replication ids, the offset, the
 * backlog, and the replicas attached below this node. A master feeds it from 'propagate' (adding
 * SELECT when the database changes); a replica feeds it the exact bytes it applied from its
 * master, so its own replicas (chained replication) see the same stream at the same offsets.
 */
import { randomBytes } from 'node:crypto';
import { Backlog } from './backlog.js';
import { encodeCommand } from '../../lib/resp/encode.js';

export const NO_REPLID = '0000000000000000000000000000000000000000';

export function newReplid(): string {
  return randomBytes(20).toString('hex');
}

/** Something that receives stream bytes after this node (a replica link on this node). */
export interface StreamSink {
  send(data: Buffer): void;
}

export class ReplStream {
  replid = newReplid();
  replid2 = NO_REPLID;
  /** master_repl_offset: bytes of stream produced (or applied, on a replica) so far. */
  offset = 0;
  /** Offset up to which replid2 is valid (second_repl_offset), -1 when none. */
  secondOffset = -1;
  backlog: Backlog | null = null;
  readonly sinks = new Set<StreamSink>();
  /** Database of the last command sent; -1 forces a SELECT before the next one. */
  lastDb = -1;
  /**
   * The database the next stream command without SELECT applies to (a replica's master client;
   * kept across reconnects, as Redis's cached master keeps its db, and told to our own replicas
   * in +FULLRESYNC since a relayed stream cannot be given a SELECT).
   */
  applyDb = 0;

  constructor(private backlogSize: () => number) {}

  ensureBacklog(): Backlog {
    if (this.backlog === null) this.backlog = new Backlog(this.backlogSize(), this.offset);
    return this.backlog;
  }

  /** CONFIG SET repl-backlog-size: a new buffer keeping as much recent history as fits. */
  resizeBacklog(size: number): void {
    const old = this.backlog;
    if (old === null || old.size === size) return;
    const keep = Math.min(old.histlen, size);
    const next = new Backlog(size, this.offset - keep);
    if (keep > 0) next.append(old.from(this.offset + 1 - keep));
    this.backlog = next;
  }

  /** A master's own write: framed with SELECT when needed. */
  feedCommand(db: number, argv: readonly string[]): void {
    if (this.backlog === null) return;
    if (db >= 0 && db !== this.lastDb) {
      this.feedRaw(encodeCommand(['SELECT', String(db)]));
      this.lastDb = db;
    }
    this.feedRaw(encodeCommand(argv));
  }

  feedRaw(data: Buffer): void {
    if (this.backlog === null) return;
    this.backlog.append(data);
    this.offset += data.length;
    for (const s of this.sinks) s.send(data);
  }

  /** REPLICAOF NO ONE (and failover): a new history starts; the old id stays valid up to now. */
  shiftReplid(): void {
    this.replid2 = this.replid;
    this.secondOffset = this.offset + 1;
    this.replid = newReplid();
  }

  /** After a full sync from a master: its history replaces ours. */
  resetTo(replid: string, offset: number): void {
    this.replid = replid;
    this.replid2 = NO_REPLID;
    this.secondOffset = -1;
    this.offset = offset;
    this.backlog = new Backlog(this.backlogSize(), offset);
    this.lastDb = -1;
    this.applyDb = 0;
  }

  /** Whether a replica asking for (replid, offset) can continue from our backlog. */
  canContinue(replid: string, offset: number): boolean {
    const known = replid === this.replid || (replid === this.replid2 && offset <= this.secondOffset);
    return known && this.backlog !== null && this.backlog.covers(offset);
  }
}
