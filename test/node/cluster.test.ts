/**
 * Slot-aware nodes (cluster-enabled yes): CLUSTER subcommands and their errors compared with a real
 * redis-server in cluster mode, the Redis Cluster redirection rules between two in-process nodes
 * (MOVED, ASK, ASKING, TRYAGAIN, CROSSSLOT, CLUSTERDOWN, inside MULTI), the per-slot key index,
 * and the replies of a node started without cluster mode.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Redis from 'ioredis';
import { keySlot } from '../../lib/slot/index.js';
import { waitUntil } from '../helpers/guarded-process.js';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { RawClient, RespError, type Reply } from '../helpers/raw-client.js';
import { Differ, startRedis, type RedisServer } from '../helpers/redis-server.js';

type Cmd = (string | number)[];

const err = (r: Reply): string => (r instanceof RespError ? r.message : `not an error: ${JSON.stringify(r)}`);

describe('CLUSTER subcommands against a real redis-server in cluster mode', () => {
  let node: InProcessNode;
  let ref: RedisServer;
  let d: Differ;

  beforeAll(async () => {
    [node, ref] = await Promise.all([startNode(['--cluster-enabled', 'yes']), startRedis(['--cluster-enabled', 'yes'])]);
    d = await Differ.connect(node.port, ref.port);
  });
  afterAll(async () => {
    d.close();
    await Promise.all([node.stop(), ref.stop()]);
  });

  async function same(...cmds: Cmd[]): Promise<void> {
    for (const cmd of cmds) {
      const { ours, ref } = await d.both(...cmd);
      expect(ours, cmd.join(' ')).toEqual(ref);
    }
  }

  test('KEYSLOT equals Redis for plain, tagged, empty-tag and binary keys', async () => {
    const keys = ['foo', 'bar', '{user1000}.following', '{user1000}.followers', 'foo{}{bar}', 'foo{{bar}}zap', 'foo{bar}{zap}', '', '\x00\xff\r\n', '{}', 'a'.repeat(1000)];
    for (const k of keys) await same(['CLUSTER', 'KEYSLOT', k]);
    const { ours } = await d.both('CLUSTER', 'KEYSLOT', 'foo');
    expect(ours).toBe(keySlot('foo'));
  });

  test('argument errors are worded as Redis words them', async () => {
    await same(
      ['CLUSTER', 'KEYSLOT'],
      ['CLUSTER', 'COUNTKEYSINSLOT', '16384'], ['CLUSTER', 'COUNTKEYSINSLOT', '-1'], ['CLUSTER', 'COUNTKEYSINSLOT', 'x'],
      ['CLUSTER', 'GETKEYSINSLOT', '1', '-1'], ['CLUSTER', 'GETKEYSINSLOT', '1', 'x'], ['CLUSTER', 'GETKEYSINSLOT', '20000', '1'],
      ['CLUSTER', 'GETKEYSINSLOT', 'x', '1'], ['CLUSTER', 'GETKEYSINSLOT', '5', '0'],
      ['CLUSTER', 'ADDSLOTS', '16384'], ['CLUSTER', 'ADDSLOTS', 'x'], ['CLUSTER', 'ADDSLOTS', '1', '1'], ['CLUSTER', 'ADDSLOTS'],
      ['CLUSTER', 'ADDSLOTSRANGE', '5', '1'], ['CLUSTER', 'ADDSLOTSRANGE', '1', '2', '3'], ['CLUSTER', 'ADDSLOTSRANGE', '1', '16384'],
      ['CLUSTER', 'ADDSLOTSRANGE', '1', '3', '3', '4'],
      ['CLUSTER', 'DELSLOTS', '9'], ['CLUSTER', 'DELSLOTSRANGE', '1', '3'],
      ['CLUSTER', 'SETSLOT', '1', 'MIGRATING', 'abc'], ['CLUSTER', 'SETSLOT', '1', 'IMPORTING', 'abc'],
      ['CLUSTER', 'SETSLOT', '1', 'NODE', 'abc'], ['CLUSTER', 'SETSLOT', '1', 'foo'], ['CLUSTER', 'SETSLOT', '1', 'STABLE', 'x'],
      ['CLUSTER', 'SETSLOT', 'x', 'STABLE'], ['CLUSTER', 'SETSLOT', '1', 'NODE'], ['CLUSTER', 'SETSLOT', '1'],
      ['CLUSTER', 'NOPE'],
    );
  });

  test('slot assignment: ADDSLOTS/ADDSLOTSRANGE/DELSLOTS and their busy/unassigned/repeated errors', async () => {
    await same(
      ['CLUSTER', 'ADDSLOTSRANGE', '0', '100', '200', '300'], ['CLUSTER', 'ADDSLOTS', '5000', '5001'],
      ['CLUSTER', 'ADDSLOTS', '7', '6000'], ['CLUSTER', 'ADDSLOTS', '6000', '7'], ['CLUSTER', 'ADDSLOTS', '6000'],
      ['CLUSTER', 'DELSLOTS', '6000', '6001'], ['CLUSTER', 'DELSLOTS', '1', '1'],
      ['CLUSTER', 'DELSLOTS', '5000'], ['CLUSTER', 'DELSLOTSRANGE', '6000', '6000'], ['CLUSTER', 'ADDSLOTS', '5000'],
      ['CLUSTER', 'COUNTKEYSINSLOT', '5'],
      ['CLUSTER', 'SETSLOT', '3', 'STABLE'], ['CLUSTER', 'SETSLOT', '150', 'MIGRATING', 'abc'],
    );
    // Node ids differ; errors naming this node must still match in shape.
    const ourId = (await d.ours.call('CLUSTER', 'MYID')) as string;
    const refId = (await d.ref.call('CLUSTER', 'MYID')) as string;
    expect(ourId).toMatch(/^[0-9a-f]{40}$/);
    expect(await d.ours.call('CLUSTER', 'MYID')).toBe(ourId);
    // SETSLOT naming this node itself (ids differ, so each side gets its own).
    for (const action of [['IMPORTING'], ['MIGRATING'], ['NODE'], ['STABLE']]) {
      const withId = (id: string) => ['CLUSTER', 'SETSLOT', '3', ...action, ...(action[0] === 'STABLE' ? [] : [id])];
      expect(await d.ours.call(...withId(ourId)), action[0]).toEqual(await d.ref.call(...withId(refId)));
    }
    // Importing a slot this node does not own, then taking it with ADDSLOTS, ends the import.
    await same(['CLUSTER', 'SETSLOT', '400', 'IMPORTING', 'x'.repeat(40)]);
    expect(await d.ours.call('CLUSTER', 'SETSLOT', '400', 'IMPORTING', ourId)).toBe('OK');
    expect(await d.ref.call('CLUSTER', 'SETSLOT', '400', 'IMPORTING', refId)).toBe('OK');
    const nodesLine = async (c: RawClient, id: string) => ((await c.call('CLUSTER', 'NODES')) as string).replaceAll(id, 'ID').replace(/ \S*:\d+@\d+ /, ' ADDR ');
    expect(await nodesLine(d.ours, ourId)).toBe(await nodesLine(d.ref, refId));
    await same(['CLUSTER', 'ADDSLOTS', '400']);
    expect(await nodesLine(d.ours, ourId)).toBe(await nodesLine(d.ref, refId));
  });

  test('INFO, SLOTS and SHARDS have Redis shape; keys are served once all slots are assigned', async () => {
    await same(['CLUSTER', 'DELSLOTSRANGE', '0', '100', '200', '300'], ['CLUSTER', 'DELSLOTS', '400', '5000', '5001']);
    await same(['GET', 'foo'], ['SET', 'a', 'b'], ['MGET', 'a', 'b']);
    for (const c of [d.ours, d.ref]) {
      expect(String(await c.call('CLUSTER', 'INFO'))).toContain('cluster_slots_assigned:0\r\n');
      expect(await c.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383')).toBe('OK');
    }
    await waitUntil(async () => String(await d.ref.call('CLUSTER', 'INFO')).startsWith('cluster_state:ok'), 10_000, 'reference cluster_state:ok');
    const fields = async (c: RawClient) => String(await c.call('CLUSTER', 'INFO')).split('\r\n').filter((l) => !l.startsWith('cluster_stats_messages'));
    expect(await fields(d.ours)).toEqual(await fields(d.ref));
    await same(
      ['SET', 'foo', 'bar'], ['GET', 'foo'], ['MGET', 'foo', 'bar'], ['MSET', '{t}a', '1', '{t}b', '2'],
      ['MGET', '{t}a', '{t}b'], ['CLUSTER', 'COUNTKEYSINSLOT', keySlot('{t}')], ['CLUSTER', 'GETKEYSINSLOT', keySlot('foo'), '10'],
      ['EXISTS', 'foo', 'nope'], ['SELECT', '1'], ['SELECT', '0'],
      ['MULTI'], ['SET', 'x', '1'], ['GET', 'y'], ['EXEC'], // EXEC checks the queue as one request: CROSSSLOT
      ['ASKING'], ['READONLY'], ['READWRITE'],
    );
    await same(['MULTI'], ['SET', '{x}1', '1'], ['SET', '{x}2', '2'], ['EXEC'], ['GET', 'x']);
    const [ourId, refId] = [await d.ours.call('CLUSTER', 'MYID'), await d.ref.call('CLUSTER', 'MYID')];
    // Ids and ports differ; Redis leaves its own ip empty until another node tells it.
    const norm = (r: Reply, id: Reply, port: number) =>
      JSON.parse(JSON.stringify(r).replaceAll(String(id), 'ID').replaceAll('"127.0.0.1"', '""').replace(new RegExp(`\\b${port}\\b`, 'g'), '"PORT"'));
    for (const sub of ['SLOTS', 'SHARDS']) {
      const ours = norm(await d.ours.call('CLUSTER', sub), ourId, node.port);
      expect(ours, sub).toEqual(norm(await d.ref.call('CLUSTER', sub), refId, ref.port));
    }
  });
});

describe('redirection between two slot-aware nodes', () => {
  let a: InProcessNode;
  let b: InProcessNode;
  let ca: RawClient;
  let cb: RawClient;
  let idA: string;
  let idB: string;
  const addrA = () => `127.0.0.1:${a.port}`;
  const addrB = () => `127.0.0.1:${b.port}`;
  /** A slot A owns and a slot B owns. */
  const MINE = keySlot('{a}');
  const THEIRS = keySlot('{b}');
  const MOVING = keySlot('{m}');

  beforeAll(async () => {
    [a, b] = await Promise.all([startNode(['--cluster-enabled', 'yes']), startNode(['--cluster-enabled', 'yes'])]);
    [ca, cb] = await Promise.all([RawClient.connect(a.port), RawClient.connect(b.port)]);
    idA = (await ca.call('CLUSTER', 'MYID')) as string;
    idB = (await cb.call('CLUSTER', 'MYID')) as string;
    // What the coordinator does: introduce the nodes, then assign slots on both.
    expect(await ca.call('CLUSTER', 'SETNODE', idB, addrB())).toBe('OK');
    expect(await cb.call('CLUSTER', 'SETNODE', idA, addrA())).toBe('OK');
    expect(await ca.call('CLUSTER', 'ADDSLOTS', MINE, MOVING)).toBe('OK');
    expect(await ca.call('CLUSTER', 'SETSLOT', THEIRS, 'NODE', idB)).toBe('OK');
    expect(await cb.call('CLUSTER', 'ADDSLOTS', THEIRS)).toBe('OK');
    expect(await cb.call('CLUSTER', 'SETSLOT', MINE, 'NODE', idA)).toBe('OK');
    expect(await cb.call('CLUSTER', 'SETSLOT', MOVING, 'NODE', idA)).toBe('OK');
  });
  afterAll(async () => {
    ca.close();
    cb.close();
    await Promise.all([a.stop(), b.stop()]);
  });

  test('owned slot served, unowned slot MOVED to its owner, unassigned slot CLUSTERDOWN', async () => {
    expect(await ca.call('SET', '{a}k', 'v')).toBe('OK');
    expect(await ca.call('GET', '{a}k')).toBe('v');
    expect(err(await ca.call('GET', '{b}k'))).toBe(`MOVED ${THEIRS} ${addrB()}`);
    expect(err(await cb.call('GET', '{a}k'))).toBe(`MOVED ${MINE} ${addrA()}`);
    expect(err(await ca.call('GET', '{z}k'))).toBe('CLUSTERDOWN Hash slot not served');
    expect(await ca.call('PING')).toBe('PONG'); // keyless commands are never redirected
  });

  test('keys in different slots: CROSSSLOT; the first key decides unassigned', async () => {
    expect(err(await ca.call('MGET', '{a}1', '{a}2', '{b}1'))).toBe("CROSSSLOT Keys in request don't hash to the same slot");
    expect(err(await ca.call('MSET', '{a}1', 'x', '{b}1', 'y'))).toBe("CROSSSLOT Keys in request don't hash to the same slot");
    expect(err(await ca.call('MGET', '{z}1', '{a}1'))).toBe('CLUSTERDOWN Hash slot not served');
    expect(await ca.call('MGET', '{a}1', '{a}2')).toEqual([null, null]);
  });

  test('inside MULTI a redirected command aborts the transaction; EXEC checks the whole queue', async () => {
    expect(await ca.call('MULTI')).toBe('OK');
    expect(await ca.call('SET', '{a}t', '1')).toBe('QUEUED');
    expect(err(await ca.call('GET', '{b}t'))).toBe(`MOVED ${THEIRS} ${addrB()}`);
    expect(err(await ca.call('EXEC'))).toBe('EXECABORT Transaction discarded because of previous errors.');
    expect(await ca.call('GET', '{a}t')).toBe(null);
    expect(await ca.call('MULTI')).toBe('OK');
    expect(await ca.call('SET', '{a}t', '1')).toBe('QUEUED');
    expect(await ca.call('GET', '{a}t')).toBe('QUEUED');
    expect(await ca.call('EXEC')).toEqual(['OK', '1']);
  });

  test('a slot moving from A to B: MIGRATING/IMPORTING, ASK, ASKING, TRYAGAIN, then NODE on both', async () => {
    expect(await ca.call('MSET', '{m}1', 'one', '{m}2', 'two')).toBe('OK');
    expect(await cb.call('CLUSTER', 'SETSLOT', MOVING, 'IMPORTING', idA)).toBe('OK');
    expect(await ca.call('CLUSTER', 'SETSLOT', MOVING, 'MIGRATING', idB)).toBe('OK');
    expect(await ca.call('CLUSTER', 'NODES')).toContain(`[${MOVING}->-${idB}]`);
    expect(await cb.call('CLUSTER', 'NODES')).toContain(`[${MOVING}-<-${idA}]`);
    // Move {m}1 by hand (MIGRATE is a later step): DUMP on A, RESTORE on B with ASKING, DEL on A.
    const payload = await RawClient.connect(a.port, { buffers: true });
    const dumped = (await payload.call('DUMP', '{m}1')) as Buffer;
    payload.close();
    expect(err(await cb.call('RESTORE', '{m}1', 0, dumped))).toBe(`MOVED ${MOVING} ${addrA()}`);
    expect(await cb.call('ASKING')).toBe('OK');
    expect(await cb.call('RESTORE', '{m}1', 0, dumped)).toBe('OK');
    expect(await ca.call('DEL', '{m}1')).toBe(1);

    // Source: present keys served, absent keys ASK, a split multi-key request TRYAGAIN.
    expect(await ca.call('GET', '{m}2')).toBe('two');
    expect(err(await ca.call('GET', '{m}1'))).toBe(`ASK ${MOVING} ${addrB()}`);
    expect(err(await ca.call('SET', '{m}new', 'x'))).toBe(`ASK ${MOVING} ${addrB()}`);
    expect(err(await ca.call('MGET', '{m}1', '{m}2'))).toBe('TRYAGAIN Multiple keys request during rehashing of slot');
    expect(await ca.call('CLUSTER', 'COUNTKEYSINSLOT', MOVING)).toBe(1);

    // Target: MOVED back without ASKING; ASKING admits exactly one command.
    expect(err(await cb.call('GET', '{m}1'))).toBe(`MOVED ${MOVING} ${addrA()}`);
    expect(await cb.call('ASKING')).toBe('OK');
    expect(await cb.call('GET', '{m}1')).toBe('one');
    expect(err(await cb.call('GET', '{m}1'))).toBe(`MOVED ${MOVING} ${addrA()}`);
    expect(await cb.call('ASKING')).toBe('OK');
    expect(err(await cb.call('MGET', '{m}1', '{m}2'))).toBe('TRYAGAIN Multiple keys request during rehashing of slot');
    // ASKING before MULTI covers the whole transaction, and ends with EXEC.
    expect(await cb.call('ASKING')).toBe('OK');
    expect(await cb.call('MULTI')).toBe('OK');
    expect(await cb.call('GET', '{m}1')).toBe('QUEUED');
    expect(await cb.call('EXEC')).toEqual(['one']);
    expect(err(await cb.call('GET', '{m}1'))).toBe(`MOVED ${MOVING} ${addrA()}`);

    // A source still holding keys refuses to hand the slot over.
    expect(err(await ca.call('CLUSTER', 'SETSLOT', MOVING, 'NODE', idB))).toBe(
      `ERR Can't assign hashslot ${MOVING} to a different node while I still hold keys for this hash slot.`,
    );
    // Finish: move {m}2, assign the slot to B on B then on A; importing/migrating end.
    expect(await cb.call('ASKING')).toBe('OK');
    expect(await cb.call('SET', '{m}2', 'two')).toBe('OK');
    expect(await ca.call('DEL', '{m}2')).toBe(1);
    expect(await cb.call('CLUSTER', 'SETSLOT', MOVING, 'NODE', idB)).toBe('OK');
    expect(await ca.call('CLUSTER', 'SETSLOT', MOVING, 'NODE', idB)).toBe('OK');
    expect(await ca.call('CLUSTER', 'NODES')).not.toContain('->-');
    expect(await cb.call('CLUSTER', 'NODES')).not.toContain('-<-');
    expect(await cb.call('MGET', '{m}1', '{m}2')).toEqual(['one', 'two']);
    expect(err(await ca.call('GET', '{m}1'))).toBe(`MOVED ${MOVING} ${addrB()}`);
  });

  test('SLOTS, SHARDS and NODES describe what the node was told; ioredis Cluster follows them', async () => {
    const slots = (await ca.call('CLUSTER', 'SLOTS')) as Reply[][];
    expect(slots).toContainEqual([MINE, MINE, ['127.0.0.1', a.port, idA, []]]);
    expect(slots).toContainEqual([THEIRS, THEIRS, ['127.0.0.1', b.port, idB, []]]);
    const nodes = String(await ca.call('CLUSTER', 'NODES'));
    expect(nodes).toContain(`${idA} 127.0.0.1:${a.port}@${a.port + 10000} myself,master - 0 0 0 connected`);
    expect(nodes).toContain(`${idB} 127.0.0.1:${b.port}@${b.port + 10000} master - 0 0 0 connected ${THEIRS}`);
    const shards = (await ca.call('CLUSTER', 'SHARDS')) as Reply[][];
    expect(shards).toHaveLength(2);
    expect(shards[1][0]).toBe('slots');
    const info = String(await ca.call('CLUSTER', 'INFO'));
    expect(info).toContain('cluster_state:fail\r\ncluster_slots_assigned:3\r\n');
    expect(info).toContain('cluster_known_nodes:2\r\ncluster_size:2\r\n');

    const cluster = new Redis.Cluster([{ host: '127.0.0.1', port: a.port }], { lazyConnect: true, enableReadyCheck: false });
    try {
      await cluster.connect();
      await cluster.set('{b}via-cluster', 'x');
      await cluster.set('{a}via-cluster', 'y');
      expect(await cluster.get('{b}via-cluster')).toBe('x');
      expect(await cb.call('GET', '{b}via-cluster')).toBe('x');
      expect(await ca.call('GET', '{a}via-cluster')).toBe('y');
    } finally {
      cluster.disconnect();
    }
  });

  test('SETNODE validates its arguments', async () => {
    expect(err(await ca.call('CLUSTER', 'SETNODE', 'abc', '127.0.0.1:1'))).toBe('ERR Invalid node id abc');
    expect(err(await ca.call('CLUSTER', 'SETNODE', idA, '127.0.0.1:1'))).toBe("ERR Can't set the address of myself");
    for (const bad of ['127.0.0.1', '127.0.0.1:0', '127.0.0.1:x', ':6379', '127.0.0.1:70000']) {
      expect(err(await ca.call('CLUSTER', 'SETNODE', 'f'.repeat(40), bad))).toBe(`ERR Invalid node address specified: ${bad}`);
    }
    expect(err(await ca.call('CLUSTER', 'SETNODE', idB))).toBe("ERR wrong number of arguments for 'cluster|setnode' command");
  });
});

