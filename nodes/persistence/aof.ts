/**
 * The append-only file: every write the server propagates is appended as RESP (a SELECT first
 * whenever the database changes).
 *
 * Write path: commands of one event-loop turn are collected and written with one write(2) at the
 * end of the turn, BEFORE any reply of that turn leaves (the server holds replies while bytes are
 * pending, see NodeServer.holdReplies), so a client never sees a reply to a write the file lacks —
 * even `kill -9` loses no acknowledged write under any policy (the page cache survives the
 * process). `appendfsync always` also fsyncs before the replies; `everysec` fsyncs once a second on
 * the thread pool; `no` leaves it to the OS.
 *
 * Rewrite (BGREWRITEAOF, auto-aof-rewrite-*, turning appendonly on): a snapshot (snapshot.ts,
 * incremental, copy-on-write) is streamed to a temp file as the new file's preamble while writes
 * keep being appended to the old file and also buffered; once the preamble is on disk, the buffer
 * is streamed after it (streamBuffered) until little is left, and that rest is appended, fsynced
 * and the temp file renamed over the AOF in one synchronous step.
 * One file, not Redis 7's multi-part directory: see docs (persistence) for the layout.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { NodeServer } from '../server.js';
import { encodeCommandString as encodeCommand } from '../../lib/resp/encode.js';
import { fsyncAsync, writeAllSync, writeFileStreamed } from './files.js';
import { writeSnapshot, type SnapshotJob } from './snapshot.js';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

interface Rewrite {
  /** Writes made while the rewrite runs, for the new file's tail (latin1 RESP). */
  buf: string[];
  bufBytes: number;
  db: number;
  job: SnapshotJob | null;
  cancelled: boolean;
}

/** Buffered bytes the rewrite's last, synchronous step may have to write (the rest streams first). */
const TAIL_SYNC_MAX = 256 * 1024;
/** Buffered writes go to the new file in pieces of about this size, one per event-loop turn. */
const STREAM_PIECE = 256 * 1024;

/**
 * Streams the writes buffered during a rewrite into the new file while the node keeps serving, until
 * what is left is small: the final step (before the rename, nothing else running) then writes and
 * fsyncs only that. Writing the whole buffer there was a 40–50 ms stall after a 6 s rewrite of 1M
 * keys under SET load (bench:persistence); Redis likewise pipes the diff to its child as it goes.
 */
async function streamBuffered(rw: Rewrite, sink: Writable): Promise<void> {
  // Bounded: a write load faster than the disk must not keep the rewrite from ever finishing.
  for (let round = 0; round < 64 && rw.bufBytes > TAIL_SYNC_MAX && !rw.cancelled; round++) {
    const parts = rw.buf;
    rw.buf = [];
    rw.bufBytes = 0;
    let from = 0;
    let bytes = 0;
    for (let i = 0; i < parts.length; i++) {
      bytes += parts[i].length;
      if (bytes < STREAM_PIECE && i < parts.length - 1) continue;
      const piece = Buffer.from(parts.slice(from, i + 1).join(''), 'latin1');
      from = i + 1;
      bytes = 0;
      if (!sink.write(piece)) await once(sink, 'drain');
      else await new Promise((r) => setImmediate(r));
    }
  }
}

export class Aof {
  /** 'on': appending; 'wait-rewrite': turned on at run time, first rewrite not done yet. */
  state: 'off' | 'on' | 'wait-rewrite' = 'off';
  lastWriteError: string | null = null;
  lastRewriteOk = true;
  rewriteScheduled = false;
  /** Size after the last rewrite or load (auto-aof-rewrite-percentage base) and now. */
  baseSize = 0;
  currentSize = 0;
  rewriteStartedAt = 0;
  rewritesDone = 0;
  rewriteFailures = 0;
  lastRewriteSecs = -1;
  private fd = -1;
  private selectedDb = -1;
  private pending: string[] = [];
  private unsynced = false;
  private rewrite: Rewrite | null = null;
  private fsyncTimer?: NodeJS.Timeout;
  private fsyncing = false;

