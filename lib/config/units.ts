/** Redis's memory units: 1k = 1000, 1kb = 1024, …, case-insensitive. NaN when malformed. */
export function parseMemory(s: string): number {
  const m = /^(-?\d+)(k|kb|m|mb|g|gb|b)?$/i.exec(s.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mul: Record<string, number> = {
    b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3,
  };
  return n * mul[unit];
}

/** CONFIG GET prints memory values in bytes, as Redis 7 does. */
export function formatMemory(n: number): string {
  return String(n);
}

export function parseYesNo(s: string): boolean | undefined {
  const v = s.toLowerCase();
  if (v === 'yes') return true;
  if (v === 'no') return false;
  return undefined;
}
