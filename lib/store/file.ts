import { EventEmitter } from 'node:events';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { StoreError, isStoreError } from './errors.js';
import { acquireLock } from './file-lock.js';
import { watchStoreDir } from './file-notify.js';
import { readRecord, writeFileAtomic, writeRecord, type FileRecord } from './file-record.js';
import { isProcessAlive, newOwner } from './owner.js';
import { ancestors, joinPath, parentPath, sequenceSuffix, validatePath } from './paths.js';
import { Refresher, sameList, sameVersioned } from './refresher.js';
import type { ChildrenWatcher, CreateOptions, DataWatcher, Store, Unsubscribe, Versioned } from './types.js';
import type { FileUrl } from './url.js';

const LOCK_FILE = '@lock';
const SEQ_FILE = '@seq';
const LOCK_TIMEOUT_MS = 10_000;

/**
 * The embedded store for one machine: the tree lives in one directory, node /a/b in <dir>/a/b/
 * (names URI-encoded) with its record in <dir>/a/b/@node. Reads take no lock (records are
 * replaced atomically); every write holds the store-wide lock file, which makes compare-and-set,
 * create-if-absent and delete-if-empty atomic across processes.
 */
export class FileStore extends EventEmitter implements Store {
  private readonly owner = newOwner();
  /** Ephemeral paths this store created: removed on close(). */
  private readonly mine = new Set<string>();
  private readonly refreshers = new Set<Refresher<unknown>>();
  private readonly reaping = new Set<string>();
  /** Serializes this store's writes so they queue here instead of spinning on the lock file. */
  private writes: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly stopNotify: () => void;

  private constructor(private readonly root: string, pollMs: number) {
    super();
    this.stopNotify = watchStoreDir(root, pollMs, () => this.refreshAll());
  }

  static async open(url: FileUrl): Promise<FileStore> {
    await fs.mkdir(url.dir, { recursive: true });
    await fs.access(url.dir, fs.constants.W_OK);
    return new FileStore(url.dir, url.pollMs);
  }

  async get(p: string): Promise<Versioned | null> {
    this.checkOpen();
    const rec = await this.live(validatePath(p));
    return rec && { data: rec.data, version: rec.version };
  }

  async set(p: string, data: Buffer, expectedVersion?: number): Promise<number> {
    this.checkWritable(validatePath(p));
    return this.locked(async () => {
      const rec = await this.live(p);
      if (!rec) throw new StoreError('NO_NODE', 'no such node', p);
      checkVersion(rec, expectedVersion, p);
      const version = rec.version + 1;
      await writeRecord(this.dirOf(p), { version, ...(rec.owner && { owner: rec.owner }), data });
      return version;
    });
  }

  async create(p: string, data: Buffer, opts: CreateOptions = {}): Promise<string> {
    this.checkWritable(validatePath(p));
    return this.locked(async () => {
      if (opts.parents) await this.createAncestors(p);
      const parent = await this.live(parentPath(p));
      if (!parent) throw new StoreError('NO_NODE', 'parent does not exist', p);
      if (parent.owner) throw new StoreError('NO_CHILDREN_FOR_EPHEMERALS', 'parent is ephemeral', p);
      const actual = opts.sequential ? p + sequenceSuffix(await this.nextSequence(parentPath(p))) : p;
      if (await this.live(actual)) throw new StoreError('NODE_EXISTS', 'node exists', actual);
      await this.writeNew(actual, { version: 0, ...(opts.ephemeral && { owner: this.owner }), data });
      if (opts.ephemeral) this.mine.add(actual);
      return actual;
    });
  }

  async delete(p: string, expectedVersion?: number): Promise<void> {
    this.checkWritable(validatePath(p));
    await this.locked(async () => {
      const rec = await this.live(p);
      if (!rec) throw new StoreError('NO_NODE', 'no such node', p);
      checkVersion(rec, expectedVersion, p);
      if ((await this.liveChildren(p)).length > 0) throw new StoreError('NOT_EMPTY', 'node has children', p);
      await this.removeTree(p);
      this.mine.delete(p);
    });
  }

  async children(p: string): Promise<string[]> {
    this.checkOpen();
    if (!(await this.live(validatePath(p)))) throw new StoreError('NO_NODE', 'no such node', p);
    return this.liveChildren(p);
  }

  watch(p: string, cb: DataWatcher): Unsubscribe {
    validatePath(p);
    return this.addRefresher(new Refresher(() => this.get(p), sameVersioned, cb));
  }

