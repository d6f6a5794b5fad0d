import { expect, test } from 'vitest';
import { globMatch } from '../../lib/glob.js';

test.each([
  ['*', 'anything', true],
  ['h?llo', 'hello', true],
  ['h?llo', 'hllo', false],
  ['h*llo', 'heeeello', true],
  ['h[ae]llo', 'hallo', true],
  ['h[ae]llo', 'hillo', false],
  ['h[^e]llo', 'hallo', true],
  ['h[^e]llo', 'hello', false],
  ['h[a-b]llo', 'hbllo', true],
  ['h\\*llo', 'h*llo', true],
  ['h\\*llo', 'hello', false],
  ['*a*a*a*a*a*a*a*a*b', 'a'.repeat(60), false],
])('%s ~ %s = %s', (pat, s, want) => {
  expect(globMatch(pat, s)).toBe(want);
});
