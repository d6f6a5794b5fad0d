/**
 * bench:node — a slotgate node against redis-server 7, side by side in one run: redis-benchmark
 * (50 clients, -r 100000 -d 64) for SET GET INCR without and with -P 16, rounds alternated between
 * the two servers, medians reported with the ratio; then RSS with 1M keys × 64-byte values on both.
 * Servers are pinned to cpu0, redis-benchmark to cpu1.
 *
 * Usage: npm run bench:node [-- --rounds 5 --requests 200000] [--part types]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import {
  benchInto, freePort, machineLine, median, numArg, pairedRatio, Rows, rssOf, serverPid, startPinned, stopTarget, tmpDir, type Target,
} from './lib.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SLOTGATE = path.resolve(here, '../bin/slotgate.js');

const ROUNDS = numArg('rounds', 5);
const REQUESTS = numArg('requests', 200_000);
const TESTS = 'SET,GET,INCR';
/** Issue 3's data-type commands (redis-benchmark's built-in tests). */
const TYPE_TESTS = 'LPUSH,LPOP,SADD,HSET,ZADD';
const ZSET_MEMBERS = 1_000_000;
/** One redis-benchmark run each: the built-in tests, then the commands it has no test for. */
const TYPE_SPECS: { name?: string; args: string[] }[] = [
  ...TYPE_TESTS.split(',').map((test) => ({ args: ['-n', String(REQUESTS), '-r', '100000', '-d', '64', '-t', test] })),
  { name: 'ZRANGEBYSCORE 1M LIMIT 10', args: ['-n', String(REQUESTS / 2), '-r', String(ZSET_MEMBERS), 'ZRANGEBYSCORE', 'bigzset', '__rand_int__', '+inf', 'LIMIT', '0', '10'] },
  // redis-benchmark 7.0 has no built-in XADD test: the same command by hand.
  { name: 'XADD', args: ['-n', String(REQUESTS), '-r', '100000', 'XADD', 'bench-stream', '*', 'field', '__rand_int__'] },
  // Scripting: a cached one-line script per call (the common rate-limiter / counter shape).
  { name: 'EVAL (INCR)', args: ['-n', String(REQUESTS), '-r', '100000', 'EVAL', "return redis.call('INCR', KEYS[1])", '1', 'ctr:__rand_int__'] },
];

async function startBoth(): Promise<Target[]> {
  const [p1, p2] = [await freePort(), await freePort()];
  const redis = await startPinned('redis-server', p1, 'redis-server', ['--port', String(p1), '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes', '--dir', tmpDir('bench-redis-')]);
  const node = await startPinned('slotgate', p2, process.execPath, [SLOTGATE, 'node', '--port', String(p2), '--loglevel', 'warning', '--enable-debug-command', 'yes', '--dir', tmpDir('bench-node-')]);
  return [node, redis];
}

async function throughput(targets: Target[], rows: Rows): Promise<void> {
  for (const pipeline of [1, 16]) {
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which server goes first so drift (thermal, page cache) hits both alike.
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        const n = pipeline > 1 ? REQUESTS * 4 : REQUESTS;
        const args = ['-c', '50', '-n', String(n), '-r', '100000', '-d', '64', '-P', String(pipeline), '-t', TESTS];
        benchInto(rows, t, args, (test) => `${test}${pipeline > 1 ? ' -P 16' : ''}`);
      }
      process.stderr.write(`  pipeline ${pipeline} round ${round + 1}/${ROUNDS} done\n`);
    }
  }
}

/** Data-type commands, plus ZRANGEBYSCORE … LIMIT 0 10 on a 1M-member sorted set. */
async function typeThroughput(targets: Target[], rows: Rows): Promise<void> {
  for (const t of targets) await loadZset(t);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    // Each test on both servers back to back, so a ratio compares runs seconds apart (this
    // machine's speed drifts by tens of percent within minutes).
    for (const spec of TYPE_SPECS) {
      for (const t of order) {
        benchInto(rows, t, ['-c', '50', ...spec.args], (test) => spec.name ?? test);
      }
    }
    process.stderr.write(`  types round ${round + 1}/${ROUNDS} done\n`);
  }
}

