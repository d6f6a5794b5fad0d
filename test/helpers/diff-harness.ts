/**
 * A differential test suite's fixture: an in-process slotgate node and a real redis-server 7, both
 * emptied before every test, with assertions that send the same command to both and compare the
 * replies (decoded, as bytes of bulk strings, or as the exact RESP bytes, RESP2 or RESP3).
 */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { startNode, type InProcessNode } from './node.js';
import { RawClient, type Reply } from './raw-client.js';
import { Differ, startRedis, type RedisServer } from './redis-server.js';
import { rawBytes } from './resp-bytes.js';

export { rawBytes };

export type Arg = string | number;

export interface Harness {
  node: InProcessNode;
  redis: RedisServer;
  d: Differ;
  /** Same reply from both servers (decoded); returns it. */
  same(...args: Arg[]): Promise<Reply>;
  /** `same` for each command in turn. */
  sameAll(cmds: Arg[][]): Promise<void>;
  /** Same reply, bulk strings compared as bytes. */
  sameBin(...args: Arg[]): Promise<Reply>;
  /** Same reply once top-level arrays are sorted (replies whose order Redis leaves to its hash). */
  sameSorted(...args: Arg[]): Promise<Reply>;
  /** The same exact reply bytes for a sequence of commands (optionally after HELLO 3). */
  sameBytes(cmds: Arg[][], resp3?: boolean): Promise<string>;
  /** Runs a command on both servers without comparing (setup steps whose reply is random). */
  both(...args: Arg[]): Promise<{ ours: Reply; ref: Reply }>;
}

/** Registers the hooks; the returned object is filled in before the first test runs. */
export function useDifferential(nodeArgs: string[] = []): Harness {
  let oursBin: RawClient;
  let refBin: RawClient;
  const h = {} as Harness;
  beforeAll(async () => {
    [h.node, h.redis] = await Promise.all([startNode(nodeArgs), startRedis()]);
    h.d = await Differ.connect(h.node.port, h.redis.port);
    oursBin = await RawClient.connect(h.node.port, { buffers: true });
    refBin = await RawClient.connect(h.redis.port, { buffers: true });
  });
  afterAll(async () => {
    h.d?.close();
    oursBin?.close();
    refBin?.close();
    await Promise.all([h.node?.stop(), h.redis?.stop()]);
  });
  beforeEach(async () => {
    for (const db of h.node.server.dbs) db.clear();
    await h.d.ref.call('FLUSHALL');
  });
  h.both = (...args) => h.d.both(...args);
  h.same = async (...args) => {
    const { ours, ref } = await h.d.both(...args);
    expect(ours, args.join(' ')).toEqual(ref);
    return ref;
  };
  h.sameAll = async (cmds) => {
    for (const cmd of cmds) await h.same(...cmd);
  };
  h.sameBin = async (...args) => {
    const [ours, ref] = await Promise.all([oursBin.call(...args), refBin.call(...args)]);
    expect(ours, JSON.stringify(args)).toEqual(ref);
    return ref;
  };
  h.sameSorted = async (...args) => {
    const { ours, ref } = await h.d.both(...args);
    expect(sortDeep(ours), args.join(' ')).toEqual(sortDeep(ref));
    return ref;
  };
  h.sameBytes = async (cmds, resp3 = false) => {
    const [ours, ref] = await Promise.all([rawBytes(h.node.port, cmds, resp3), rawBytes(h.redis.port, cmds, resp3)]);
    expect(ours, JSON.stringify(cmds)).toEqual(ref);
    return ref;
  };
  return h;
}

function sortDeep(r: Reply): Reply {
  if (!Array.isArray(r)) return r;
  return r.map(sortDeep).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}


/** Deterministic pseudo-random numbers (mulberry32), so a failing case can be replayed. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
