/**
 * Replication on one node: its stream (ids, offset, backlog), the replicas attached to it, and —
 * while REPLICAOF points somewhere — the link to its master. Keeps `server.role` and
 * `server.replGate` current.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import type { NodeServer } from '../server.js';
import { encodeCommand } from '../../lib/resp/encode.js';
import { ReplGate } from './gate.js';
import { MasterSide } from './master-side.js';
import { ReplicaSide } from './replica-side.js';
import { ReplStream } from './stream.js';
import { SyncHolds } from './sync-hold.js';

export class Replication {
  readonly stream: ReplStream;
  readonly master: MasterSide;
  readonly holds: SyncHolds;
  replica: ReplicaSide | null = null;
  private readonly gate = new ReplGate(this);
  private listening = false;
  private getAckQueued = false;
  private readonly cronTimer: NodeJS.Timeout;
  private ticks = 0;

  constructor(private readonly server: NodeServer) {
    this.stream = new ReplStream(() => server.config.get<number>('repl-backlog-size'));
    this.master = new MasterSide(server, this.stream, () => this.listen());
    this.holds = new SyncHolds(server, this.stream, this.master);
    this.master.onAck = () => this.holds.pumpAll();
    for (const p of ['min-replicas-to-write', 'sync-replicas']) server.config.onChange(p, () => this.updateGate());
    server.config.onChange('repl-backlog-size', (v) => this.stream.resizeBacklog(v as number));
    this.cronTimer = setInterval(() => this.cron(), 1000);
    this.cronTimer.unref();
  }

  /**
   * Once a second, as Redis's replicationCron: PING the replicas every repl-ping-replica-period
   * (so they can tell a live master from a dead link), and drop links silent beyond repl-timeout.
   */
  private cron(): void {
    const cfg = this.server.config;
    const now = Date.now();
    const timeoutMs = cfg.get<number>('repl-timeout') * 1000;
    this.ticks++;
    if (this.server.role === 'master' && this.master.links.size > 0 && this.ticks % cfg.get<number>('repl-ping-replica-period') === 0) {
      this.stream.feedCommand(-1, ['PING']);
    }
    this.master.dropSilent(now, timeoutMs);
    this.replica?.checkTimeout(now, timeoutMs);
  }

  get linkUp(): boolean {
    return this.replica?.linkUp ?? false;
  }

  /** The node's own writes enter the stream once it keeps a backlog (as Redis: not before). */
  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    this.server.on('propagate', (db: number, argv: string[]) => {
      if (this.server.role === 'master') this.stream.feedCommand(db, argv);
    });
  }

  /** At start: the `replicaof` directive. */
  start(): void {
    const words = this.server.config.get<string>('replicaof').trim().split(/\s+/);
    if (words.length === 2) this.setMaster(words[0], Number(words[1]));
    this.updateGate();
  }

  /** REPLICAOF host port. Returns false when already replicating from that master. */
  setMaster(host: string, port: number): boolean {
    const cur = this.replica;
    if (cur && cur.host === host && cur.port === port) return false;
    cur?.stop();
    // A master continues its own history as a replica: its stream was last in lastDb.
    if (!cur && this.stream.lastDb >= 0) this.stream.applyDb = this.stream.lastDb;
    // Our replicas follow us to the new history (they resync, partially when they can).
    this.master.disconnectAll();
    this.master.waiters.failAll();
    this.server.role = 'replica';
    this.replica = new ReplicaSide(this.server, this.stream, this.master, host, port);
    this.server.config.assign('replicaof', `${host} ${port}`);
    this.server.log.notice(`Connecting to MASTER ${host}:${port}`);
    this.updateGate();
    return true;
  }

  /** REPLICAOF NO ONE: becomes a master with a new replication id; replid2 keeps the old one. */
  unsetMaster(): void {
    if (!this.replica) return;
    this.replica.stop();
    this.replica = null;
    this.server.role = 'master';
    this.stream.shiftReplid();
    if (this.stream.backlog === null) this.stream.ensureBacklog();
    this.listen();
    this.stream.lastDb = -1;
    this.master.disconnectAll();
    this.server.config.assign('replicaof', '');
    this.server.log.notice('MASTER MODE enabled');
    this.updateGate();
  }

  private updateGate(): void {
    const cfg = this.server.config;
    const sync = cfg.get<number>('sync-replicas') > 0;
    // sync-replicas counts offsets, so the stream must advance even before a replica attaches.
    if (sync && this.stream.backlog === null) {
      this.stream.ensureBacklog();
      this.listen();
    }
    const needed = this.server.role === 'replica' || sync || cfg.get<number>('min-replicas-to-write') > 0;
    this.server.replGate = needed ? this.gate : null;
    // Replies held for a k that just changed are re-judged.
    this.holds.pumpAll();
  }

  /** WAIT numreplicas timeout. */
  wait(c: Client, need: number, timeoutMs: number): void {
    if (this.server.role === 'replica') return c.out.error(Err.waitOnReplica);
    const offset = this.stream.offset;
    const have = this.master.ackedCount(offset);
    if (have >= need || c.inExec) return c.out.int(have);
    const cancel = this.master.waiters.add({
      offset,
      need,
      done: (n) => {
        if (c.closing) return;
        c.blocked = null;
        c.out.int(n);
        c.resume();
      },
    }, timeoutMs);
    c.blocked = { cancel };
    this.requestAcks();
  }

  /** REPLCONF GETACK * to every replica, once per event-loop turn (Redis: in beforeSleep). */
  private requestAcks(): void {
    if (this.getAckQueued) return;
    this.getAckQueued = true;
    setImmediate(() => {
      this.getAckQueued = false;
      if (this.server.role === 'master' && this.master.links.size > 0) {
        this.stream.feedRaw(encodeCommand(['REPLCONF', 'GETACK', '*']));
      }
    });
  }

  stop(): void {
    clearInterval(this.cronTimer);
    this.replica?.stop();
    this.master.waiters.failAll();
  }
}
