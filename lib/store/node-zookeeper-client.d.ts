// Minimal types for the parts of node-zookeeper-client (a CommonJS module without typings) that
// lib/store/zookeeper.ts uses.
declare module 'node-zookeeper-client' {
  namespace zookeeper {
    interface Stat {
      version: number;
      cversion: number;
      dataLength: number;
      numChildren: number;
      /** 8-byte session id of the owner for an ephemeral node, zeros otherwise. */
      ephemeralOwner: Buffer;
      czxid: Buffer;
      mzxid: Buffer;
    }
    interface ZkException extends Error {
      getCode(): number;
      getName(): string;
      code: number;
      name: string;
      path?: string;
    }
    type Callback<T> = (error: ZkException | null, result: T) => void;
    type Watcher = (event: { getType(): number; getName(): string; getPath(): string }) => void;
    interface Client extends NodeJS.EventEmitter {
      connect(): void;
      close(): void;
      getState(): { name: string; code: number };
      getSessionId(): Buffer;
      getSessionTimeout(): number;
      create(path: string, data: Buffer, mode: number, callback: Callback<string>): void;
      remove(path: string, version: number, callback: (error: ZkException | null) => void): void;
      setData(path: string, data: Buffer, version: number, callback: Callback<Stat>): void;
      getData(path: string, watcher: Watcher | undefined, callback: (error: ZkException | null, data: Buffer | null, stat: Stat) => void): void;
      exists(path: string, watcher: Watcher | undefined, callback: Callback<Stat | null>): void;
      getChildren(path: string, watcher: Watcher | undefined, callback: (error: ZkException | null, children: string[], stat: Stat) => void): void;
    }
    interface ClientOptions {
      sessionTimeout?: number;
      spinDelay?: number;
      retries?: number;
    }
  }
  const zookeeper: {
    createClient(connectionString: string, options?: zookeeper.ClientOptions): zookeeper.Client;
    CreateMode: { PERSISTENT: number; PERSISTENT_SEQUENTIAL: number; EPHEMERAL: number; EPHEMERAL_SEQUENTIAL: number };
    Exception: {
      OK: number; CONNECTION_LOSS: number; NO_NODE: number; NODE_EXISTS: number; BAD_VERSION: number;
      NOT_EMPTY: number; SESSION_EXPIRED: number; NO_CHILDREN_FOR_EPHEMERALS: number; BAD_ARGUMENTS: number;
      OPERATION_TIMEOUT: number;
    };
  };
  export = zookeeper;
}