/** bigzset: members m:0 … m:999999 with score = index, loaded in pipelined batches. */
async function loadZset(t: Target): Promise<void> {
  const c = new Redis({ port: t.port });
  await c.del('bigzset');
  for (let i = 0; i < ZSET_MEMBERS; i += 10_000) {
    const args: (string | number)[] = [];
    for (let j = i; j < i + 10_000; j++) args.push(j, `m:${j}`);
    await c.zadd('bigzset', ...args);
  }
  c.disconnect();
}

/** Fresh servers (the throughput rounds leave heaps grown), then 1M keys × 64 B on each. */
async function memory(): Promise<Map<string, { before: number; after: number }>> {
  const out = new Map<string, { before: number; after: number }>();
  const fresh = await startBoth();
  try {
    for (const t of fresh) out.set(t.name, await populate(t));
  } finally {
    await Promise.all(fresh.map(stopTarget));
  }
  return out;
}

async function populate(t: Target): Promise<{ before: number; after: number }> {
  {
    const c = new Redis({ port: t.port, lazyConnect: true });
    await c.connect();
    const before = rssOf(serverPid(t));
    // DEBUG POPULATE: same keys (key:N) and 64-byte values on both servers.
    await c.call('DEBUG', 'POPULATE', '1000000', 'key', '64');
    await new Promise((r) => setTimeout(r, 1000));
    const after = rssOf(serverPid(t));
    c.disconnect();
    return { before, after };
  }
}

function report(rows: Rows, mem: Map<string, { before: number; after: number }> | null): string {
  const lines = [`machine: ${machineLine()}`, `rounds: ${ROUNDS}, requests per round: ${REQUESTS} (×4 with -P 16), 50 clients, -r 100000 -d 64`, ''];
  lines.push('| test | slotgate ops/s | redis ops/s | ratio | paired ratio | slotgate p50/p99 ms | redis p50/p99 ms |', '|---|---|---|---|---|---|---|');
  for (const test of rows.tests()) {
    const s = rows.get(test, 'slotgate')!;
    const r = rows.get(test, 'redis-server')!;
    const ratio = median(s.rps) / median(r.rps);
    const paired = pairedRatio(s, r);
    lines.push(`| ${test} | ${median(s.rps).toFixed(0)} | ${median(r.rps).toFixed(0)} | ${ratio.toFixed(2)}× | ${paired.toFixed(2)}× | ${median(s.p50).toFixed(3)} / ${median(s.p99).toFixed(3)} | ${median(r.p50).toFixed(3)} / ${median(r.p99).toFixed(3)} |`);
  }
  if (mem === null) return lines.join('\n');
  const mb = (n: number) => (n / 2 ** 20).toFixed(1);
  const s = mem.get('slotgate')!;
  const r = mem.get('redis-server')!;
  lines.push('', '| 1M keys × 64 B | slotgate | redis-server | ratio |', '|---|---|---|---|');
  lines.push(`| RSS empty (MiB) | ${mb(s.before)} | ${mb(r.before)} | |`);
  lines.push(`| RSS loaded (MiB) | ${mb(s.after)} | ${mb(r.after)} | ${(s.after / r.after).toFixed(2)}× |`);
  lines.push(`| growth (MiB) | ${mb(s.after - s.before)} | ${mb(r.after - r.before)} | ${((s.after - s.before) / (r.after - r.before)).toFixed(2)}× |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const targets = await startBoth();
  try {
    // --part types: only the data-type rows (no SET/GET/INCR, no memory), for a quick re-run.
    const typesOnly = process.argv.includes('types');
    const rows = new Rows();
    if (!typesOnly) await throughput(targets, rows);
    await typeThroughput(targets, rows);
    await Promise.all(targets.map(stopTarget));
    const mem = typesOnly ? null : await memory();
    process.stdout.write(report(rows, mem) + '\n');
  } finally {
    await Promise.all(targets.map(stopTarget));
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