describe('per-slot key index', () => {
  let n: InProcessNode;
  let c: RawClient;
  const S = keySlot('{s}');
  const count = async () => (await c.call('CLUSTER', 'COUNTKEYSINSLOT', S)) as number;
  const keys = async (max = 100) => [...((await c.call('CLUSTER', 'GETKEYSINSLOT', S, max)) as string[])].sort();

  beforeAll(async () => {
    n = await startNode(['--cluster-enabled', 'yes']);
    c = await RawClient.connect(n.port);
    expect(await c.call('CLUSTER', 'ADDSLOTSRANGE', 0, 16383)).toBe('OK');
  });
  afterAll(async () => {
    c.close();
    await n.stop();
  });

  test('writes of every type add keys once; overwrites do not double count', async () => {
    await c.call('SET', '{s}str', '1');
    await c.call('SET', '{s}str', '2');
    await c.call('HSET', '{s}hash', 'f', 'v');
    await c.call('RPUSH', '{s}list', 'a', 'b');
    await c.call('SADD', '{s}set', 'm');
    await c.call('ZADD', '{s}zset', 1, 'm');
    await c.call('SET', 'other', 'x');
    expect(await count()).toBe(5);
    expect(await keys()).toEqual(['{s}hash', '{s}list', '{s}set', '{s}str', '{s}zset']);
    expect(await keys(2)).toHaveLength(2);
    expect(await c.call('CLUSTER', 'GETKEYSINSLOT', S, 0)).toEqual([]);
    expect(await c.call('CLUSTER', 'COUNTKEYSINSLOT', keySlot('other'))).toBe(1);
  });

  test('deletes, pops of the last element and RENAME keep it exact', async () => {
    await c.call('DEL', '{s}str');
    await c.call('LPOP', '{s}list', 2);
    await c.call('RENAME', '{s}hash', '{s}hash2');
    expect(await keys()).toEqual(['{s}hash2', '{s}set', '{s}zset']);
    await c.call('UNLINK', '{s}set', '{s}zset');
    expect(await count()).toBe(1);
  });

  test('expired keys leave the index when they are deleted (lazily or actively)', async () => {
    expect(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0)).toBe('OK');
    await c.call('SET', '{s}ttl', 'v', 'PX', 50);
    expect(await count()).toBe(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(await c.call('GET', '{s}ttl')).toBe(null); // lazy expiry deletes it
    expect(await count()).toBe(1);
    expect(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1)).toBe('OK');
    await c.call('SET', '{s}ttl2', 'v', 'PX', 20);
    await waitUntil(async () => (await count()) === 1, 5_000, 'active expiry of {s}ttl2');
    expect(await keys()).toEqual(['{s}hash2']);
  });

  test('FLUSHALL and FLUSHDB empty it', async () => {
    await c.call('SET', '{s}a', '1');
    expect(await c.call('FLUSHALL')).toBe('OK');
    expect(await count()).toBe(0);
    expect(await keys()).toEqual([]);
    await c.call('SET', '{s}b', '1');
    expect(await count()).toBe(1);
    expect(await c.call('FLUSHDB')).toBe('OK');
    expect(await count()).toBe(0);
  });
});

