/** Connection and server commands: replies compared with a real redis-server 7 where deterministic. */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { Differ, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { RawClient, RespError } from '../helpers/raw-client.js';

let node: InProcessNode;
let ref: RedisServer;
let d: Differ;

beforeAll(async () => {
  [node, ref] = await Promise.all([startNode(), startRedis(['--enable-debug-command', 'yes'])]);
  d = await Differ.connect(node.port, ref.port);
});
afterAll(async () => {
  d.close();
  await Promise.all([node.stop(), ref.stop()]);
});

const same: (string | number)[][] = [
  ['PING'], ['PING', 'hello'], ['PING', 'a', 'b'], ['ECHO', 'x y'], ['ECHO'],
  ['SELECT', '15'], ['SELECT', '16'], ['SELECT', '-1'], ['SELECT', 'abc'], ['SELECT', '0'],
  ['AUTH', 'pw'], ['AUTH', 'default', 'anything'], ['AUTH', 'bob', 'pw'], ['AUTH', 'a', 'b', 'c'],
  ['HELLO', '4'], ['HELLO', 'x'], ['HELLO', '2', 'FOO'], ['HELLO', '2', 'SETNAME', 'bad name'],
  ['CLIENT', 'SETNAME', 'has space'], ['CLIENT', 'SETNAME', 'ok-name'], ['CLIENT', 'GETNAME'],
  ['CLIENT', 'KILL', '1.2.3.4:5'], ['CLIENT', 'KILL', 'ID', '0'], ['CLIENT', 'KILL', 'ID', '999999'],
  ['CLIENT', 'LIST', 'TYPE', 'bogus'], ['CLIENT', 'NOPE'], ['CLIENT'],
  ['CONFIG', 'GET', 'maxmemory'], ['CONFIG', 'GET', 'nosuchparam'],
  ['CONFIG', 'SET', 'maxmemory', 'abc'], ['CONFIG', 'SET', 'nosuch', '1'], ['CONFIG', 'SET', 'port'],
  ['CONFIG', 'SET', 'daemonize', 'yes'], ['CONFIG', 'SET', 'hz', '0'], ['CONFIG', 'GET', 'hz'], ['CONFIG', 'SET', 'hz', '10'], ['CONFIG', 'SET', 'maxmemory-policy', 'bogus'],
  ['CONFIG', 'SET', 'maxmemory', '100mb'], ['CONFIG', 'GET', 'maxmemory'], ['CONFIG', 'SET', 'maxmemory', '0'],
  ['CONFIG', 'SET', 'hz', '10', 'hz', '11'],
  ['CONFIG', 'SET', 'maxmemory', '-1'], ['CONFIG', 'SET', 'slowlog-max-len', '-5'], ['CONFIG', 'SET', 'hash-max-listpack-value', '-1'],
  ['CONFIG', 'SET', 'stream-node-max-entries', '-1'], ['CONFIG', 'SET', 'list-max-listpack-size', '99999999999'],
  ['COMMAND', 'INFO', 'ping', 'echo', 'nosuchcmd'], ['COMMAND', 'INFO', 'config|get'],
  ['COMMAND', 'DOCS', 'echo'], ['COMMAND', 'DOCS', 'hello'], ['COMMAND', 'DOCS', 'config|set'],
  ['COMMAND', 'GETKEYS', 'set', 'a', 'b'], ['COMMAND', 'GETKEYS', 'mset', 'a', '1', 'b', '2'],
  ['COMMAND', 'GETKEYS', 'eval', 'return 1', '2', 'k1', 'k2', 'arg'],
  ['COMMAND', 'GETKEYS', 'zunionstore', 'dst', '2', 'a', 'b', 'WEIGHTS', '1', '2'],
  ['COMMAND', 'GETKEYS', 'xread', 'COUNT', '2', 'STREAMS', 's1', 's2', '0', '0'],
  ['COMMAND', 'GETKEYS', 'sort', 'k', 'BY', 'w*', 'STORE', 'dst'],
  ['COMMAND', 'GETKEYS', 'ping', 'x'], ['COMMAND', 'GETKEYS', 'nosuch', 'x'], ['COMMAND', 'GETKEYS', 'get', 'a', 'b'],
  ['SLOWLOG', 'GET', 'x'], ['SLOWLOG', 'GET', '-2'], ['SLOWLOG', 'RESET'], ['SLOWLOG', 'LEN'],
  ['CONFIG', 'HELP'], ['SLOWLOG', 'HELP'], ['COMMAND', 'HELP'], ['PUBSUB', 'HELP'],
  ['SHUTDOWN', 'BOGUS'], ['DEBUG', 'NOSUCHSUB'], ['SHUTDOWN', 'ABORT'],
];

describe('same replies as redis-server 7', () => {
  test.each(same)('%s', async (...args) => {
    const { ours, ref } = await d.both(...args);
    expect(ours).toEqual(ref);
  });
});

describe('compact-encoding limits (hash/zset/set/list/stream/hll) behave as in redis-server 7', () => {
  const DEFAULTS: [string, string][] = [
    ['hash-max-listpack-entries', '512'], ['hash-max-listpack-value', '64'], ['zset-max-listpack-entries', '128'],
    ['zset-max-listpack-value', '64'], ['set-max-intset-entries', '512'], ['list-max-listpack-size', '-2'],
    ['stream-node-max-bytes', '4096'], ['stream-node-max-entries', '100'], ['hll-sparse-max-bytes', '3000'],
  ];
  const bothSame = async (...args: (string | number)[]) => {
    const { ours, ref } = await d.both(...args);
    expect(ours, args.join(' ')).toEqual(ref);
    return ours;
  };

  test('CONFIG GET/SET under both names, and the encodings they decide', async () => {
    try {
      for (const [name] of DEFAULTS) await bothSame('CONFIG', 'GET', name);
      for (const alias of ['hash-max-ziplist-entries', 'zset-max-ziplist-value', 'list-max-ziplist-size']) await bothSame('CONFIG', 'GET', alias);
      await bothSame('CONFIG', 'SET', 'hash-max-listpack-entries', 'x');
      await bothSame('CONFIG', 'SET', 'hash-max-ziplist-entries', '2');
      await bothSame('CONFIG', 'GET', 'hash-max-listpack-entries');
      await bothSame('CONFIG', 'SET', 'zset-max-listpack-value', '4');
      await bothSame('CONFIG', 'SET', 'set-max-intset-entries', '2');
      await bothSame('CONFIG', 'SET', 'hll-sparse-max-bytes', '40');
      await bothSame('DEL', 'enc:h', 'enc:h2', 'enc:z', 'enc:z2', 'enc:s', 'enc:s2', 'enc:hll');
      // Each write, then the encoding it leaves: at the limit, and one past it.
      const writes = [
        ['HSET', 'enc:h', 'a', '1', 'b', '2'], ['HSET', 'enc:h2', 'a', '1', 'b', '2', 'c', '3'],
        ['ZADD', 'enc:z', '1', 'abcd'], ['ZADD', 'enc:z2', '1', 'abcde'],
        ['SADD', 'enc:s', '1', '2'], ['SADD', 'enc:s2', '1', '2', '3'],
      ];
      for (const w of writes) {
        await bothSame(...w);
        await bothSame('OBJECT', 'ENCODING', w[1]);
      }
      // Past hll-sparse-max-bytes the HyperLogLog turns dense: the same bytes on both servers.
      await bothSame('PFADD', 'enc:hll', ...Array.from({ length: 40 }, (_, i) => `e${i}`));
      await bothSame('GET', 'enc:hll');
    } finally {
      for (const [name, value] of DEFAULTS) await bothSame('CONFIG', 'SET', name, value);
    }
  });

  test('list-max-listpack-size (Redis 7.2 encoding names, which 7.0 does not report): entries or node bytes', async () => {
    const c = await RawClient.connect(node.port);
    try {
      await c.call('CONFIG', 'SET', 'list-max-ziplist-size', '3');
      await c.call('RPUSH', 'enc:l', 'a', 'b', 'c');
      expect(await c.call('OBJECT', 'ENCODING', 'enc:l')).toBe('listpack');
      await c.call('RPUSH', 'enc:l', 'd');
      expect(await c.call('OBJECT', 'ENCODING', 'enc:l')).toBe('quicklist');
      await c.call('CONFIG', 'SET', 'list-max-listpack-size', '-1');
      await c.call('RPUSH', 'enc:l2', 'x'.repeat(3000));
      expect(await c.call('OBJECT', 'ENCODING', 'enc:l2')).toBe('listpack');
      await c.call('RPUSH', 'enc:l2', 'x'.repeat(3000));
      expect(await c.call('OBJECT', 'ENCODING', 'enc:l2')).toBe('quicklist');
    } finally {
      await c.call('CONFIG', 'SET', 'list-max-listpack-size', '-2');
      await c.call('DEL', 'enc:l', 'enc:l2');
      c.close();
    }
  });
});

test('CONFIG GET with several patterns returns each match once (order is unspecified)', async () => {
  const pairs = async (r: unknown) => {
    const a = r as string[];
    const m: Record<string, string> = {};
    for (let i = 0; i < a.length; i += 2) m[a[i]] = a[i + 1];
    return m;
  };
  const { ours, ref } = await d.both('CONFIG', 'GET', 'maxmemory-policy', 'hz', 'maxmemory', 'timeout');
  expect(await pairs(ours)).toEqual(await pairs(ref));
});

describe('connection', () => {
  test('HELLO 3 switches to RESP3 maps and back', async () => {
    const s = net.connect(node.port, '127.0.0.1');
    let got = '';
    s.on('data', (b) => (got += b.toString('latin1')));
    const until = async (pred: () => boolean) => {
      const deadline = Date.now() + 5000;
      while (!pred() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    };
    s.write('HELLO 3\r\n');
    await until(() => got.endsWith('modules\r\n*0\r\n'));
    expect(got.startsWith('%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n')).toBe(true);
    expect(got).toContain('$5\r\nproto\r\n:3\r\n');
    got = '';
    s.write('HELLO 2\r\n');
    await until(() => got.endsWith('modules\r\n*0\r\n'));
    expect(got.startsWith('*14\r\n')).toBe(true);
    s.destroy();
  });

  test('QUIT replies OK and closes', async () => {
    const c = await RawClient.connect(node.port);
    expect(await c.call('QUIT')).toBe('OK');
    await c.waitClosed();
  });

  test('CLIENT REPLY OFF / SKIP / ON', async () => {
    const c = await RawClient.connect(node.port);
    c.send('CLIENT', 'REPLY', 'OFF');
    c.send('ECHO', 'hidden');
    c.send('CLIENT', 'REPLY', 'ON');
    expect(await c.reply()).toBe('OK');
    c.send('CLIENT', 'REPLY', 'SKIP');
    c.send('ECHO', 'skipped');
    c.send('ECHO', 'shown');
    expect(await c.reply()).toBe('shown');
    c.close();
  });

  test('CLIENT ID / LIST / INFO / KILL', async () => {
    const a = await RawClient.connect(node.port);
    const b = await RawClient.connect(node.port);
    const idB = (await b.call('CLIENT', 'ID')) as number;
    await b.call('CLIENT', 'SETNAME', 'victim');
    const list = (await a.call('CLIENT', 'LIST')) as string;
    expect(list).toMatch(new RegExp(`id=${idB} addr=\\S+ laddr=\\S+ fd=\\d+ name=victim `));
    expect((await a.call('CLIENT', 'LIST', 'ID', String(idB))) as string).toContain('name=victim');
    expect((await b.call('CLIENT', 'INFO')) as string).toMatch(/cmd=client\|info/);
    expect(await a.call('CLIENT', 'KILL', 'ID', String(idB))).toBe(1);
    await b.waitClosed();
    a.close();
  });

  test('requirepass: NOAUTH until AUTH, WRONGPASS on a bad password, HELLO AUTH', async () => {
    const n = await startNode(['--requirepass', 's3cret']);
    try {
      const c = await RawClient.connect(n.port);
      expect(await c.call('PING')).toEqual(new RespError('NOAUTH Authentication required.'));
      expect(await c.call('AUTH', 'wrong')).toEqual(new RespError('WRONGPASS invalid username-password pair or user is disabled.'));
      expect(await c.call('AUTH', 's3cret')).toBe('OK');
      expect(await c.call('PING')).toBe('PONG');
      const h = await RawClient.connect(n.port);
      expect(await h.call('HELLO', '3')).toBeInstanceOf(RespError);
      expect(((await h.call('HELLO', '2', 'AUTH', 'default', 's3cret')) as unknown[])[1]).toBe('redis');
      const io = new Redis({ port: n.port, password: 's3cret', lazyConnect: true });
      await io.connect();
      expect(await io.ping()).toBe('PONG');
      io.disconnect();
      c.close();
      h.close();
    } finally {
      await n.stop();
    }
  });

  test('DEBUG is refused unless enable-debug-command allows it', async () => {
    const n = await startNode(['--enable-debug-command', 'no']);
    try {
      const c = await RawClient.connect(n.port);
      expect(((await c.call('DEBUG', 'SLEEP', '0')) as RespError).message).toMatch(/^ERR DEBUG command not allowed/);
      c.close();
    } finally {
      await n.stop();
    }
  });

  test('maxclients refuses with Redis error', async () => {
    const n = await startNode(['--maxclients', '2']);
    try {
      const a = await RawClient.connect(n.port);
      const b = await RawClient.connect(n.port);
      const c = await RawClient.connect(n.port);
      expect(await c.reply()).toEqual(new RespError('ERR max number of clients reached'));
      expect(await a.call('PING')).toBe('PONG');
      [a, b, c].forEach((x) => x.close());
    } finally {
      await n.stop();
    }
  });

  test('idle timeout closes idle clients', async () => {
    const n = await startNode(['--timeout', '1', '--hz', '100']);
    try {
      const c = await RawClient.connect(n.port);
      expect(await c.call('PING')).toBe('PONG');
      await c.waitClosed(5000);
      expect(c.closed).toBe(true);
    } finally {
      await n.stop();
    }
  });

  test('rename-command renames and disables', async () => {
    const n = await startNode(['--rename-command', 'config', 'cfg-secret', '--rename-command', 'debug', '']);
    try {
      const c = await RawClient.connect(n.port);
      expect(await c.call('CONFIG', 'GET', 'hz')).toBeInstanceOf(RespError);
      expect(await c.call('CFG-SECRET', 'GET', 'hz')).toEqual(['hz', '10']);
      expect(await c.call('DEBUG', 'SLEEP', '0')).toBeInstanceOf(RespError);
      c.close();
    } finally {
      await n.stop();
    }
  });
});

describe('server', () => {
  test('INFO has Redis section headers and field names', async () => {
    const info = (await d.ours.call('INFO')) as string;
    for (const h of ['# Server', '# Clients', '# Memory', '# Persistence', '# Stats', '# Replication', '# CPU', '# Keyspace']) {
      expect(info).toContain(h);
    }
    expect(info).toMatch(/redis_version:7\.\d+\.\d+\r\n/);
    expect(info).toMatch(/connected_clients:\d+\r\n/);
    expect(info).toMatch(/total_commands_processed:\d+\r\n/);
    expect((await d.ours.call('INFO', 'server')) as string).not.toContain('# Clients');
    expect((await d.ours.call('INFO', 'commandstats')) as string).toMatch(/cmdstat_info:calls=\d+,usec=\d+,usec_per_call=[\d.]+,rejected_calls=0,failed_calls=0/);
  });

  test('TIME and LASTSAVE', async () => {
    const [secs, us] = (await d.ours.call('TIME')) as string[];
    expect(Math.abs(Number(secs) - Date.now() / 1000)).toBeLessThan(5);
    expect(Number(us)).toBeLessThan(1_000_000);
    expect(typeof (await d.ours.call('LASTSAVE'))).toBe('number');
  });

  test('SLOWLOG records slow commands with Redis layout', async () => {
    const c = await RawClient.connect(node.port);
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await c.call('SLOWLOG', 'RESET');
    await c.call('CLIENT', 'SETNAME', 'slowpoke');
    await c.call('DEBUG', 'SLEEP', '0.01');
    const entries = (await c.call('SLOWLOG', 'GET', '-1')) as unknown[][];
    const e = entries.find((x) => (x[3] as string[])[0] === 'DEBUG')!;
    expect(e[2] as number).toBeGreaterThanOrEqual(10_000);
    expect(e[3]).toEqual(['DEBUG', 'SLEEP', '0.01']);
    expect(e[5]).toBe('slowpoke');
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '10000');
    c.close();
  });

  test('MONITOR streams other clients\' commands', async () => {
    const m = await RawClient.connect(node.port);
    expect(await m.call('MONITOR')).toBe('OK');
    const c = await RawClient.connect(node.port);
    await c.call('ECHO', 'a"b\n');
    const line = (await m.reply()) as string;
    expect(line).toMatch(/^\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "ECHO" "a\\"b\\n"$/);
    m.close();
    c.close();
  });

  test('COMMAND COUNT and LIST agree, every command has a handler', async () => {
    const count = (await d.ours.call('COMMAND', 'COUNT')) as number;
    const all = (await d.ours.call('COMMAND')) as unknown[];
    expect(all).toHaveLength(count);
    expect(await d.ours.call('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'pin*')).toEqual(['ping']);
  });

  test('node-redis and ioredis speak to it (RESP2 and RESP3)', async () => {
    const nr = createClient({ socket: { port: node.port }, RESP: 3 });
    await nr.connect();
    expect(await nr.ping()).toBe('PONG');
    expect(await nr.echo('hi')).toBe('hi');
    await nr.quit();
    const io = new Redis({ port: node.port });
    expect(await io.echo('x')).toBe('x');
    expect(await io.config('GET', 'hz')).toEqual(['hz', '10']);
    io.disconnect();
  });
});
