/**
 * The node's persistence: the snapshot file (rdb.ts) and the AOF (aof.ts), the cron that triggers
 * save points and automatic AOF rewrites, the load at start (AOF first when appendonly is on, as
 * Redis), the MISCONF write refusal, and SHUTDOWN's final save.
 *
 * Created with every NodeServer (SAVE/BGSAVE/BGREWRITEAOF work everywhere), but save points, the
 * AOF and loading only run once `start()` is called: `slotgate node` does so before listening;
 * in-process test nodes do not, so they never write into the working directory by themselves.
 */
import fs from 'node:fs';
import { Err } from '../../lib/errors.js';
import type { NodeServer } from '../server.js';
import { Aof } from './aof.js';
import { loadAof } from './aof-load.js';
import { Rdb } from './rdb.js';

export class Persistence {
  readonly rdb: Rdb;
  readonly aof: Aof;
  /** Why writes (and PING) are refused (MISCONF …), or null: read by dispatch on every command. */
  deny: string | null = null;
  /** INFO loading: 1 while the dataset is being loaded at start. */
  loading = false;
  private started = false;
  private cron?: NodeJS.Timeout;

  constructor(private readonly server: NodeServer) {
    const changed = () => (this.deny = this.denial());
    this.rdb = new Rdb(server, changed);
    this.aof = new Aof(server, changed);
    for (const p of ['save', 'stop-writes-on-bgsave-error', 'appendonly']) server.config.onChange(p, changed);
  }

  /** Loads the dataset (AOF if appendonly, else the snapshot file). Throws LoadError. */
  load(): void {
    const s = this.server;
    this.loading = true;
    try {
      if (s.config.get<boolean>('appendonly')) {
        const file = this.aof.file;
        const size = fs.existsSync(file) ? loadAof(s, file, s.config.get<boolean>('aof-load-truncated')) : 0;
        if (size > 0) s.log.notice('DB loaded from append only file');
        this.aof.openExisting(size);
      } else if (this.rdb.loadAtStart()) {
        s.log.notice('DB loaded from disk');
      }
    } finally {
      this.loading = false;
    }
  }

  /** Turns on the AOF feed, save points and automatic rewrites. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const s = this.server;
    s.on('propagate', (dbId: number, argv: string[]) => this.aof.feed(dbId, argv));
    s.beforeReplies = () => this.aof.flushPending();
    s.config.onChange('appendonly', (on) => (on ? this.aof.enableAtRuntime() : this.aof.disable()));
    this.cron = setInterval(() => this.tick(), 100);
    this.cron.unref();
  }

  private tick(): void {
    const now = Date.now();
    if (this.rdb.scheduled && !this.aof.rewriting) this.rdb.bgsave();
    else if (this.rdb.savePointDue(now)) this.rdb.bgsave();
    if (this.aof.rewriteScheduled || this.aof.autoRewriteDue()) this.aof.startRewrite();
  }

  /**
   * The error a write (or PING) is refused with, or null: a failed background save with
   * stop-writes-on-bgsave-error and save points configured, or a failing AOF write (Redis 7.0).
   */
  private denial(): string | null {
    const s = this.server;
    if (!this.rdb.lastBgsaveOk && s.config.get<boolean>('stop-writes-on-bgsave-error') && this.rdb.savePoints().length > 0) {
      return Err.misconfRdb;
    }
    if (this.aof.state !== 'off' && this.aof.lastWriteError !== null) return Err.misconfAof(this.aof.lastWriteError);
    return null;
  }

  /**
   * SHUTDOWN [NOSAVE|SAVE] [FORCE] and SIGTERM/SIGINT: the final save (with save points, or SAVE),
   * then the AOF flushed, fsynced and closed. False when the save failed and not forced: the node
   * must stay up, untouched.
   */
  beforeShutdown(mode: 'default' | 'save' | 'nosave', force = false): boolean {
    // Save points only act on started nodes (not in-process test nodes); SAVE always saves.
    const save = mode === 'save' || (mode === 'default' && this.started && this.rdb.savePoints().length > 0);
    if (save) {
      this.server.log.notice('Saving the final RDB snapshot before exiting.');
      if (!this.rdb.saveSync() && !force) return false;
    }
    this.stop();
    return true;
  }

  /**
   * FLUSHALL, as Redis: a running BGSAVE is dropped and, with save points, the (now empty) dataset
   * is saved at once so a restart cannot bring the flushed keys back. `dirty` is kept so FLUSHALL
   * still propagates. Only on started nodes (in-process test nodes never write files by themselves).
   */
  afterFlushAll(): void {
    this.rdb.cancel();
    if (!this.started || this.rdb.savePoints().length === 0) return;
    const dirty = this.server.dirty;
    this.rdb.saveSync();
    this.server.dirty = dirty;
  }

  /**
   * A replica's full sync replaced the whole dataset: the AOF no longer describes it, so (as Redis
   * restarts its AOF after a sync) appending stops and a rewrite produces a fresh file.
   */
  datasetReplaced(): void {
    if (this.aof.state === 'off') return;
    this.aof.disable();
    this.aof.enableAtRuntime();
  }

  /** Server stop: no more cron; the AOF's last bytes written, fsynced and the file closed. */
  stop(): void {
    clearInterval(this.cron);
    this.rdb.cancel();
    this.aof.close();
  }
}