  watchChildren(p: string, cb: ChildrenWatcher): Unsubscribe {
    validatePath(p);
    const read = () => this.children(p).catch((e) => (isStoreError(e, 'NO_NODE') ? [] : Promise.reject(e)));
    return this.addRefresher(new Refresher(read, sameList, cb));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.stopNotify();
    for (const r of this.refreshers) r.close();
    this.refreshers.clear();
    // Our ephemerals go with us, as a ZooKeeper session's do; readers would also skip them once
    // this process exits, but a process may outlive its store.
    await this.locked(async () => {
      for (const p of this.mine) {
        const rec = await readRecord(this.dirOf(p));
        if (rec?.owner?.session === this.owner.session) await this.removeTree(p);
      }
    }).catch(() => {});
    this.mine.clear();
    this.closed = true;
  }

  private addRefresher<T>(r: Refresher<T>): Unsubscribe {
    this.refreshers.add(r as Refresher<unknown>);
    r.trigger();
    return () => {
      r.close();
      this.refreshers.delete(r as Refresher<unknown>);
    };
  }

  private refreshAll(): void {
    for (const r of this.refreshers) r.trigger();
  }

  private dirOf(p: string): string {
    if (p === '/') return this.root;
    return path.join(this.root, ...p.slice(1).split('/').map(encodeURIComponent));
  }

  /** The record at p if it exists and, for an ephemeral, its owner is still alive. */
  private async live(p: string): Promise<FileRecord | null> {
    if (p === '/') return { version: 0, data: Buffer.alloc(0) };
    const rec = await readRecord(this.dirOf(p));
    if (!rec?.owner || this.ownerAlive(rec)) return rec;
    this.reap(p);
    return null;
  }

  private ownerAlive(rec: FileRecord): boolean {
    const o = rec.owner!;
    if (o.session === this.owner.session) return !this.closed;
    return isProcessAlive(o.pid, o.start);
  }

  private async liveChildren(p: string): Promise<string[]> {
    const entries = await fs.readdir(this.dirOf(p)).catch(() => [] as string[]);
    const names = entries.filter((n) => !n.startsWith('@')).map(decodeURIComponent);
    const alive = await Promise.all(names.map(async (n) => ((await this.live(joinPath(p, n))) ? n : null)));
    return alive.filter((n): n is string => n !== null).sort();
  }

  /** A record of a dead owner is garbage: remove it in the background, re-checking under the lock. */
  private reap(p: string): void {
    if (this.closed || this.reaping.has(p)) return;
    this.reaping.add(p);
    void this.locked(async () => {
      const rec = await readRecord(this.dirOf(p));
      if (rec?.owner && !this.ownerAlive(rec)) await this.removeTree(p);
    }).catch(() => {}).finally(() => this.reaping.delete(p));
  }

  private async createAncestors(p: string): Promise<void> {
    // Outermost first, so no record ever exists below a directory that has none.
    for (const a of ancestors(p)) {
      if (!(await this.live(a))) await this.writeNew(a, { version: 0, data: Buffer.alloc(0) });
    }
  }

  private async writeNew(p: string, rec: FileRecord): Promise<void> {
    const dir = this.dirOf(p);
    if (await readRecord(dir)) await this.removeTree(p); // a dead owner's ephemeral
    await fs.mkdir(dir, { recursive: true });
    await writeRecord(dir, rec);
  }

  private async nextSequence(parent: string): Promise<number> {
    const dir = this.dirOf(parent);
    const text = await fs.readFile(path.join(dir, SEQ_FILE), 'utf8').catch(() => '0');
    const n = Number(text) || 0;
    await writeFileAtomic(dir, SEQ_FILE, Buffer.from(String(n + 1)));
    return n;
  }

  /** One rename takes the node and everything under it away at once; then the rubbish is removed. */
  private async removeTree(p: string): Promise<void> {
    const trash = path.join(this.root, `@trash-${randomBytes(6).toString('hex')}`);
    await fs.rename(this.dirOf(p), trash);
    await fs.rm(trash, { recursive: true, force: true });
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writes.then(async () => {
      const release = await acquireLock(path.join(this.root, LOCK_FILE), this.owner, LOCK_TIMEOUT_MS);
      try {
        return await fn();
      } finally {
        await release();
      }
    });
    this.writes = run.catch(() => {});
    return run;
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreError('CLOSED', 'store is closed');
  }

  private checkWritable(p: string): void {
    this.checkOpen();
    if (p === '/') throw new StoreError('BAD_ARGUMENTS', 'the root node cannot be changed', p);
  }
}

function checkVersion(rec: FileRecord, expected: number | undefined, p: string): void {
  if (expected !== undefined && expected !== rec.version) {
    throw new StoreError('BAD_VERSION', `expected version ${expected}, node is at ${rec.version}`, p);
  }
}
