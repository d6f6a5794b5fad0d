/**
 * SORT and SORT_RO, differentially against a real redis-server 7.0 on sets and sorted sets
 * (lists are not part of the node yet). Set replies that keep the set's own (hash) order are
 * compared sorted; everything SORT orders is compared exactly.
 */
import { describe, it } from 'vitest';
import { useDifferential, type Arg } from '../helpers/diff-harness.js';

const h = useDifferential();
const same = (...a: Arg[]) => h.same(...a);

async function fixture(): Promise<void> {
  await same('SADD', 'nums', 3, 1, 2, 10, -5, '2.5');
  await same('SADD', 'words', 'banana', 'apple', 'cherry', 'Apple', '10', '9');
  await same('ZADD', 'z', 3, 'c', 1, 'a', 2, 'b', 5, 'e', 4, 'd');
  for (const [k, v] of [['w_a', 5], ['w_b', 1], ['w_c', 3], ['w_d', 1], ['w_e', 'x']]) await same('SET', k, v);
  for (const [k, v] of [['o_a', 'A'], ['o_b', 'B'], ['o_c', 'C'], ['o_e', 'E']]) await same('SET', k, v);
}

describe('SORT ordering', () => {
  it('numeric and ALPHA, ASC and DESC, ties broken bytewise', async () => {
    await fixture();
    await same('SORT', 'nums');
    await same('SORT', 'nums', 'DESC');
    await same('SORT', 'words', 'ALPHA');
    await same('SORT', 'words', 'ALPHA', 'DESC');
    await same('SORT', 'words');
    await same('SORT', 'z');
    await same('SORT', 'z', 'ALPHA', 'DESC');
    await same('SADD', 'ties', '1.0', '1', '01', '1e0');
    await same('SORT', 'ties');
    await same('SORT', 'ties', 'DESC');
    await same('SADD', 'odd', '', ' 7', '0x10', 'inf', '-inf', '1e-5');
    await same('SORT', 'odd');
    for (const bad of ['nan', '7 ', '1e400', '1e-400', 'abc']) {
      await same('SADD', 'bad', bad);
      await same('SORT', 'bad');
      await same('SREM', 'bad', bad);
    }
    await same('SORT', 'missing');
    await same('SORT_RO', 'z', 'DESC', 'LIMIT', 1, 2);
  });

  it('LIMIT clamps as Redis does', async () => {
    await fixture();
    for (const [s, n] of [[0, 2], [2, 10], [-3, 2], [4, -1], [5, 1], [10, 2], [0, 0], [1, -5]]) {
      await same('SORT', 'nums', 'LIMIT', s, n);
      await same('SORT', 'z', 'BY', 'nosort', 'LIMIT', s, n);
      await same('SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', s, n);
      await same('SORT', 'missing', 'LIMIT', s, n);
    }
  });
});

describe('SORT BY and GET', () => {
  it('BY weights, missing weights read as 0, ALPHA by pattern', async () => {
    await fixture();
    await same('SORT', 'z', 'BY', 'w_*');
    await same('SORT', 'z', 'BY', 'w_*', 'DESC', 'LIMIT', 1, 3);
    await same('SORT', 'z', 'BY', 'nosort');
    await same('SORT', 'z', 'BY', 'nosort', 'DESC');
    await same('SORT', 'z', 'BY', 'o_*', 'ALPHA');
    await same('SORT', 'z', 'BY', 'o_*', 'ALPHA', 'DESC');
    await same('SET', 'w_e', 'not-a-number');
    await same('SORT', 'z', 'BY', 'w_*');
    await same('SORT', 'z', 'BY', 'nosort', 'GET', 'w_*');
  });

  it('GET patterns, # and missing keys; hash dereference of strings is nil', async () => {
    await fixture();
    await same('SORT', 'z', 'GET', '#', 'GET', 'o_*', 'GET', 'w_*');
    await same('SORT', 'z', 'GET', 'o_*', 'DESC', 'LIMIT', 0, 2);
    await same('SORT', 'z', 'GET', 'nostar');
    await same('SORT', 'z', 'GET', 'o_*->f');
    await same('SORT', 'z', 'GET', 'o_*->');
    await same('SORT', 'nums', 'GET', '#', 'GET', 'missing_*');
    await same('SORT_RO', 'nums', 'GET', '#');
  });

  it('BY nosort on a set keeps the set order (compared sorted)', async () => {
    await fixture();
    await h.sameSorted('SORT', 'words', 'BY', 'nosort');
    await h.sameSorted('SORT', 'nums', 'BY', 'nosort');
    await same('SADD', 'ints', 7, -2, 30, 4);
    await same('SORT', 'ints', 'BY', 'nosort', 'DESC', 'LIMIT', 1, 2);
  });
});

describe('SORT errors and STORE', () => {
  it('syntax, LIMIT, WRONGTYPE, STORE on SORT_RO', async () => {
    await fixture();
    await same('SET', 'str', 'v');
    for (const cmd of [
      ['SORT', 'str'], ['SORT', 'z', 'LIMIT', 'x', 1], ['SORT', 'z', 'LIMIT', 0, 'y'], ['SORT', 'z', 'LIMIT', 0],
      ['SORT', 'z', 'BY'], ['SORT', 'z', 'GET'], ['SORT', 'z', 'BOGUS'], ['SORT_RO', 'z', 'STORE', 'd'],
      ['SORT', 'str', 'BOGUS'], ['SORT'], ['SORT_RO'], ['SORT', 'words'],
    ]) await same(...cmd);
  });

  it('STORE of an empty result deletes the destination', async () => {
    await same('SET', 'dst', 'old');
    await same('SORT', 'missing', 'STORE', 'dst');
    await same('EXISTS', 'dst');
    await same('SORT', 'missing', 'STORE', 'dst');
  });
});
