/**
 * The master side of replication (also run by a replica for its own chained replicas): PSYNC/SYNC
 * → partial resync from the backlog or a full resync (snapshot in diskless EOF-marker form, the
 * stream produced meanwhile held and sent after), REPLCONF from replicas, and their ACK offsets.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Client } from '../client.js';
import type { NodeServer } from '../server.js';
import { AckWaiters } from './ack-waiters.js';
import { ReplicaLink } from './replica-link.js';
import { writeSnapshot } from './snapshot-io.js';
import type { ReplStream } from './stream.js';

export interface SyncStats {
  syncFull: number;
  syncPartialOk: number;
  syncPartialErr: number;
}

export class MasterSide {
  readonly links = new Map<Client, ReplicaLink>();
  readonly stats: SyncStats = { syncFull: 0, syncPartialOk: 0, syncPartialErr: 0 };
  readonly waiters = new AckWaiters((off) => this.ackedCount(off));
  private cancels = new Map<ReplicaLink, () => void>();
  /** Told after every ACK (sync-replicas holds). */
  onAck: () => void = () => {};

  constructor(
    private readonly server: NodeServer,
    private readonly stream: ReplStream,
    /** Called when this node starts keeping a backlog (it must then listen to its writes). */
    private readonly onBacklog: () => void,
  ) {
    server.on('clientClosed', (c: Client) => this.detach(c));
  }

  /** Clients that sent REPLCONF but no PSYNC/SYNC yet: not replicas until they do. */
  private readonly preparing = new WeakMap<Client, ReplicaLink>();

  /** The link of a replica, or the settings a client prepares with REPLCONF before PSYNC. */
  linkOf(c: Client): ReplicaLink {
    let link = this.links.get(c) ?? this.preparing.get(c);
    if (!link) {
      link = new ReplicaLink(c);
      this.preparing.set(c, link);
    }
    return link;
  }

  private detach(c: Client): void {
    const link = this.links.get(c);
    if (!link) return;
    this.links.delete(c);
    this.stream.sinks.delete(link);
    this.cancels.get(link)?.();
    this.cancels.delete(link);
  }

  /** PSYNC replid offset: +CONTINUE when the backlog has it, else a full resync. */
  psync(c: Client, replid: string, offsetArg: string): void {
    const link = this.begin(c);
    const offset = Number(offsetArg);
    if (Number.isSafeInteger(offset) && this.stream.canContinue(replid, offset)) {
      link.write(link.capaPsync2 ? `+CONTINUE ${this.stream.replid}\r\n` : '+CONTINUE\r\n');
      link.write(this.stream.backlog!.from(offset));
      link.state = 'online';
      link.ackTime = Date.now();
      this.stream.sinks.add(link);
      this.stats.syncPartialOk++;
      this.server.log.notice(`Partial resynchronization request from ${link.ip} accepted at offset ${offset}.`);
      return;
    }
    // "?" asks for a full resync on purpose; any other id was a failed partial attempt.
    if (replid !== '?') this.stats.syncPartialErr++;
    this.fullSync(link, true);
  }

  /** SYNC (the pre-PSYNC protocol): always a full resync, no +FULLRESYNC line. */
  sync(c: Client): void {
    const link = this.begin(c);
    link.legacy = true;
    this.fullSync(link, false);
  }

  /** The client becomes a replica; its pending replies go out before the stream starts. */
  private begin(c: Client): ReplicaLink {
    const link = this.linkOf(c);
    this.links.set(c, link);
    c.outputClass = 'replica';
    const pre = c.out.take();
    if (pre) link.write(Buffer.from(pre));
    this.stream.sinks.delete(link);
    return link;
  }

  private fullSync(link: ReplicaLink, psync: boolean): void {
    const s = this.stream;
    if (s.backlog === null) {
      s.ensureBacklog();
      this.onBacklog();
    }
    // The replica starts from the snapshot's database 0: the next command must say where it goes.
    s.lastDb = -1;
    this.stats.syncFull++;
    this.server.log.notice(`Full resync requested by replica ${link.ip}:${link.listeningPort}`);
    // The 4th word (slotgate; Redis replicas ignore it) is the stream's database at this point.
    const db = this.server.role === 'replica' ? ` ${s.applyDb}` : '';
    if (psync) link.write(`+FULLRESYNC ${s.replid} ${s.offset}${db}\r\n`);
    link.state = 'send_bulk';
    link.holdStream();
    s.sinks.add(link);
    if (link.capaEof) this.sendDiskless(link);
    else this.sendSized(link);
  }

  /** `$EOF:<mark>\r\n<snapshot><mark>`, streamed; the stream follows the replica's first ACK. */
  private sendDiskless(link: ReplicaLink): void {
    const mark = randomBytes(20).toString('hex');
    link.write(`$EOF:${mark}\r\n`);
    const job = writeSnapshot(this.server, link.client.socket);
    this.cancels.set(link, () => job.cancel());
    job.done.then(() => {
      this.cancels.delete(link);
      link.write(mark);
      link.startOnAck = true;
    }, () => link.client.close());
  }

  /** `$<len>\r\n<snapshot>` for replicas without EOF capability: buffered to know its length. */
  private sendSized(link: ReplicaLink): void {
    const parts: Buffer[] = [];
    const sink = new Writable({ write(chunk: Buffer, _e, cb) { parts.push(chunk); cb(); } });
    const job = writeSnapshot(this.server, sink);
    this.cancels.set(link, () => job.cancel());
    job.done.then(() => {
      this.cancels.delete(link);
      const data = Buffer.concat(parts);
      link.write(`$${data.length}\r\n`);
      link.write(data);
      link.releaseStream();
    }, () => link.client.close());
  }

  /** REPLCONF ACK <offset>. */
  ack(c: Client, offset: number): void {
    const link = this.links.get(c);
    if (!link) return;
    if (offset > link.ackOffset) link.ackOffset = offset;
    link.ackTime = Date.now();
    if (link.startOnAck) {
      link.startOnAck = false;
      link.releaseStream();
    }
    this.waiters.check();
    this.onAck();
  }

  /** Replicas online whose last ACK covers `offset`. */
  ackedCount(offset: number): number {
    let n = 0;
    for (const l of this.links.values()) if (l.state === 'online' && l.ackOffset >= offset) n++;
    return n;
  }

  /** Replicas online whose last ACK is at most maxLag seconds old (min-replicas-max-lag). */
  goodReplicas(maxLagSec: number): number {
    const now = Date.now();
    let n = 0;
    for (const l of this.links.values()) {
      if (l.state === 'online' && Math.floor((now - l.ackTime) / 1000) <= maxLagSec) n++;
    }
    return n;
  }

  /** Drops replicas silent for longer than repl-timeout (Redis: "Disconnecting timedout replica"). */
  dropSilent(now: number, timeoutMs: number): void {
    for (const l of [...this.links.values()]) {
      if (l.state !== 'online' || l.legacy || now - l.ackTime <= timeoutMs) continue;
      this.server.log.warning(`Disconnecting timedout replica (streaming sync): ${l.ip}:${l.listeningPort}`);
      l.client.close();
    }
  }

  /** Closes every replica connection (they reconnect and resync, partially when they can). */
  disconnectAll(): void {
    for (const c of [...this.links.keys()]) c.close();
  }
}
