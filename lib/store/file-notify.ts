import fs from 'node:fs';

/**
 * Change notification between processes sharing a file store. Every write takes and drops the
 * lock file in the store's root directory, so a non-recursive fs.watch of the root hears about
 * every write anywhere in the tree. A bounded poll backs it up: fs.watch can miss events (network
 * file systems, overflow) and a process dying makes no event at all, yet its ephemerals vanish.
 */
export function watchStoreDir(root: string, pollMs: number, onChange: () => void): () => void {
  let watcher: fs.FSWatcher | undefined;
  try {
    watcher = fs.watch(root, { persistent: false }, () => onChange());
    watcher.on('error', () => watcher?.close()); // the poll keeps us going
  } catch {
    watcher = undefined;
  }
  const timer = setInterval(onChange, pollMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    watcher?.close();
  };
}
