/**
 * Per-key access clocks, as Redis keeps 24 bits of LRU clock (seconds) or LFU data per object.
 * LRU mode: the value is the access time in seconds (mod 2^24).
 * LFU mode: high 16 bits = last decrement time in minutes, low 8 bits = logarithmic counter.
 */
export const LRU_CLOCK_MAX = (1 << 24) - 1;
export const LFU_INIT_VAL = 5;

export function lruClock(nowMs: number): number {
  return Math.floor(nowMs / 1000) & LRU_CLOCK_MAX;
}

/** Seconds since the key was last touched under an LRU clock value. */
export function idleSeconds(clock: number, nowMs: number): number {
  const now = lruClock(nowMs);
  return now >= clock ? now - clock : LRU_CLOCK_MAX - clock + now;
}

function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 0xffff;
}

export function lfuInit(nowMs: number): number {
  return (lfuMinutes(nowMs) << 8) | LFU_INIT_VAL;
}

/** Counter after decay and a logarithmic increment, as Redis's updateLFU does. */
export function lfuTouch(packed: number, nowMs: number, logFactor: number, decayTime: number): number {
  let counter = lfuDecayed(packed, nowMs, decayTime);
  if (counter < 255) {
    const base = Math.max(0, counter - LFU_INIT_VAL);
    if (Math.random() < 1 / (base * logFactor + 1)) counter++;
  }
  return (lfuMinutes(nowMs) << 8) | counter;
}

export function lfuDecayed(packed: number, nowMs: number, decayTime: number): number {
  const last = packed >>> 8;
  const counter = packed & 0xff;
  const now = lfuMinutes(nowMs);
  const elapsed = now >= last ? now - last : 0xffff - last + now;
  const periods = decayTime > 0 ? Math.floor(elapsed / decayTime) : 0;
  return periods > counter ? 0 : counter - periods;
}
