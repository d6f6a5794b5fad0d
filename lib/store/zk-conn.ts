import zookeeper from 'node-zookeeper-client';
import { StoreError, isStoreError, type StoreErrorCode } from './errors.js';
import type { Versioned } from './types.js';

const { Exception, CreateMode } = zookeeper;

/** ZooKeeper error codes → store codes; anything else is UNKNOWN. */
const CODES = new Map<number, StoreErrorCode>([
  [Exception.NO_NODE, 'NO_NODE'],
  [Exception.NODE_EXISTS, 'NODE_EXISTS'],
  [Exception.BAD_VERSION, 'BAD_VERSION'],
  [Exception.NOT_EMPTY, 'NOT_EMPTY'],
  [Exception.NO_CHILDREN_FOR_EPHEMERALS, 'NO_CHILDREN_FOR_EPHEMERALS'],
  [Exception.BAD_ARGUMENTS, 'BAD_ARGUMENTS'],
  [Exception.CONNECTION_LOSS, 'CONNECTION_LOSS'],
  [Exception.OPERATION_TIMEOUT, 'CONNECTION_LOSS'],
  [Exception.SESSION_EXPIRED, 'SESSION_EXPIRED'],
]);

function storeError(err: zookeeper.ZkException | Error, path: string): StoreError {
  const code = 'getCode' in err ? CODES.get(err.getCode()) : undefined;
  return new StoreError(code ?? 'UNKNOWN', err.message, path);
}

export interface ConnListener {
  connected(): void;
  disconnected(): void;
  expired(): void;
}

export type ZkWatcher = () => void;

/**
 * One ZooKeeper session: a node-zookeeper-client Client with promise-returning calls and store
 * error codes. The client queues requests while it reconnects; requests in flight when the
 * connection drops fail with CONNECTION_LOSS (outcome unknown), as in every ZooKeeper client.
 */
export class ZkConn {
  private readonly client: zookeeper.Client;
  private isConnected = false;
  /** Rejects when this session is closed, failing calls still queued in the client for it. */
  private readonly gone: Promise<never>;
  private abandon!: () => void;

  constructor(connectString: string, sessionTimeoutMs: number, spinDelayMs: number, private readonly listener: ConnListener) {
    // retries: 0 — the store decides what is safe to retry (see ZooKeeperStore.run).
    this.client = zookeeper.createClient(connectString, { sessionTimeout: sessionTimeoutMs, spinDelay: spinDelayMs, retries: 0 });
    this.client.on('connected', () => { this.isConnected = true; this.listener.connected(); });
    this.client.on('disconnected', () => { this.isConnected = false; this.listener.disconnected(); });
    this.client.on('expired', () => { this.isConnected = false; this.listener.expired(); });
    this.gone = new Promise<never>((_, reject) => {
      // SESSION_EXPIRED: such calls were never sent on a live session, so they were not applied.
      this.abandon = () => reject(new StoreError('SESSION_EXPIRED', 'the ZooKeeper session was closed'));
    });
    this.gone.catch(() => {});
  }

  get connected(): boolean {
    return this.isConnected;
  }

  get sessionId(): string {
    return this.client.getSessionId().toString('hex');
  }

  /** The timeout the server granted (valid once connected). */
  get sessionTimeoutMs(): number {
    return this.client.getSessionTimeout();
  }

  /** Resolves on the first connection; false if none came within timeoutMs. */
  connect(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.client.once('connected', () => { clearTimeout(timer); resolve(true); });
      this.client.connect();
    });
  }

  /** Ends the session (the server drops its ephemerals); waits, bounded, for the server's goodbye. */
  close(timeoutMs = 3000): Promise<void> {
    const wasConnected = this.isConnected;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wasConnected ? timeoutMs : 0);
      this.client.once('disconnected', () => { clearTimeout(timer); resolve(); });
      this.client.close();
    }).finally(() => this.abandon());
  }

  getData(path: string, watcher?: ZkWatcher): Promise<Versioned | null> {
    return orNull(this.call(path, (cb) => this.client.getData(path, watcher, cb),
      (data: Buffer | null, stat: zookeeper.Stat) => ({ data: data ?? Buffer.alloc(0), version: stat.version })));
  }

  exists(path: string, watcher?: ZkWatcher): Promise<zookeeper.Stat | null> {
    return this.call(path, (cb) => this.client.exists(path, watcher, cb), (stat: zookeeper.Stat | null) => stat);
  }

  getChildren(path: string, watcher?: ZkWatcher): Promise<string[] | null> {
    return orNull(this.call(path, (cb) => this.client.getChildren(path, watcher, cb), (children: string[]) => [...children].sort()));
  }

  create(path: string, data: Buffer, ephemeral: boolean, sequential: boolean): Promise<string> {
    const mode = ephemeral
      ? sequential ? CreateMode.EPHEMERAL_SEQUENTIAL : CreateMode.EPHEMERAL
      : sequential ? CreateMode.PERSISTENT_SEQUENTIAL : CreateMode.PERSISTENT;
    return this.call(path, (cb) => this.client.create(path, data, mode, cb), (actual: string) => actual);
  }

  setData(path: string, data: Buffer, version: number): Promise<number> {
    return this.call(path, (cb) => this.client.setData(path, data, version, cb), (stat: zookeeper.Stat) => stat.version);
  }

  remove(path: string, version: number): Promise<void> {
    return this.call(path, (cb) => this.client.remove(path, version, cb), () => undefined);
  }

  /** Adapts a callback call to a promise. The client asserts its arguments synchronously (path
   * syntax, data size): those throws become BAD_ARGUMENTS. */
  private call<T, A extends unknown[]>(
    path: string,
    start: (cb: (err: zookeeper.ZkException | null, ...args: A) => void) => void,
    done: (...args: A) => T,
  ): Promise<T> {
    const call = new Promise<T>((resolve, reject) => {
      try {
        start((err, ...args) => (err ? reject(storeError(err, path)) : resolve(done(...args))));
      } catch (e) {
        reject(new StoreError('BAD_ARGUMENTS', (e as Error).message, path));
      }
    });
    return Promise.race([call, this.gone]);
  }
}

function orNull<T>(p: Promise<T>): Promise<T | null> {
  return p.catch((e) => (isStoreError(e, 'NO_NODE') ? null : Promise.reject(e)));
}
