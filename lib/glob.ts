/**
 * Redis's glob-style matching (stringmatchlen, 7.0): `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x`.
 * Iterative with backtracking on the last star, so pathological patterns stay near-linear instead of
 * the exponential recursion naive matchers hit. Redis's corner cases are kept on purpose (checked by
 * a randomized differential test against redis-server): an empty string matches only the empty
 * pattern, an unclosed `[` class runs to the end of the pattern, `x-]` is a range ending at `]`.
 */
export function globMatch(pattern: string, s: string, nocase = false): boolean {
  if (nocase) {
    pattern = asciiLower(pattern);
    s = asciiLower(s);
  }
  if (s.length === 0) return pattern.length === 0;
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    if (p < pattern.length && pattern[p] === '*') {
      while (p < pattern.length && pattern[p] === '*') p++;
      if (p === pattern.length) return true;
      starP = p;
      starI = i;
      continue;
    }
    if (p < pattern.length) {
      const step = matchOne(pattern, p, s[i]);
      if (step > 0) {
        p += step;
        i++;
        continue;
      }
    }
    if (starP < 0) return false;
    p = starP;
    i = ++starI;
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Byte strings: only ASCII letters fold, as C's tolower in the "C" locale. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** Length of the pattern element at p if it matches ch, else 0. */
function matchOne(pat: string, p: number, ch: string): number {
  const c = pat[p];
  if (c === '?') return 1;
  if (c === '\\') return p + 1 < pat.length ? (pat[p + 1] === ch ? 2 : 0) : c === ch ? 1 : 0;
  if (c !== '[') return c === ch ? 1 : 0;
  const len = pat.length;
  let j = p + 1;
  const not = pat[j] === '^';
  if (not) j++;
  let match = false;
  for (;;) {
    if (pat[j] === '\\' && len - j >= 2) {
      j++;
      if (pat[j] === ch) match = true;
    } else if (pat[j] === ']') {
      break;
    } else if (j >= len) {
      j--;
      break;
    } else if (len - j >= 3 && pat[j + 1] === '-') {
      let lo = pat[j];
      let hi = pat[j + 2];
      if (lo > hi) [lo, hi] = [hi, lo];
      if (ch >= lo && ch <= hi) match = true;
      j += 2;
    } else if (pat[j] === ch) {
      match = true;
    }
    j++;
  }
  return match !== not ? j - p + 1 : 0;
}
