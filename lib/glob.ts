/**
 * Redis's glob-style matching (stringmatchlen): `*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x` escapes.
 * Iterative with backtracking on the last star, so pathological patterns stay linear-ish instead of
 * the exponential recursion naive matchers hit.
 */
export function globMatch(pattern: string, s: string, nocase = false): boolean {
  if (nocase) {
    pattern = pattern.toLowerCase();
    s = s.toLowerCase();
  }
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    if (p < pattern.length) {
      const c = pattern[p];
      if (c === '*') {
        while (p < pattern.length && pattern[p] === '*') p++;
        if (p === pattern.length) return true;
        starP = p;
        starI = i;
        continue;
      }
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

/** Length of the pattern element at p if it matches ch, else 0. */
function matchOne(pat: string, p: number, ch: string): number {
  const c = pat[p];
  if (c === '?') return 1;
  if (c === '\\' && p + 1 < pat.length) return pat[p + 1] === ch ? 2 : 0;
  if (c !== '[') return c === ch ? 1 : 0;
  let j = p + 1;
  const not = pat[j] === '^';
  if (not) j++;
  let match = false;
  while (j < pat.length && pat[j] !== ']') {
    if (pat[j] === '\\' && j + 1 < pat.length) {
      if (pat[j + 1] === ch) match = true;
      j += 2;
    } else if (j + 2 < pat.length && pat[j + 1] === '-' && pat[j + 2] !== ']') {
      let lo = pat[j];
      let hi = pat[j + 2];
      if (lo > hi) [lo, hi] = [hi, lo];
      if (ch >= lo && ch <= hi) match = true;
      j += 3;
    } else {
      if (pat[j] === ch) match = true;
      j++;
    }
  }
  if (j >= pat.length) return c === ch ? 1 : 0; // unterminated class: Redis treats '[' literally-ish
  return match !== not ? j - p + 1 : 0;
}