  /** `changed`: the write status changed (MISCONF is recomputed). */
  constructor(private readonly server: NodeServer, private readonly changed: () => void) {}

  get file(): string {
    return path.resolve(this.server.config.get<string>('dir'), this.server.config.get<string>('appendfilename'));
  }

  get rewriting(): boolean {
    return this.rewrite !== null;
  }

  private get policy(): FsyncPolicy {
    return this.server.config.get<FsyncPolicy>('appendfsync');
  }

  /** At start, after loading: keep appending to the existing (or a new, empty) file. */
  openExisting(size: number): void {
    this.fd = fs.openSync(this.file, 'a');
    this.currentSize = this.baseSize = size;
    this.selectedDb = -1;
    this.state = 'on';
    this.startFsyncTimer();
  }

  /** CONFIG SET appendonly yes: the file starts with a rewrite of the current dataset. */
  enableAtRuntime(): void {
    if (this.state !== 'off') return;
    this.state = 'wait-rewrite';
    this.startRewrite();
  }

  disable(): void {
    if (this.state === 'off') return;
    this.flushPending();
    if (this.rewrite) this.cancelRewrite();
    if (this.fd >= 0) {
      try {
        fs.fsyncSync(this.fd);
      } catch { /* closing anyway */ }
      fs.closeSync(this.fd);
    }
    this.fd = -1;
    this.state = 'off';
    this.server.holdReplies = false;
    clearInterval(this.fsyncTimer);
    this.lastWriteError = null;
    this.changed();
  }

  /** The server's 'propagate' event. */
  feed(dbId: number, argv: readonly string[]): void {
    // Replaying the file itself (DEBUG LOADAOF) must not append it again.
    if (this.server.persistence.loading) return;
    const rw = this.rewrite;
    if (rw) {
      if (rw.db !== dbId) {
        rw.buf.push(encodeCommand(['SELECT', String(dbId)]));
        rw.db = dbId;
      }
      const cmd = encodeCommand(argv);
      rw.buf.push(cmd);
      rw.bufBytes += cmd.length;
    }
    if (this.state !== 'on') return;
    if (this.selectedDb !== dbId) {
      this.pending.push(encodeCommand(['SELECT', String(dbId)]));
      this.selectedDb = dbId;
    }
    this.pending.push(encodeCommand(argv));
    if (!this.server.holdReplies) {
      this.server.holdReplies = true;
      this.server.scheduleFlushTurn();
    }
  }

  /** End of the event-loop turn, before replies go out (NodeServer.beforeReplies). */
  flushPending(): void {
    if (this.pending.length === 0 || this.fd < 0) {
      this.server.holdReplies = false;
      return;
    }
    const buf = Buffer.from(this.pending.join(''), 'latin1');
    try {
      writeAllSync(this.fd, buf);
      if (this.policy === 'always') fs.fdatasyncSync(this.fd);
      else this.unsynced = true;
    } catch (e) {
      return this.writeFailed(e as Error);
    }
    this.pending = [];
    this.currentSize += buf.length;
    if (this.lastWriteError !== null) {
      this.lastWriteError = null;
      this.changed();
    }
    this.server.holdReplies = false;
  }

  /**
   * A failed write: with `always` the reply must never claim durability, so (as Redis) the node
   * exits; otherwise the bytes stay pending and writes are refused with MISCONF until one succeeds.
   */
  private writeFailed(e: Error): void {
    // Drop a partial write so the retry does not leave half a command in the file (as Redis).
    try {
      fs.ftruncateSync(this.fd, this.currentSize);
    } catch { /* the retry will fail again and say so */ }
    this.lastWriteError = e.message;
    this.changed();
    this.server.log.warning(`Error writing to the AOF file: ${e.message}`);
    if (this.policy === 'always') {
      this.server.log.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
      process.exit(1);
    }
    // Release the held replies (the commands already ran); the next turn retries the write.
    this.server.holdReplies = false;
  }

