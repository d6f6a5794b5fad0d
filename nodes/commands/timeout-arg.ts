/** The timeout argument of the blocking list and sorted-set commands (BLPOP … BZMPOP). */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { parseLongDouble, type LongDouble } from './long-double.js';

function fail(c: Client, err: string): null {
  c.out.error(err);
  return null;
}

/**
 * A blocking timeout in seconds, as Redis 7.0.15 reads it: a long double, times 1000 (rounded to
 * long double precision), rounded up to integer ms — so 0.0001 is 1 ms, while -0.001 comes out
 * as -0.99999… and rounds up to 0, "wait forever". C's conversion of anything beyond the long long
 * range (inf included) gives LLONG_MIN, hence "timeout is negative". 7.0 has no upper bound check;
 * nodes/blocking.ts re-arms timers for waits longer than a Node timer holds. Null after an error
 * reply.
 */
export function parseTimeoutMs(c: Client, arg: string): number | null {
  const ld = parseLongDouble(arg);
  if (ld === null) return fail(c, Err.timeoutNotFloat);
  const ms = ld === 'inf' ? null : ceilThousandfold(ld);
  if (ms === null || ms < 0n) return fail(c, Err.timeoutNegative);
  return Number(ms);
}

const LLONG_MAX = (1n << 63n) - 1n;

/** ceil(v * 1000) with the product rounded to a 64-bit significand; null outside long long. */
function ceilThousandfold(v: LongDouble): bigint | null {
  let n = v.sig * 1000n;
  let e = v.exp;
  const extra = n.toString(2).length - 64;
  if (extra > 0) {
    const s = BigInt(extra);
    const q = n >> s;
    const rem = n - (q << s);
    const half = 1n << (s - 1n);
    n = rem > half || (rem === half && (q & 1n) === 1n) ? q + 1n : q;
    e += extra;
  }
  if (e > 64) return null;
  let mag: bigint;
  let inexact = false;
  if (e >= 0) mag = n << BigInt(e);
  else {
    mag = n >> BigInt(-e);
    inexact = mag << BigInt(-e) !== n;
  }
  const t = v.neg ? -mag : mag + (inexact ? 1n : 0n);
  return t > LLONG_MAX || t < -LLONG_MAX - 1n ? null : t;
}
