/**
 * SORT and SORT_RO, differentially against a real redis-server 7.0 on lists, sets and sorted
 * sets, with BY/GET through strings and hash fields, and STORE. Set replies that keep the set's own (hash) order are
 * compared sorted; everything SORT orders is compared exactly.
 */
import { describe, expect, it } from 'vitest';
import { useDifferential, type Arg } from '../helpers/diff-harness.js';
import { startNode } from '../helpers/node.js';
import { RawClient, RespError } from '../helpers/raw-client.js';

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

describe('SORT on lists and hash fields', () => {
  it('lists: numeric, ALPHA, nosort keeps list order (DESC reverses), LIMIT', async () => {
    await fixture();
    await same('RPUSH', 'l', 5, 3, 'c', 1, 'a', 3, 'b', 10);
    await same('SORT', 'l', 'ALPHA');
    await same('SORT', 'l');
    await same('RPUSH', 'ln', 5, 3, 1, 3, -2, '1.5', 10);
    await same('SORT', 'ln');
    await same('SORT', 'ln', 'DESC', 'LIMIT', 1, 3);
    for (const [s, n] of [[0, 3], [2, 10], [6, 5], [7, 1], [-1, 2], [3, -1]]) {
      await same('SORT', 'ln', 'BY', 'nosort', 'LIMIT', s, n);
      await same('SORT', 'ln', 'BY', 'nosort', 'DESC', 'LIMIT', s, n);
    }
    await same('SORT', 'l', 'BY', 'nosort', 'GET', '#', 'GET', 'o_*');
    await same('SORT_RO', 'l', 'BY', 'nosort', 'DESC');
  });

  it('BY and GET through hash fields (->)', async () => {
    await same('RPUSH', 'ids', 1, 2, 3, 4);
    await same('HSET', 'u_1', 'age', 30, 'name', 'ann');
    await same('HSET', 'u_2', 'age', 20, 'name', 'bob');
    await same('HSET', 'u_3', 'age', 25);
    await same('SET', 'u_4', 'string, not a hash');
    await same('SORT', 'ids', 'BY', 'u_*->age');
    await same('SORT', 'ids', 'BY', 'u_*->age', 'DESC', 'GET', 'u_*->name', 'GET', '#', 'GET', 'u_*->missing');
    await same('SORT', 'ids', 'BY', 'u_*->name', 'ALPHA', 'GET', 'u_*->name');
    await same('SORT', 'ids', 'GET', 'u_*->', 'GET', 'u_*');
    await same('SORT', 'ids', 'BY', 'u_*->age', 'GET', 'u_*->name', 'STORE', 'names');
    await same('LRANGE', 'names', 0, -1);
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

  it('STORE writes a list (missing GET values as empty strings) and replaces any value', async () => {
    await fixture();
    await same('SET', 'dst', 'old');
    await same('EXPIRE', 'dst', 100);
    await same('SORT', 'z', 'BY', 'w_*', 'GET', '#', 'GET', 'o_*', 'STORE', 'dst');
    await same('LRANGE', 'dst', 0, -1);
    await same('TTL', 'dst');
    await same('OBJECT', 'ENCODING', 'dst');
    await same('SORT', 'nums', 'DESC', 'LIMIT', 1, 3, 'STORE', 'dst');
    await same('LRANGE', 'dst', 0, -1);
    // A set under BY nosort is sorted (ALPHA) when stored, so the stored list is deterministic.
    await same('SORT', 'words', 'BY', 'nosort', 'STORE', 'dst');
    await same('LRANGE', 'dst', 0, -1);
    await same('SORT', 'words', 'BY', 'nosort', 'DESC', 'LIMIT', 0, 3, 'STORE', 'dst');
    await same('LRANGE', 'dst', 0, -1);
  });

  it('STORE of an empty result deletes the destination', async () => {
    await same('SET', 'dst', 'old');
    await same('SORT', 'missing', 'STORE', 'dst');
    await same('EXISTS', 'dst');
    await same('SORT', 'missing', 'STORE', 'dst');
  });
});

describe('SORT in cluster mode', () => {
  it('refuses BY patterns with * and GET, as Redis words it; BY nosort still works', async () => {
    const node = await startNode(['--cluster-enabled', 'yes']);
    const c = await RawClient.connect(node.port);
    try {
      // A slot-aware node serves only the slots it owns.
      expect(await c.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383')).toBe('OK');
      await c.call('SADD', 's', 3, 1, 2);
      expect(await c.call('SORT', 's', 'BY', 'w_*')).toEqual(new RespError('ERR BY option of SORT denied in Cluster mode.'));
      expect(await c.call('SORT', 's', 'GET', '#')).toEqual(new RespError('ERR GET option of SORT denied in Cluster mode.'));
      // A set under nosort comes in its own (intset: ascending) order; DESC does not apply.
      expect(await c.call('SORT', 's', 'BY', 'nosort', 'DESC')).toEqual(['1', '2', '3']);
    } finally {
      c.close();
      await node.stop();
    }
  });
});
