/**
 * The store interface of DESIGN §2: a small ZooKeeper-shaped tree of versioned records. Both
 * implementations (ZooKeeper, embedded file store) pass the same contract tests.
 */
export interface Versioned {
  data: Buffer;
  /** 0 when created, +1 on every set; the token for compare-and-set. */
  version: number;
}

export interface CreateOptions {
  /** Removed when this store (session) closes or its process dies. */
  ephemeral?: boolean;
  /** Appends a 10-digit, per-parent increasing counter to the name; create() returns the real path. */
  sequential?: boolean;
  /** Create missing ancestors (as persistent, empty nodes). */
  parents?: boolean;
}

/** Called with the current value right after watch(), then after every change (coalesced). */
export type DataWatcher = (value: Versioned | null) => void;
/** Called with the current, sorted child names (empty when the node is absent). */
export type ChildrenWatcher = (children: string[]) => void;
export type Unsubscribe = () => void;

/**
 * sessionLost: this process's ephemeral nodes may be gone and locks held through them are lost.
 * sessionRestored: a new session is up, ephemerals re-created, watches re-armed with a fresh read.
 */
export type StoreEvent = 'sessionLost' | 'sessionRestored' | 'connected' | 'disconnected';

export interface Store {
  get(path: string): Promise<Versioned | null>;
  /** Replace the data; with expectedVersion it is a compare-and-set. Returns the new version. */
  set(path: string, data: Buffer, expectedVersion?: number): Promise<number>;
  /** Returns the path actually created (differs from `path` for sequential nodes). */
  create(path: string, data: Buffer, opts?: CreateOptions): Promise<string>;
  delete(path: string, expectedVersion?: number): Promise<void>;
  /** Sorted child names; NO_NODE when the node itself is absent. */
  children(path: string): Promise<string[]>;
  /**
   * Persistent from the caller's view: the implementation re-arms one-shot watches and re-reads
   * after reconnects, so the last call always carries the latest value. Deduplicated by version.
   */
  watch(path: string, cb: DataWatcher): Unsubscribe;
  watchChildren(path: string, cb: ChildrenWatcher): Unsubscribe;
  on(event: StoreEvent, listener: () => void): this;
  once(event: StoreEvent, listener: () => void): this;
  off(event: StoreEvent, listener: () => void): this;
  close(): Promise<void>;
}
