import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isStoreError, type Store, type Versioned } from '../../lib/store/index.js';
import { casLoop } from '../../lib/store/cluster.js';
import { waitUntil } from '../helpers/guarded-process.js';
import { killHard, runIncrementer, spawnEphemeralOwner } from './child.js';

export interface StoreHarness {
  /** A new, independent client of the shared store under test. */
  open(): Promise<Store>;
  /** URL another process opens to reach the same store. */
  childUrl(): string;
  /** Bound on how long a killed process's ephemerals may linger (ZooKeeper: its session timeout). */
  ephemeralGoneWithinMs: number;
}

const b = (s: string) => Buffer.from(s);

/** Expects the promise to reject with a StoreError of this code. */
async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toSatisfy((e) => isStoreError(e) && e.code === code);
}

/** Records every delivery of a watch, for assertions on order and de-duplication. */
function recorder<T>() {
  const seen: T[] = [];
  return { seen, cb: (v: T) => { seen.push(v); }, last: () => seen[seen.length - 1] };
}

const versionOf = (v: Versioned | null | undefined) => (v ? v.version : v);

/** The suite every Store implementation must pass. */
export function storeContract(harness: () => StoreHarness): void {
  const opened: Store[] = [];
  let base = '';
  const open = async () => {
    const s = await harness().open();
    opened.push(s);
    return s;
  };
  /** A fresh subtree per test, so tests never see each other's nodes. */
  const fresh = async (s: Store) => {
    base = `/t-${randomBytes(4).toString('hex')}`;
    await s.create(base, Buffer.alloc(0));
    return base;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  describe('basics', () => {
    it('creates, reads, updates, lists and deletes nodes', async () => {
      const s = await open();
      const root = await fresh(s);
      expect(await s.get(`${root}/a`)).toBeNull();
      expect(await s.create(`${root}/a`, b('one'))).toBe(`${root}/a`);
      expect(await s.get(`${root}/a`)).toEqual({ data: b('one'), version: 0 });
      await s.create(`${root}/c`, b(''));
      await s.create(`${root}/b`, b('two'));
      expect(await s.children(root)).toEqual(['a', 'b', 'c']);
      expect(await s.set(`${root}/a`, b('uno'))).toBe(1);
      expect(await s.get(`${root}/a`)).toEqual({ data: b('uno'), version: 1 });
      await s.delete(`${root}/a`);
      expect(await s.get(`${root}/a`)).toBeNull();
      expect(await s.children(root)).toEqual(['b', 'c']);
    });

    it('keeps arbitrary bytes and empty data intact', async () => {
      const s = await open();
      const root = await fresh(s);
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await s.create(`${root}/bin`, all);
      expect((await s.get(`${root}/bin`))!.data.equals(all)).toBe(true);
      await s.create(`${root}/empty`, Buffer.alloc(0));
      expect((await s.get(`${root}/empty`))!.data.length).toBe(0);
    });

    it('reports the ZooKeeper error cases with store codes', async () => {
      const s = await open();
      const root = await fresh(s);
      await rejectsWith(s.create(`${root}/x/y`, b('')), 'NO_NODE');
      await s.create(`${root}/x`, b(''));
      await rejectsWith(s.create(`${root}/x`, b('')), 'NODE_EXISTS');
      await rejectsWith(s.set(`${root}/nope`, b('')), 'NO_NODE');
      await rejectsWith(s.delete(`${root}/nope`), 'NO_NODE');
      await rejectsWith(s.children(`${root}/nope`), 'NO_NODE');
      await s.create(`${root}/x/y`, b(''));
      await rejectsWith(s.delete(`${root}/x`), 'NOT_EMPTY');
      await rejectsWith(s.get('relative/path'), 'BAD_ARGUMENTS');
      await rejectsWith(s.get(`${root}/trailing/`), 'BAD_ARGUMENTS');
    });

    it('creates missing parents on request', async () => {
      const s = await open();
      const root = await fresh(s);
      expect(await s.create(`${root}/p/q/r`, b('deep'), { parents: true })).toBe(`${root}/p/q/r`);
      expect((await s.get(`${root}/p/q`))!.data.length).toBe(0);
      expect(await s.children(`${root}/p`)).toEqual(['q']);
      await rejectsWith(s.create(`${root}/p/q/r`, b(''), { parents: true }), 'NODE_EXISTS');
    });
  });

  describe('versions and compare-and-set', () => {
    it('increases the version on every set', async () => {
      const s = await open();
      const root = await fresh(s);
      await s.create(`${root}/v`, b('0'));
      for (let i = 1; i <= 5; i++) expect(await s.set(`${root}/v`, b(String(i)))).toBe(i);
      expect(versionOf(await s.get(`${root}/v`))).toBe(5);
    });

    it('refuses a set or delete with a stale version', async () => {
      const s = await open();
      const root = await fresh(s);
      await s.create(`${root}/v`, b('a'));
      expect(await s.set(`${root}/v`, b('b'), 0)).toBe(1);
      await rejectsWith(s.set(`${root}/v`, b('c'), 0), 'BAD_VERSION');
      await rejectsWith(s.delete(`${root}/v`, 0), 'BAD_VERSION');
      expect(await s.get(`${root}/v`)).toEqual({ data: b('b'), version: 1 });
      await s.delete(`${root}/v`, 1);
      expect(await s.get(`${root}/v`)).toBeNull();
    });

    it('lets exactly one of two writers racing on the same version win', async () => {
      const [s1, s2] = [await open(), await open()];
      const root = await fresh(s1);
      await s1.create(`${root}/race`, b('start'));
      for (let round = 0; round < 5; round++) {
        const { version } = (await s1.get(`${root}/race`))!;
        const results = await Promise.allSettled([
          s1.set(`${root}/race`, b(`s1-${round}`), version),
          s2.set(`${root}/race`, b(`s2-${round}`), version),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        expect(won).toHaveLength(1);
        const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(isStoreError(lost.reason, 'BAD_VERSION')).toBe(true);
      }
    });

    it('loses no increment when many casLoops race from two clients', async () => {
      const [s1, s2] = [await open(), await open()];
      const root = await fresh(s1);
      const counter = `${root}/counter`;
      const perClient = 12;
      const increment = (s: Store) => casLoop(s, counter, (cur) => b(String(Number(cur?.data.toString() ?? '0') + 1)), { retries: 200 });
      const results = await Promise.all(
        Array.from({ length: perClient }, () => [increment(s1), increment(s2)]).flat(),
      );
      expect(Number((await s1.get(counter))!.data.toString())).toBe(2 * perClient);
      // Every successful compare-and-set produced a distinct version: no two winners of one round.
      expect(new Set(results.map((r) => r!.version)).size).toBe(2 * perClient);
    });

    it('loses no increment when two processes race', async () => {
      const s = await open();
      const root = await fresh(s);
      const counter = `${root}/counter`;
      await Promise.all([runIncrementer(harness().childUrl(), counter, 10), runIncrementer(harness().childUrl(), counter, 10)]);
      expect((await s.get(counter))!.data.toString()).toBe('20');
    });
  });

  describe('sequential nodes', () => {
    it('appends increasing 10-digit counters, also under concurrency', async () => {
      const [s1, s2] = [await open(), await open()];
      const root = await fresh(s1);
      const first = await s1.create(`${root}/n-`, b('0'), { sequential: true });
      expect(first).toMatch(new RegExp(`^${root}/n-\\d{10}$`));
      const rest = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? s1 : s2).create(`${root}/n-`, b(''), { sequential: true })));
      const all = [first, ...rest];
      expect(new Set(all).size).toBe(all.length);
      const names = await s1.children(root);
      expect(names).toEqual([...all].map((p) => p.slice(root.length + 1)).sort());
      const next = await s2.create(`${root}/n-`, b(''), { sequential: true });
      expect(next > all.sort()[all.length - 1]!).toBe(true);
    });
  });

  describe('ephemeral nodes', () => {
    it('vanish when their owner closes the store', async () => {
      const [owner, other] = [await open(), await open()];
      const root = await fresh(owner);
      await owner.create(`${root}/eph`, b('me'), { ephemeral: true });
      await owner.create(`${root}/keep`, b('persistent'));
      expect(await other.get(`${root}/eph`)).toEqual({ data: b('me'), version: 0 });
      await owner.close();
      expect(await other.get(`${root}/eph`)).toBeNull();
      expect(await other.children(root)).toEqual(['keep']);
    });

    it('keep their latest data and refuse children', async () => {
      const s = await open();
      const root = await fresh(s);
      await s.create(`${root}/eph`, b('1'), { ephemeral: true });
      expect(await s.set(`${root}/eph`, b('2'))).toBe(1);
      await rejectsWith(s.create(`${root}/eph/child`, b('')), 'NO_CHILDREN_FOR_EPHEMERALS');
    });

    it('vanish when their owning process is killed', async () => {
      const h = harness();
      const s = await open();
      const root = await fresh(s);
      const path = `${root}/owned-by-child`;
      const child = await spawnEphemeralOwner(h.childUrl(), path);
      try {
        const w = recorder<Versioned | null>();
        s.watch(path, w.cb);
        await waitUntil(() => w.last()?.data.toString() === String(child.pid), 10_000, 'the child ephemeral');
        await killHard(child);
        await waitUntil(() => w.last() === null, h.ephemeralGoneWithinMs + 5000, 'the ephemeral to vanish');
        expect(await s.get(path)).toBeNull();
      } finally {
        await killHard(child);
      }
    });
  });

  describe('watches', () => {
    it('deliver the current value, every change, deletion and re-creation', async () => {
      const [watcher, writer] = [await open(), await open()];
      const root = await fresh(writer);
      const path = `${root}/w`;
      const w = recorder<Versioned | null>();
      watcher.watch(path, w.cb);
      await waitUntil(() => w.seen.length === 1, 5000, 'the initial delivery');
      expect(w.last()).toBeNull();

      await writer.create(path, b('v0'));
      await waitUntil(() => versionOf(w.last()) === 0, 5000, 'creation');
      for (let i = 1; i <= 3; i++) {
        await writer.set(path, b(`v${i}`));
        await waitUntil(() => versionOf(w.last()) === i, 5000, `version ${i}`);
      }
      await writer.delete(path);
      await waitUntil(() => w.last() === null, 5000, 'deletion');
      await writer.create(path, b('again'));
      await waitUntil(() => w.last()?.data.toString() === 'again', 5000, 're-creation');

      // Deliveries are in order and never repeat a value.
      const keys = w.seen.map((v) => (v ? `${v.version}:${v.data}` : 'null'));
      expect(keys).toEqual(keys.filter((k, i) => k !== keys[i - 1]));
      expect(keys.slice(0, 2)).toEqual(['null', '0:v0']);
      expect(keys[keys.length - 1]).toBe('0:again');
    });

    it('end with the latest value after a burst of writes', async () => {
      const [watcher, writer] = [await open(), await open()];
      const root = await fresh(writer);
      const path = `${root}/burst`;
      await writer.create(path, b('0'));
      const w = recorder<Versioned | null>();
      watcher.watch(path, w.cb);
      for (let i = 1; i <= 20; i++) await writer.set(path, b(String(i)));
      await waitUntil(() => versionOf(w.last()) === 20, 5000, 'the last version');
      const versions = w.seen.map(versionOf) as number[];
      expect(versions).toEqual([...versions].sort((x, y) => x - y));
    });

    it('watch children: additions, removals, absent parent', async () => {
      const [watcher, writer] = [await open(), await open()];
      const root = await fresh(writer);
      const dir = `${root}/kids`;
      const w = recorder<string[]>();
      watcher.watchChildren(dir, w.cb);
      await waitUntil(() => w.seen.length === 1, 5000, 'the initial delivery');
      expect(w.last()).toEqual([]);
      await writer.create(dir, b(''));
      await writer.create(`${dir}/b`, b(''));
      await waitUntil(() => w.last()?.join() === 'b', 5000, 'child b');
      await writer.create(`${dir}/a`, b(''), { ephemeral: true });
      await waitUntil(() => w.last()?.join() === 'a,b', 5000, 'children a,b');
      await writer.delete(`${dir}/b`);
      await waitUntil(() => w.last()?.join() === 'a', 5000, 'child a only');
      await writer.close();
      await waitUntil(() => w.last()?.length === 0, 5000, 'ephemeral child gone with its owner');
    });

    it('stop after unsubscribe', async () => {
      const [watcher, writer] = [await open(), await open()];
      const root = await fresh(writer);
      const path = `${root}/u`;
      await writer.create(path, b('0'));
      const w = recorder<Versioned | null>();
      const stop = watcher.watch(path, w.cb);
      await waitUntil(() => versionOf(w.last()) === 0, 5000, 'the initial delivery');
      stop();
      await writer.set(path, b('1'));
      // A second watch sees the change; by then the first would have too, had it not stopped.
      const w2 = recorder<Versioned | null>();
      watcher.watch(path, w2.cb);
      await waitUntil(() => versionOf(w2.last()) === 1, 5000, 'the second watch');
      expect(w.seen.map(versionOf)).toEqual([0]);
    });
  });
}