describe('a node started without cluster mode', () => {
  let node: InProcessNode;
  let ref: RedisServer;
  let d: Differ;

  beforeAll(async () => {
    [node, ref] = await Promise.all([startNode(), startRedis()]);
    d = await Differ.connect(node.port, ref.port);
  });
  afterAll(async () => {
    d.close();
    await Promise.all([node.stop(), ref.stop()]);
  });

  test('answers CLUSTER, ASKING, READONLY and READWRITE as Redis does, and ignores slots', async () => {
    const cmds: Cmd[] = [
      ['CLUSTER', 'INFO'], ['CLUSTER', 'KEYSLOT', 'foo'], ['CLUSTER', 'MYID'], ['CLUSTER', 'HELP'],
      ['CLUSTER', 'ADDSLOTS', '1'], ['CLUSTER', 'NOPE'], ['CLUSTER'],
      ['ASKING'], ['READONLY'], ['READWRITE'],
      ['MSET', 'a', '1', 'b', '2'], ['MGET', 'a', 'b'], ['FLUSHALL'],
    ];
    for (const cmd of cmds) {
      const { ours, ref } = await d.both(...cmd);
      expect(ours, cmd.join(' ')).toEqual(ref);
    }
    expect(node.server.cluster).toBe(null);
    expect(node.server.dbs[0].slotIndex).toBe(undefined);
  });
});
