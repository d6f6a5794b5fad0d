import { clusterPaths } from './cluster-paths.js';
import { parseProxy } from './records.js';
import type { Store, Unsubscribe, Versioned } from './types.js';

export interface AckResult {
  /** Every live proxy has applied the epoch (or there is no live proxy). */
  ok: boolean;
  acked: string[];
  /** Live proxies that had not acked when the wait ended. */
  missing: string[];
}

/**
 * Waits, at most timeoutMs, until every live proxy (an ephemeral node under proxies/) reports
 * slotsEpoch >= epoch. A proxy that dies meanwhile drops out of the wait; one that appears joins it.
 */
export function waitForProxyAcks(store: Store, cluster: string, epoch: number, timeoutMs: number): Promise<AckResult> {
  const paths = clusterPaths(cluster);
  /** Proxy id → the epoch it applied; undefined until its record has been read. */
  const applied = new Map<string, number | undefined>();
  const unwatch = new Map<string, Unsubscribe>();

  return new Promise((resolve) => {
    let stopChildren: Unsubscribe | undefined;
    let finished = false;
    const finish = (ok: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      stopChildren?.();
      for (const stop of unwatch.values()) stop();
      const acked = [...applied].filter(([, e]) => e !== undefined && e >= epoch).map(([id]) => id);
      resolve({ ok, acked, missing: [...applied.keys()].filter((id) => !acked.includes(id)) });
    };
    const check = () => {
      if ([...applied.values()].every((e) => e !== undefined && e >= epoch)) finish(true);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);

    stopChildren = store.watchChildren(paths.proxies, (ids) => {
      for (const id of [...applied.keys()]) {
        if (ids.includes(id)) continue;
        unwatch.get(id)?.();
        unwatch.delete(id);
        applied.delete(id);
      }
      for (const id of ids.filter((i) => !applied.has(i))) {
        applied.set(id, undefined);
        unwatch.set(id, store.watch(paths.proxy(id), (v) => { applied.set(id, ackedEpoch(v)); check(); }));
      }
      check();
    });
    if (finished) stopChildren();
  });
}

function ackedEpoch(v: Versioned | null): number | undefined {
  if (!v) return undefined;
  try {
    return parseProxy(v.data).slotsEpoch;
  } catch {
    return -1; // an unreadable record never counts as an ack
  }
}
