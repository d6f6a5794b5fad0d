/**
 * The snapshot file (`dir`/`dbfilename`): SAVE (blocking), BGSAVE (incremental snapshot streamed to
 * a temp file, fsynced, renamed), `save <seconds> <changes>` points, and the bookkeeping INFO
 * persistence and MISCONF read. "Background" here means "in slices on the event loop", not a
 * fork: the copy-on-write in cow.ts gives the same point-in-time guarantee.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { NodeServer } from '../server.js';
import { writeFileAtomicSync, writeFileStreamed } from './files.js';
import { parseSnapshot, applySnapshot, snapshotChunksSync, SnapshotError, writeSnapshot, type SnapshotJob } from './snapshot.js';
import { LoadError } from './aof-load.js';

/** Redis retries a failed background save after this long (CONFIG_BGSAVE_RETRY_DELAY). */
const RETRY_DELAY_MS = 5000;

export class Rdb {
  lastBgsaveOk = true;
  lastBgsaveSecs = -1;
  bgsaveStartedAt = 0;
  lastTryAt = 0;
  scheduled = false;
  savesDone = 0;
  /** INFO rdb_last_load_keys_loaded / _expired. */
  lastLoadKeys = 0;
  lastLoadExpired = 0;
  private job: SnapshotJob | null = null;
  private cancelling = false;

  /** `changed`: the save status changed (MISCONF is recomputed). */
  constructor(private readonly server: NodeServer, private readonly changed: () => void) {}

  get file(): string {
    return path.resolve(this.server.config.get<string>('dir'), this.server.config.get<string>('dbfilename'));
  }

  get inProgress(): boolean {
    return this.job !== null;
  }

  /** SAVE: blocks until the file is on disk. Returns false (logged) on failure. */
  saveSync(): boolean {
    try {
      const dirtyBefore = this.server.dirty;
      writeFileAtomicSync(this.file, snapshotChunksSync(this.server));
      this.saved(dirtyBefore);
      this.lastBgsaveOk = true;
      this.changed();
      this.server.log.notice('DB saved on disk');
      return true;
    } catch (e) {
      this.server.log.warning(`Failed saving the DB: ${(e as Error).message}`);
      return false;
    }
  }

  /** BGSAVE; false when one is already running. */
  bgsave(): boolean {
    if (this.job) return false;
    const s = this.server;
    const dirtyBefore = s.dirty;
    this.bgsaveStartedAt = this.lastTryAt = Date.now();
    this.scheduled = false;
    s.log.notice('Background saving started');
    const target = this.file;
    writeFileStreamed(target, 'bgsave', {
      fill: (sink) => {
        this.job = writeSnapshot(s, sink);
        return this.job.done;
      },
    }).then(
      () => {
        this.saved(dirtyBefore);
        this.finish(true);
        s.log.notice('Background saving terminated with success');
      },
      (e: Error) => {
        // Cancelled on purpose (FLUSHALL, shutdown): not a failure, as Redis's killRDBChild.
        const cancelled = this.cancelling;
        this.cancelling = false;
        this.finish(cancelled ? this.lastBgsaveOk : false);
        if (cancelled) s.log.notice('Background saving cancelled');
        else s.log.warning(`Background saving error: ${e.message}`);
      },
    );
    return true;
  }

  private saved(dirtyBefore: number): void {
    // Writes made while saving stay counted, as Redis: dirty -= dirty_before_bgsave.
    this.server.dirty = Math.max(0, this.server.dirty - dirtyBefore);
    this.server.lastSave = Math.floor(Date.now() / 1000);
    this.savesDone++;
  }

  private finish(ok: boolean): void {
    this.job = null;
    this.lastBgsaveOk = ok;
    this.lastBgsaveSecs = Math.round((Date.now() - this.bgsaveStartedAt) / 1000);
    this.changed();
  }

  /** Stops a running BGSAVE (SHUTDOWN; FLUSHALL, as Redis kills its child). */
  cancel(): void {
    if (!this.job) return;
    this.cancelling = true;
    this.job.cancel();
  }

  /** Whether a `save` point is reached (checked by the persistence cron). */
  savePointDue(now: number): boolean {
    if (this.job) return false;
    if (!this.lastBgsaveOk && now - this.lastTryAt < RETRY_DELAY_MS) return false;
    const pts = this.savePoints();
    const since = now / 1000 - this.server.lastSave;
    return pts.some(([secs, changes]) => this.server.dirty >= changes && since > secs);
  }

  savePoints(): [number, number][] {
    const words = this.server.config.get<string[]>('save').filter((w) => w !== '');
    const out: [number, number][] = [];
    for (let i = 0; i + 1 < words.length; i += 2) out.push([Number(words[i]), Number(words[i + 1])]);
    return out;
  }

  /** Loads the snapshot file at start if it exists; true when loaded. Throws LoadError. */
  loadAtStart(): boolean {
    const file = this.file;
    if (!fs.existsSync(file)) return false;
    const data = fs.readFileSync(file);
    try {
      const counts = applySnapshot(this.server, parseSnapshot(data, this.server.dbs.length), Date.now());
      this.lastLoadKeys = counts.loaded;
      this.lastLoadExpired = counts.expired;
    } catch (e) {
      if (e instanceof SnapshotError) throw new LoadError(`Bad snapshot file ${file}: ${e.message}`);
      throw e;
    }
    this.server.dirty = 0;
    return true;
  }
}
