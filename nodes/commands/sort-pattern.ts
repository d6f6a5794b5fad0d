/**
 * SORT's BY and GET patterns (sort.c lookupKeyByPattern): "#" is the element itself; otherwise
 * the first '*' is replaced by the element and the resulting key is read — a string's value, or
 * with a "->field" suffix after the '*', a hash field. Anything else (no '*', a missing key, the
 * wrong type) reads as nothing. Redis scans the pattern with C string functions, so a NUL byte
 * ends the search for '*' and "->".
 */
import type { Client } from '../client.js';
import type { Hash } from '../types/hash.js';
import { lookupRead } from './keys-lookup.js';

/** The C-string view of a pattern: everything before its first NUL. */
function cPrefix(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** Whether BY actually sorts: Redis skips sorting when the pattern has no '*'. */
export function patternSorts(pattern: string): boolean {
  return cPrefix(pattern).includes('*');
}

export function lookupByPattern(c: Client, pattern: string, elem: string): string | null {
  if (pattern === '#') return elem;
  const scan = cPrefix(pattern);
  const star = scan.indexOf('*');
  if (star < 0) return null;
  const arrow = scan.indexOf('->', star + 1);
  const hasField = arrow >= 0 && arrow + 2 < scan.length;
  const field = hasField ? pattern.slice(arrow + 2) : null;
  const keyEnd = hasField ? arrow : pattern.length;
  const key = pattern.slice(0, star) + elem + pattern.slice(star + 1, keyEnd);
  const v = lookupRead(c, key, true);
  if (v === undefined) return null;
  if (field === null) return typeof v === 'string' ? v : null;
  if (typeof v === 'string' || v.type !== 'hash') return null;
  return (v as Hash).get(field) ?? null;
}
