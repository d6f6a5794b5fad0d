/**
 * Coalesces socket writes per event-loop turn (research/redis-proxies.md §5, lesson 1): everything a
 * turn queues for one backend connection, or for one client, leaves in one write from a single
 * setImmediate, which runs right after the poll phase — batching across clients without a timer.
 */
export interface Flushable {
  flush(): void;
}

const dirty = new Set<Flushable>();
let scheduled = false;

function flushAll(): void {
  scheduled = false;
  // A flush may queue more (a reply completing another session): those go in this same pass.
  for (const f of dirty) {
    dirty.delete(f);
    f.flush();
  }
}

export function scheduleFlush(f: Flushable): void {
  dirty.add(f);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushAll);
  }
}
