import { expect, test, vi } from 'vitest';
import { BlockingManager } from '../../nodes/blocking.js';
import type { Client } from '../../nodes/client.js';

// A pure unit check with fake timers: waits longer than a Node timer holds (2^31-1 ms) fire at
// their deadline instead of at once (Node turns an oversized delay into 1 ms) or never.
test('a blocking timeout beyond 2^31 ms fires at its deadline, not early', () => {
  vi.useFakeTimers();
  try {
    const m = new BlockingManager();
    const c = { db: { id: 0 }, blocked: null, resume: () => {} } as unknown as Client;
    let timedOut = false;
    const days40 = 40 * 24 * 3600 * 1000;
    m.block(c, { keys: ['k'], timeoutMs: days40, tryServe: () => false, onTimeout: () => (timedOut = true) });
    vi.advanceTimersByTime(2 ** 31);
    expect(timedOut).toBe(false);
    vi.advanceTimersByTime(days40 - 2 ** 31 + 1);
    expect(timedOut).toBe(true);
    expect(m.count).toBe(0);
  } finally {
    vi.useRealTimers();
  }
});
