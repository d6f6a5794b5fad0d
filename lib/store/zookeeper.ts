import { EventEmitter } from 'node:events';
import { StoreError, isStoreError } from './errors.js';
import { ancestors, validatePath } from './paths.js';
import { Refresher, sameList, sameVersioned } from './refresher.js';
import type { ChildrenWatcher, CreateOptions, DataWatcher, Store, Unsubscribe, Versioned } from './types.js';
import type { ZkUrl } from './url.js';
import { ZkConn, type ZkWatcher } from './zk-conn.js';
import { EphemeralRegistry } from './zk-ephemerals.js';

/** An operation attempt; `afterLoss` says an earlier attempt may have been applied. */
type Op<T> = (conn: ZkConn, afterLoss: boolean) => Promise<T>;

/**
 * The store on ZooKeeper (production, multi-machine). On top of one session at a time it adds:
 * chroot, bounded retries through reconnects, persistent watches (one-shot ZooKeeper watches
 * re-armed on every read, plus a fresh read after each reconnect), and session renewal: when the
 * session expires — or we stayed disconnected for a whole session timeout, after which the server
 * has surely dropped it — a new session is opened and this process's ephemerals re-created.
 */
export class ZooKeeperStore extends EventEmitter implements Store {
  private conn!: ZkConn;
  private readonly ephemerals = new EphemeralRegistry();
  private readonly refreshers = new Set<Refresher<unknown>>();
  private renewal: Promise<void> | null = null;
  private disconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly connectString: string;

