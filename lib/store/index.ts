import { FileStore } from './file.js';
import { parseStoreUrl } from './url.js';
import { ZooKeeperStore } from './zookeeper.js';
import type { Store } from './types.js';

export type { Store, Versioned, CreateOptions, DataWatcher, ChildrenWatcher, Unsubscribe, StoreEvent } from './types.js';
export { StoreError, isStoreError, type StoreErrorCode } from './errors.js';
export { parseStoreUrl, type StoreUrl } from './url.js';

/**
 * Opens the store named by a URL: `zk://h1:2181,h2:2181/chroot?sessionTimeout=10000` or
 * `file:///abs/dir?pollMs=500`. Resolves once it is usable (connected); a malformed URL fails
 * with StoreError BAD_URL that says what was expected.
 */
export async function openStore(url: string): Promise<Store> {
  const parsed = parseStoreUrl(url);
  return parsed.kind === 'zk' ? ZooKeeperStore.open(parsed) : FileStore.open(parsed);
}
