/**
 * Lua scripting (EVAL family, SCRIPT, redis.* library, conversions, errors) over real sockets,
 * compared with redis-server 7.0 where replies are deterministic.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { useDifferential } from '../helpers/diff-harness.js';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { RawClient, RespError, type Reply } from '../helpers/raw-client.js';

const h = useDifferential();

describe('Lua → RESP conversions (differential)', () => {
  const cases = [
    'return 1', 'return -3.99', 'return 3.99', "return '3.99'", 'return true', 'return false', 'return nil',
    "return {1,2,3.7,'x',nil,4}", 'return {1,{2,{3,{}}}}', 'return {true,false,1}', "return {ok='fine'}",
    "return {ok='a\\r\\nb'}", "return {err='hi'}", "return {err='-hi there'}", "return {err='X a\\nb'}",
    "return redis.error_reply('My err')", "return redis.error_reply('-X y')", "return redis.error_reply('nospace')",
    "return redis.error_reply(1)", "return redis.status_reply('FINE')", "return redis.status_reply()",
    "return redis.sha1hex('')", "return redis.sha1hex('abc')", 'return redis.REDIS_VERSION', 'return redis.REDIS_VERSION_NUM',
    "return {double=3.5}", "return {map={a=1}}", "return {set={a=true}}", "return {big_number='123'}",
    'return 2^53', 'return 9007199254740993', 'return -0.5', 'return 1e300',
  ];
  for (const src of cases) test(src, () => h.sameBytes([['EVAL', src, 0]]));

  test('RESP3 caller: booleans, map, set, double, big number, null', async () => {
    const srcs = ['return true', 'return false', 'return nil', "return {map={a=1}}", "return {set={a=true}}", 'return {double=3.5}', "return {big_number='123'}", "return {1,true,false}"];
    for (const src of srcs) await h.sameBytes([['EVAL', src, 0]], true);
  });
});

describe('RESP → Lua conversions (differential)', () => {
  test('replies of every type seen from Lua', async () => {
    await h.same('RPUSH', 'l', 'a', 'b');
    await h.same('HSET', 'h', 'f', 'v');
    const srcs = [
      "return redis.call('incr', 'n')", "return redis.call('get', 'missing')", "return type(redis.call('get', 'missing'))",
      "return redis.call('lrange', 'l', 0, -1)", "return redis.call('set', 'k', 'v')", "return redis.call('set', 'k', 'v').ok",
      "return redis.call('type', 'l')", "return type(redis.call('ping'))", "return redis.call('hgetall', 'h')",
      "return redis.call('echo', 1.5)", "return redis.call('echo', 10)", "return redis.call('echo', 1e20)", "return redis.call('echo', 0.1)",
      "return redis.call('echo', 1e-7)", "return redis.call('echo', 123456.789)",
      "return redis.call('blpop', 'missing', 1)",
      "return redis.call('lpop', 'missing')", "return redis.call('zscore', 'missing', 'm')",
      "return redis.pcall('incr', 'l')", "local t = redis.pcall('incr', 'l'); return t.err",
    ];
    for (const src of srcs) await h.sameBytes([['EVAL', src, 0]]);
  });

  test('RESP3 replies after redis.setresp(3)', async () => {
    await h.same('HSET', 'h', 'f', 'v');
    await h.same('ZADD', 'z', '1.5', 'm');
    const srcs = [
      "redis.setresp(3); local r = redis.call('hgetall', 'h'); return r.map.f",
      "redis.setresp(3); return type(redis.call('get', 'missing'))",
      "redis.setresp(3); return redis.call('zscore', 'z', 'm').double",
      "redis.setresp(3); return redis.call('hgetall', 'h')",
      'return redis.setresp(4)', 'return redis.setresp()',
    ];
    for (const src of srcs) await h.sameBytes([['EVAL', src, 0]]);
    await h.sameBytes([['EVAL', "redis.setresp(3); return redis.call('hgetall', 'h')", 0]], true);
  });

  test('binary-safe strings both ways', async () => {
    await h.sameBin('EVAL', "redis.call('set', KEYS[1], ARGV[1]); return {redis.call('get', KEYS[1]), #ARGV[1]}", 1, 'k\x00\xff', 'v\r\n\x00\xfe\x80');
  });
});

describe('errors (differential)', () => {
  const cases: (string | number)[][] = [
    ['EVAL', 'return foo', 0], ['EVAL', 'foo = 1', 0], ['EVAL', 'function f() end', 0], ['EVAL', "redis.call = 1", 0],
    ['EVAL', "return redis.call('nosuch')", 0], ['EVAL', "return redis.call('get')", 0], ['EVAL', "return redis.call('get','a','b')", 0],
    ['EVAL', "return redis.pcall('get','a','b')", 0], ['EVAL', "error('boom')", 0], ['EVAL', "error({err='X boom'})", 0],
    ['EVAL', "return redis.call('eval','return 1', 0)", 0], ['EVAL', "return redis.call('multi')", 0],
    ['EVAL', 'return redis.call()', 0], ['EVAL', "return redis.call({})", 0], ['EVAL', "return redis.call('config')", 0],
    ['EVAL', "return redis.call('config', 'nosuch')", 0], ['EVAL', "return redis.call('set','k')", 0],
    ['EVAL', 'return x x', 0], ['EVAL', 'local x = 1 +', 0], ['EVAL', 'return 1', -1], ['EVAL', 'return 1', 2, 'a'],
    ['EVAL', 'return 1', 'abc'], ['EVAL', "redis.call('lpush','l','x'); return redis.call('incr','l')", 0],
    ['EVAL', "local ok, e = pcall(function() return redis.call('nosuch') end); return e.err", 0],
    ['EVAL', 'return type(os)', 0], ['EVAL', 'return type(print)', 0], ['EVAL', 'return type(loadstring)', 0],
    ['EVAL', 'return redis.log(redis.LOG_WARNING)', 0], ['EVAL', "return redis.sha1hex()", 0],
    ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', 0], ['EVALSHA', 'abc', 0], ['EVALSHA', 'abc', -1],
    ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', -1],
    ['EVAL_RO', "return redis.call('set','a','b')", 0], ['EVAL_RO', "return redis.call('get','a')", 0],
    ['EVAL_RO', "return redis.call('publish','c','m')", 0], ['EVAL_RO', "return redis.call('pfcount','h')", 0],
    ['EVAL_RO', "return redis.call('sort','l')", 0], ['EVAL_RO', "return redis.call('time')[1] > 0", 0],
    ['EVAL', "#!lua flags=no-writes\nreturn redis.call('set','a','b')", 0], ['EVAL', '#!py\nreturn 1', 0],
    ['EVAL', '#!lua flags=bad\nreturn 1', 0], ['EVAL', '#!lua\nreturn 1', 0], ['EVAL', '#!lua x=y\nreturn 1', 0],
    ['EVAL', "return redis.call('wrongtype')", 0],
  ];
  for (const cmd of cases) test(JSON.stringify(cmd), () => h.sameBytes([cmd]));
});

describe('libraries (differential)', () => {
  const cases = [
    'return bit.band(7, 3)', 'return bit.bor(1, 2, 4)', 'return bit.bxor(5, 3)', 'return bit.bnot(0)', "return bit.tohex(255)",
    'return bit.tohex(-1, -4)', 'return bit.lshift(1, 31)', 'return bit.rshift(-1, 28)', 'return bit.arshift(-256, 4)',
    'return bit.rol(0x12345678, 8)', 'return bit.ror(0x12345678, 8)', 'return bit.bswap(0x12345678)', 'return bit.tobit(2^32 + 5)',
    "return cjson.encode({1,2,{a=1}})", "return cjson.encode({})", "return cjson.encode('a/b\"c')", 'return cjson.encode(0.1)',
    'return cjson.encode(123456789012345)', "return cjson.decode('[1,2,{\"a\":1.5}]')[3].a * 2", "return cjson.decode('{\"a\":[1,\"x\"]}').a[2]",
    "return cjson.encode(cjson.decode('{\"a\":null}'))", 'return tostring(cjson.null)  ~= nil',
    'return unpack({1, 2})', 'return math.pow(2, 10)', 'return table.getn({1, 2, 3})', "return string.format('%d', 42)",
    'return type(coroutine.create)', "return string.rep('ab', 3)", 'return #KEYS + #ARGV',
  ];
  for (const src of cases) test(src, () => h.sameBytes([['EVAL', src, 0]]));
});

describe('script cache (differential)', () => {
  test('SCRIPT LOAD / EXISTS / EVALSHA / FLUSH', async () => {
    const body = "return {KEYS[1], ARGV[1], #KEYS, #ARGV}";
    const sha = await h.same('SCRIPT', 'LOAD', body);
    await h.same('SCRIPT', 'EXISTS', String(sha), 'ffffffffffffffffffffffffffffffffffffffff', String(sha).toUpperCase());
    await h.same('EVALSHA', String(sha), 1, 'k', 'a', 'b');
    await h.same('EVALSHA', String(sha).toUpperCase(), 0);
    await h.same('EVALSHA_RO', String(sha), 0);
    await h.same('SCRIPT', 'FLUSH');
    await h.same('SCRIPT', 'EXISTS', String(sha));
    await h.same('EVALSHA', String(sha), 0);
    await h.same('EVAL', body, 2, 'k1', 'k2', 'a');
    await h.same('SCRIPT', 'EXISTS', String(sha));
    await h.same('SCRIPT', 'FLUSH', 'ASYNC');
    await h.same('SCRIPT', 'FLUSH', 'SYNC');
    await h.same('SCRIPT', 'FLUSH', 'x');
    await h.same('SCRIPT', 'FLUSH', 'sync', 'x');
    await h.same('SCRIPT', 'LOAD', 'return x x');
    await h.same('SCRIPT', 'KILL');
    await h.same('SCRIPT', 'HELP');
    await h.same('SCRIPT', 'nosuch');
  });

  test('SELECT inside a script does not change the caller db', async () => {
    await h.sameBytes([['EVAL', "redis.call('select', 1); redis.call('set', 'x', 'in1'); return redis.call('get', 'x')", 0], ['GET', 'x'], ['SELECT', 1], ['GET', 'x']]);
  });

  test('writes from scripts count as changes', async () => {
    const before = h.node.server.dirty;
    const { ours } = await h.both('EVAL', "redis.call('set', 'a', 1); redis.call('incr', 'a'); return redis.call('get', 'a')", 0);
    expect(ours).toBe('2');
    expect(h.node.server.dirty - before).toBe(2);
  });
});

describe('atomicity, lua-time-limit, BUSY and SCRIPT KILL', () => {
  let node: InProcessNode;
  let a: RawClient;
  let b: RawClient;
  beforeAll(async () => {
    node = await startNode();
    a = await RawClient.connect(node.port);
    b = await RawClient.connect(node.port);
  });
  afterAll(async () => {
    a?.close();
    b?.close();
    await node?.stop();
  });

  /** Makes scripts become busy after `ms` (each test sets what it relies on). */
  const limit = async (ms: number) => expect(await b.call('CONFIG', 'SET', 'lua-time-limit', String(ms))).toBe('OK');

  /** Polls with PING until the server answers BUSY (bounded). */
  async function waitBusy(): Promise<Reply> {
    for (let i = 0; i < 500; i++) {
      const r = await b.call('PING');
      if (r instanceof RespError) return r;
    }
    throw new Error('server never became busy');
  }

  test('lua-time-limit is a config alias of busy-reply-threshold', async () => {
    expect(await b.call('CONFIG', 'SET', 'lua-time-limit', '5000')).toBe('OK');
    expect(await b.call('CONFIG', 'GET', 'busy-reply-threshold')).toEqual(['busy-reply-threshold', '5000']);
  });

  test('a script under the time limit runs atomically: no other command interleaves', async () => {
    await limit(5000);
    await b.call('DEL', 'n');
    const script = "for i = 1, 20000 do redis.call('incr', KEYS[1]) end return redis.call('get', KEYS[1])";
    a.send('EVAL', script, 1, 'n');
    const other = await b.call('INCR', 'n');
    const mine = await a.reply();
    // B's INCR ran entirely before or after the script.
    expect([[1, '20001'], [20001, '20000']]).toContainEqual([other, mine]);
    expect(await b.call('GET', 'n')).toBe('20001');
  });

  test('past the limit others get BUSY; SCRIPT KILL stops it; the server keeps serving', async () => {
    await limit(50);
    await b.call('SET', 'x', 'before');
    a.send('EVAL', 'local i = 0 while true do i = i + 1 end', 0);
    a.send('GET', 'x');
    const busy = await waitBusy();
    expect(String(busy)).toBe('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');
    expect(String(await b.call('SET', 'x', 'during'))).toMatch(/^BUSY /);
    expect(await b.call('SCRIPT', 'KILL')).toBe('OK');
    const killed = await a.reply();
    expect(killed).toBeInstanceOf(RespError);
    expect(String(killed)).toMatch(/^ERR Script killed by user with SCRIPT KILL\.\.\. script: [0-9a-f]{40}, on @user_script:1\.$/);
    // A's pipelined command ran after the script, in order.
    expect(await a.reply()).toBe('before');
    expect(await b.call('PING')).toBe('PONG');
    expect(String(await b.call('SCRIPT', 'KILL'))).toBe('NOTBUSY No scripts in execution right now.');
  });

  test('a pcall in the script cannot swallow SCRIPT KILL', async () => {
    await limit(50);
    a.send('EVAL', 'while true do pcall(function() local i = 0 while true do i = i + 1 end end) end', 0);
    await waitBusy();
    expect(await b.call('SCRIPT', 'KILL')).toBe('OK');
    expect(String(await a.reply())).toMatch(/^ERR Script killed by user with SCRIPT KILL/);
    expect(await b.call('PING')).toBe('PONG');
  });

  test('after a write the script is UNKILLABLE and runs to its end', async () => {
    const script = `redis.call('set', KEYS[1], 'written')
      local t = redis.call('time'); local start = t[1] * 1000000 + t[2]
      while true do
        local n = redis.call('time')
        if n[1] * 1000000 + n[2] - start > 300000 then break end
      end
      return 'done'`;
    await limit(50);
    a.send('EVAL', script, 1, 'w');
    await waitBusy();
    expect(String(await b.call('SCRIPT', 'KILL'))).toBe('UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.');
    expect(await a.reply()).toBe('done');
    expect(await b.call('GET', 'w')).toBe('written');
  });

  test('MULTI during a busy script: queued commands are refused, EXEC aborts', async () => {
    await limit(50);
    a.send('EVAL', 'local i = 0 while true do i = i + 1 end', 0);
    await waitBusy();
    const t = await RawClient.connect(node.port);
    expect(await t.call('MULTI')).toBe('OK');
    expect(String(await t.call('INCR', 'm'))).toMatch(/^BUSY /);
    expect(await b.call('SCRIPT', 'KILL')).toBe('OK');
    expect(String(await a.reply())).toMatch(/^ERR Script killed/);
    expect(String(await t.call('EXEC'))).toMatch(/^EXECABORT/);
    t.close();
  });

  test('a script inside MULTI/EXEC runs to its end without yielding', async () => {
    await limit(1);
    expect(await a.call('MULTI')).toBe('OK');
    expect(await a.call('EVAL', 'local i = 0 for j = 1, 3000000 do i = i + 1 end return i', 0)).toBe('QUEUED');
    expect(await a.call('EXEC')).toEqual([3000000]);
    expect(await b.call('PING')).toBe('PONG');
  });
});

