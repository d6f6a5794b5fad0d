/**
 * One MIGRATE's transfer (Redis 7.0 migrateCommand, made asynchronous): optional AUTH, SELECT when
 * the cached connection has another database selected, then per key RESTORE (RESTORE-ASKING in
 * cluster mode) pipelined, or, for a large value on a cluster node, the chunk sequence of
 * CLUSTER RESTORE-CHUNK (DESIGN §4), one part per step. Keys the target acknowledged are deleted
 * (unless COPY) before the caller releases them. A socket error before any reply is retried once
 * on a fresh connection, as Redis does; a timeout is not.
 */
import { Err } from '../../lib/errors.js';
import type { Db } from '../keyspace/db.js';
import type { DataObject, Value } from '../keyspace/types.js';
import { dumpPayload } from '../persistence/serialize.js';
import type { NodeServer } from '../server.js';
import { CHUNK_BYTES, chunkParts, isLarge } from './chunk-parts.js';
import type { TargetReply } from './reply-reader.js';
import { dropTargetConn, IoError, targetConn, type TargetConn } from './target-conn.js';

export interface MigrateJob {
  host: string;
  port: number;
  dbid: number;
  timeoutMs: number;
  copy: boolean;
  replace: boolean;
  /** AUTH command words (['AUTH', pw] or ['AUTH', user, pw]) or null. */
  auth: string[] | null;
  /** Keys that existed when MIGRATE ran (now held in transfer). */
  keys: string[];
}

/** The reply to give the MIGRATE caller: null for +OK, else an error text. */
export type MigrateOutcome = string | null;

let transferSeq = 0;

export async function runMigrate(server: NodeServer, db: Db, job: MigrateJob): Promise<MigrateOutcome> {
  for (let attempt = 0; ; attempt++) {
    let conn: TargetConn;
    try {
      conn = await targetConn(server, job.host, job.port, job.timeoutMs);
    } catch (e) {
      // Redis connects without waiting for the outcome: only a timeout is a connect error; a
      // refused connection surfaces as the first write failing (retried once).
      if ((e as IoError).timedOut) return Err.migrateConnect;
      if (attempt > 0) return Err.migrateIo('writing');
      continue;
    }
    const outcome = await new Transfer(server, db, job, conn).run();
    if (outcome !== 'retry') return outcome;
    dropTargetConn(server, job.host, job.port);
    if (attempt > 0) return Err.migrateIo('reading');
  }
}

class Transfer {
  /** First error a target reply carried (reported as "Target instance replied with error"). */
  private targetError: string | null = null;
  private repliesSeen = 0;
  private readonly acked: string[] = [];

  constructor(
    private readonly server: NodeServer,
    private readonly db: Db,
    private readonly job: MigrateJob,
    private readonly conn: TargetConn,
  ) {}

  async run(): Promise<MigrateOutcome | 'retry'> {
    try {
      await this.sendAll();
    } catch (e) {
      if (!(e instanceof IoError)) throw e;
      this.conn.close();
      this.deleteAcked();
      if (this.targetError !== null) return Err.migrateTarget(this.targetError);
      if (this.repliesSeen === 0 && !e.timedOut) return 'retry';
      return Err.migrateIo(e.phase === 'writing' ? 'writing' : 'reading');
    }
    this.deleteAcked();
    if (this.targetError !== null) {
      this.conn.lastDb = -1;
      return Err.migrateTarget(this.targetError);
    }
    return null;
  }

  private async sendAll(): Promise<void> {
    const { job, conn } = this;
    const head: string[][] = [];
    if (job.auth) head.push(job.auth);
    if (conn.lastDb !== job.dbid) head.push(['SELECT', String(job.dbid)]);
    conn.lastDb = job.dbid;
    // Head replies failing (AUTH, SELECT) make every key fail, as in Redis.
    let headFailed = false;
    let batch: { key: string; argv: string[] }[] = [];
    let batchBytes = 0;
    const flush = async () => {
      const cmds = [...head.splice(0), ...batch.map((b) => b.argv)];
      if (cmds.length === 0) return;
      const replies = await this.request(cmds);
      const headCount = cmds.length - batch.length;
      for (let i = 0; i < headCount; i++) if (replies[i].error !== null) headFailed = this.noteError(replies[i]);
      batch.forEach((b, i) => this.settle(b.key, replies[headCount + i], headFailed));
      batch = [];
    };
    for (const key of job.keys) {
      const item = this.snapshot(key);
      if (item === null) continue;
      if (this.server.cluster !== null && isLarge(item.value)) {
        await flush();
        if (!headFailed) await this.sendChunked(key, item.value);
        continue;
      }
      const payload = dumpPayload(item.value);
      batch.push({ key, argv: this.restoreArgv(key, item.ttl, payload) });
      // Bounded steps: a batch of many big values goes out in several writes.
      batchBytes += payload.length;
      if (batchBytes >= CHUNK_BYTES) {
        await flush();
        batchBytes = 0;
      }
    }
    await flush();
  }

  /** The value and its relative TTL now, or null when it expired meanwhile (skipped, as Redis). */
  private snapshot(key: string): { value: Value; ttl: number } | null {
    const value = this.db.dict.get(key);
    if (value === undefined) return null;
    const ttl = this.ttlOf(key);
    return ttl === null ? null : { value, ttl };
  }

  private ttlOf(key: string): number | null {
    const at = this.db.getExpire(key);
    if (at === undefined) return 0;
    const ttl = at - Date.now();
    if (ttl < 0) return null;
    return Math.max(ttl, 1);
  }

  private restoreArgv(key: string, ttl: number, payload: string): string[] {
    const argv = [this.server.cluster !== null ? 'RESTORE-ASKING' : 'RESTORE', key, String(ttl), payload];
    if (this.job.replace) argv.push('REPLACE');
    return argv;
  }

  /** Parts one at a time (stop-and-wait), so neither side spends long on one step. */
  private async sendChunked(key: string, value: DataObject): Promise<void> {
    const id = `${this.server.runId}-${++transferSeq}`;
    const parts = chunkParts(value);
    let cur = parts.next();
    for (let seq = 0; !cur.done; seq++) {
      const next = parts.next();
      const argv = ['CLUSTER', 'RESTORE-CHUNK', key, id, String(seq), cur.value];
      if (this.job.replace) argv.push('REPLACE');
      if (next.done) argv.push('LAST', String(this.ttlOf(key) ?? 1));
      const [reply] = await this.request([argv]);
      if (reply.error !== null || next.done) return this.settle(key, reply, false);
      cur = next;
    }
  }

  private async request(cmds: string[][]): Promise<TargetReply[]> {
    const replies = await this.conn.request(cmds, this.job.timeoutMs);
    this.repliesSeen += replies.length;
    return replies;
  }

  private noteError(r: TargetReply): true {
    if (this.targetError === null) this.targetError = r.error;
    return true;
  }

  private settle(key: string, r: TargetReply, headFailed: boolean): void {
    if (r.error !== null) this.noteError(r);
    else if (!headFailed) this.acked.push(key);
  }

  /** No COPY: acknowledged keys leave the source, propagated as one DEL (as Redis rewrites MIGRATE). */
  private deleteAcked(): void {
    if (this.job.copy || this.acked.length === 0) return;
    const deleted: string[] = [];
    for (const key of this.acked.splice(0)) {
      if (!this.db.delete(key)) continue;
      this.server.dirty++;
      deleted.push(key);
    }
    if (deleted.length > 0) this.server.propagation.also(this.db.id, ['DEL', ...deleted]);
  }
}