  private constructor(private readonly url: ZkUrl) {
    super();
    this.connectString = url.servers.map((s) => (s.host.includes(':') ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`)).join(',');
  }

  static async open(url: ZkUrl): Promise<ZooKeeperStore> {
    const store = new ZooKeeperStore(url);
    store.conn = await store.newSession(url.options.connectTimeoutMs);
    for (const p of url.chroot ? [...ancestors(url.chroot), url.chroot] : []) await store.ensurePath(p);
    return store;
  }

  async get(p: string): Promise<Versioned | null> {
    const full = this.full(p);
    return this.run((conn) => conn.getData(full));
  }

  async set(p: string, data: Buffer, expectedVersion?: number): Promise<number> {
    const full = this.full(p);
    return this.run(async (conn, afterLoss) => {
      try {
        const version = await conn.setData(full, data, expectedVersion ?? -1);
        this.ephemerals.update(full, data);
        return version;
      } catch (e) {
        // Our earlier attempt may have been applied before the connection dropped.
        if (!afterLoss || expectedVersion === undefined || !isStoreError(e, 'BAD_VERSION')) throw e;
        const now = await conn.getData(full);
        if (now?.version === expectedVersion + 1 && now.data.equals(data)) return now.version;
        throw e;
      }
    });
  }

  async create(p: string, data: Buffer, opts: CreateOptions = {}): Promise<string> {
    const full = this.full(p);
    if (opts.parents) for (const a of ancestors(p)) await this.ensurePath(this.full(a));
    const ephemeral = opts.ephemeral ?? false;
    const sequential = opts.sequential ?? false;
    const actual = await this.run(async (conn, afterLoss) => {
      // A sequential create whose answer was lost cannot be told apart from somebody else's.
      if (afterLoss && sequential) throw new StoreError('CONNECTION_LOSS', 'connection lost during a sequential create; outcome unknown', p);
      try {
        return await conn.create(full, data, ephemeral, sequential);
      } catch (e) {
        if (afterLoss && isStoreError(e, 'NODE_EXISTS') && (await this.isOurs(conn, full, data, ephemeral))) return full;
        throw e;
      }
    });
    if (ephemeral) this.ephemerals.add(actual, data);
    return this.strip(actual);
  }

  async delete(p: string, expectedVersion?: number): Promise<void> {
    const full = this.full(p);
    return this.run(async (conn, afterLoss) => {
      try {
        await conn.remove(full, expectedVersion ?? -1);
      } catch (e) {
        if (!(afterLoss && isStoreError(e, 'NO_NODE'))) throw e;
      }
      this.ephemerals.remove(full);
    });
  }

  async children(p: string): Promise<string[]> {
    const full = this.full(p);
    const children = await this.run((conn) => conn.getChildren(full));
    if (!children) throw new StoreError('NO_NODE', 'no such node', p);
    return children;
  }

  watch(p: string, cb: DataWatcher): Unsubscribe {
    const full = this.full(p);
    return this.persistentWatch((w) => this.run((conn) => readData(conn, full, w)), sameVersioned, cb);
  }

  watchChildren(p: string, cb: ChildrenWatcher): Unsubscribe {
    const full = this.full(p);
    return this.persistentWatch((w) => this.run((conn) => readChildren(conn, full, w)), sameList, cb);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.disconnectTimer);
    for (const r of this.refreshers) r.close();
    this.refreshers.clear();
    await this.renewal?.catch(() => {});
    await this.conn.close();
  }

  /** Each read re-arms the one-shot watch with the same function, which triggers the next read. */
  private persistentWatch<T>(read: (w: ZkWatcher) => Promise<T>, same: (a: T, b: T) => boolean, cb: (v: T) => void): Unsubscribe {
    const watcher: ZkWatcher = () => refresher.trigger();
    const refresher: Refresher<T> = new Refresher(() => read(watcher), same, cb);
    this.refreshers.add(refresher as Refresher<unknown>);
    refresher.trigger();
    return () => {
      refresher.close();
      this.refreshers.delete(refresher as Refresher<unknown>);
    };
  }

  private refreshAll(): void {
    for (const r of this.refreshers) r.trigger();
  }

  /**
   * Runs an operation on the current session, retrying through connection loss and session
   * renewal until opTimeout. Requests sent while disconnected wait in the client's queue.
   */
  private async run<T>(op: Op<T>): Promise<T> {
    const deadline = Date.now() + this.url.options.opTimeoutMs;
    let afterLoss = false;
    for (;;) {
      if (this.closed) throw new StoreError('CLOSED', 'store is closed');
      if (this.renewal) await withDeadline(this.renewal, deadline);
      try {
        return await withDeadline(op(this.conn, afterLoss), deadline);
      } catch (e) {
        const lost = isStoreError(e, 'CONNECTION_LOSS') || isStoreError(e, 'SESSION_EXPIRED');
        if (!lost || Date.now() >= deadline) throw e;
        afterLoss ||= isStoreError(e, 'CONNECTION_LOSS');
        // An expired session is replaced by renewSession(); wait for that instead of spinning.
        if (isStoreError(e, 'SESSION_EXPIRED') && !this.renewal) await pause(50);
      }
    }
  }

  private async isOurs(conn: ZkConn, full: string, data: Buffer, ephemeral: boolean): Promise<boolean> {
    const [now, stat] = await Promise.all([conn.getData(full), conn.exists(full)]);
    if (!now || !stat || !now.data.equals(data)) return false;
    return !ephemeral || stat.ephemeralOwner.toString('hex') === conn.sessionId;
  }

  /** Creates a persistent empty node unless it exists (ZooKeeper has no mkdir -p). */
  private async ensurePath(full: string): Promise<void> {
    await this.run((conn) => conn.create(full, Buffer.alloc(0), false, false)).catch((e) => {
      if (!isStoreError(e, 'NODE_EXISTS')) throw e;
    });
  }

  private async newSession(connectTimeoutMs: number): Promise<ZkConn> {
    const { sessionTimeoutMs, spinDelayMs } = this.url.options;
    const conn: ZkConn = new ZkConn(this.connectString, sessionTimeoutMs, spinDelayMs, {
      connected: () => this.onConnected(conn),
      disconnected: () => this.onDisconnected(conn),
      expired: () => this.onExpired(conn),
    });
    if (await conn.connect(connectTimeoutMs)) return conn;
    await conn.close();
    throw new StoreError('CONNECTION_LOSS', `could not connect to ZooKeeper at ${this.connectString} within ${connectTimeoutMs} ms`);
  }

  private onConnected(conn: ZkConn): void {
    if (conn !== this.conn || this.closed) return;
    clearTimeout(this.disconnectTimer);
    this.disconnectTimer = undefined;
    this.emit('connected');
    // Watches fired while we were away may be lost: read everything again.
    this.refreshAll();
  }

  private onDisconnected(conn: ZkConn): void {
    // During a renewal the old session's goodbye events mean nothing.
    if (conn !== this.conn || this.closed || this.renewal || this.disconnectTimer) return;
    this.emit('disconnected');
    // The server expires a session it has not heard from for the session timeout; by then our
    // ephemerals (and any lock they stand for) may be gone, so act as if the session was lost.
    this.disconnectTimer = setTimeout(() => this.renewSession(), conn.sessionTimeoutMs || this.url.options.sessionTimeoutMs);
    this.disconnectTimer.unref();
  }

  private onExpired(conn: ZkConn): void {
    if (conn === this.conn) this.renewSession();
  }

  private renewSession(): void {
    if (this.renewal || this.closed) return;
    clearTimeout(this.disconnectTimer);
    this.disconnectTimer = undefined;
    const old = this.conn;
    this.emit('sessionLost');
    this.renewal = this.replaceSession(old).finally(() => { this.renewal = null; });
    this.renewal.then(() => {
      if (this.closed) return;
      this.emit('sessionRestored');
      this.refreshAll();
      // A drop of the new session while we were busy re-creating went unwatched: watch it now.
      if (!this.conn.connected) this.onDisconnected(this.conn);
    }, () => {});
  }

  private async replaceSession(old: ZkConn): Promise<void> {
    const oldSession = old.sessionId;
    void old.close(0);
    for (;;) {
      if (this.closed) return;
      try {
        this.conn = await this.newSession(this.url.options.sessionTimeoutMs);
        break;
      } catch {
        // ZooKeeper still unreachable: keep trying until it answers or the store is closed.
      }
    }
    await this.ephemerals.recreateAll(this.conn, oldSession, () => this.closed);
  }

  private full(p: string): string {
    validatePath(p);
    return p === '/' ? this.url.chroot || '/' : this.url.chroot + p;
  }

  private strip(full: string): string {
    return full.slice(this.url.chroot.length) || '/';
  }
}

/** getData with a watch; for an absent node an exists-watch, which fires on its creation. */
async function readData(conn: ZkConn, full: string, watcher: ZkWatcher): Promise<Versioned | null> {
  for (;;) {
    const value = await conn.getData(full, watcher);
    if (value) return value;
    if (!(await conn.exists(full, watcher))) return null;
    // Created between the two calls: read it.
  }
}

async function readChildren(conn: ZkConn, full: string, watcher: ZkWatcher): Promise<string[]> {
  for (;;) {
    const children = await conn.getChildren(full, watcher);
    if (children) return children;
    if (!(await conn.exists(full, watcher))) return [];
  }
}

function withDeadline<T>(p: Promise<T>, deadline: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new StoreError('CONNECTION_LOSS', 'no answer from ZooKeeper in time; outcome unknown')),
      Math.max(0, deadline - Date.now()),
    );
    p.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