  private startFsyncTimer(): void {
    clearInterval(this.fsyncTimer);
    this.fsyncTimer = setInterval(() => this.everysec(), 1000);
    this.fsyncTimer.unref();
  }

  private everysec(): void {
    if (this.pending.length > 0) this.flushPending(); // a failed write retries here too
    if (!this.unsynced || this.fsyncing || this.fd < 0 || this.policy !== 'everysec') return;
    this.unsynced = false;
    this.fsyncing = true;
    const fd = this.fd;
    fs.fdatasync(fd, (e) => {
      this.fsyncing = false;
      if (e && fd === this.fd) this.server.log.warning(`AOF fsync failed: ${e.message}`);
    });
  }

  /** BGREWRITEAOF; false when one is already running. */
  startRewrite(): boolean {
    if (this.rewrite) return false;
    const rw: Rewrite = { buf: [], bufBytes: 0, db: -1, job: null, cancelled: false };
    this.rewrite = rw;
    this.rewriteScheduled = false;
    this.rewriteStartedAt = Date.now();
    const target = this.file;
    writeFileStreamed(target, 'rewriteaof', {
      fill: async (sink) => {
        rw.job = writeSnapshot(this.server, sink);
        await rw.job.done;
        // The bulk's fsync first (seconds for a big file): what the writes buffer meanwhile is then
        // streamed too, leaving the final synchronous step only the last moments' worth.
        await fsyncAsync(sink.fd);
        await streamBuffered(rw, sink);
      },
      beforeRename: (fd) => {
        if (rw.cancelled) throw new Error('rewrite cancelled');
        this.flushPending(); // the old file stays complete up to the switch
        writeAllSync(fd, Buffer.from(rw.buf.join(''), 'latin1'));
        fs.fsyncSync(fd);
      },
    }).then(() => this.rewriteDone(rw, target), (e: Error) => this.rewriteFailed(rw, e));
    return true;
  }

  /** Runs right after the rename, in the same turn: switch appending to the new file. */
  private rewriteDone(rw: Rewrite, target: string): void {
    if (rw.cancelled) return;
    this.rewrite = null;
    this.rewritesDone++;
    this.rewriteFailures = 0;
    this.lastRewriteOk = true;
    this.lastRewriteSecs = Math.round((Date.now() - this.rewriteStartedAt) / 1000);
    this.server.log.notice('Background AOF rewrite finished successfully');
    // BGREWRITEAOF with appendonly off only produces the file.
    if (this.state === 'off') return;
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = fs.openSync(target, 'a');
    this.selectedDb = rw.db;
    this.currentSize = this.baseSize = fs.fstatSync(this.fd).size;
    if (this.state === 'wait-rewrite') {
      this.state = 'on';
      this.startFsyncTimer();
    }
  }

  private rewriteFailed(rw: Rewrite, e: Error): void {
    if (this.rewrite === rw) this.rewrite = null;
    if (rw.cancelled) return;
    this.lastRewriteOk = false;
    this.rewriteFailures++;
    this.server.log.warning(`Background AOF rewrite failed: ${e.message}`);
    if (this.state === 'wait-rewrite') this.state = 'off';
  }

  private cancelRewrite(): void {
    const rw = this.rewrite!;
    rw.cancelled = true;
    rw.job?.cancel();
    this.rewrite = null;
  }

  /** auto-aof-rewrite-percentage / -min-size, checked by the persistence cron. */
  autoRewriteDue(): boolean {
    if (this.state !== 'on' || this.rewrite) return false;
    const perc = this.server.config.get<number>('auto-aof-rewrite-percentage');
    const min = this.server.config.get<number>('auto-aof-rewrite-min-size');
    if (perc === 0 || this.currentSize < min) return false;
    const base = this.baseSize || 1;
    return ((this.currentSize - base) * 100) / base >= perc;
  }

  /** SHUTDOWN / stop: everything written and fsynced. */
  close(): void {
    this.disable();
  }
}