describe('client libraries', () => {
  let node: InProcessNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(async () => {
    await node?.stop();
  });

  test('ioredis eval and defineCommand (EVALSHA with NOSCRIPT fallback)', async () => {
    const r = new Redis({ port: node.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect();
    try {
      expect(await r.eval("return {KEYS[1], ARGV[1], redis.call('incrby', KEYS[1], ARGV[1])}", 1, 'io', '5')).toEqual(['io', '5', 5]);
      r.defineCommand('addTwice', { numberOfKeys: 1, lua: "redis.call('incrby', KEYS[1], ARGV[1]); return redis.call('incrby', KEYS[1], ARGV[1])" });
      const cmd = r as unknown as { addTwice(k: string, n: number): Promise<number> };
      expect(await cmd.addTwice('io', 2)).toBe(9);
      await r.script('FLUSH');
      expect(await cmd.addTwice('io', 1)).toBe(11);
      await expect(r.eval("return redis.call('nosuch')", 0)).rejects.toThrow(/Unknown Redis command called from script/);
    } finally {
      r.disconnect();
    }
  });

  test('node-redis eval, scriptLoad and evalSha', async () => {
    const c = createClient({ socket: { port: node.port, host: '127.0.0.1', reconnectStrategy: false } });
    await c.connect();
    try {
      expect(await c.eval("return redis.call('set', KEYS[1], ARGV[1])", { keys: ['nr'], arguments: ['v'] })).toBe('OK');
      const sha = await c.scriptLoad("return redis.call('get', KEYS[1])");
      expect(await c.evalSha(sha, { keys: ['nr'] })).toBe('v');
      expect(await c.scriptExists(sha)).toEqual([1]);
      await expect(c.evalSha('ffffffffffffffffffffffffffffffffffffffff')).rejects.toThrow(/NOSCRIPT/);
    } finally {
      await c.quit();
    }
  });
});
