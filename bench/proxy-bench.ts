/**
 * bench:proxy — slotgate's proxy against twemproxy (nutcracker) in front of the same two
 * redis-servers: redis-benchmark (50 clients, -r 100000 -d 64) for SET and GET without and with
 * -P 16, and MGET of 10 keys; each test run on every target back to back, the order rotated per
 * round, medians reported with the ratio
 * slotgate/twemproxy as a Markdown table for docs/BENCHMARKS.md. With --nodes, a third target: a
 * second slotgate proxy in front of two slotgate nodes. Servers and proxies are pinned to cpu0,
 * redis-benchmark to cpu1. twemproxy cannot do Redis Cluster slots, so it shards with ketama; each
 * proxy reads back only the keys it wrote itself, so both see the same hit rate.
 *
 * Usage: npm run bench:proxy [-- --rounds 5 --requests 200000 --nodes]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  benchInto, freePort, machineLine, median, numArg, pairedRatio, redisBenchmark, rotated, Rows, startPinned, stopTarget, tmpDir, type Target,
} from './lib.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SLOTGATE = path.resolve(here, '../bin/slotgate.js');

const ROUNDS = numArg('rounds', 5);
const REQUESTS = numArg('requests', 200_000);
const WITH_NODES = process.argv.includes('--nodes');
const KEYSPACE = '100000';
const COMMON = ['-c', '50', '-r', KEYSPACE, '-d', '64'];
/** MGET of 10 random keys by hand: redis-benchmark 7.0 has no built-in MGET test. */
const MGET = ['MGET', ...Array.from({ length: 10 }, () => 'key:__rand_int__')];
const MGET_TEST = 'MGET (10 keys)';

const TWEMPROXY = 'twemproxy';
const SLOTGATE_NAME = 'slotgate';
const VIA_NODES = 'slotgate → nodes';

/** Everything started, in start order; stopped in reverse at the end. */
const started: Target[] = [];

async function start(name: string, cmd: string, args: (port: number) => string[]): Promise<Target> {
  const port = await freePort();
  const t = await startPinned(name, port, cmd, args(port));
  started.push(t);
  return t;
}

function redisServer(i: number): Promise<Target> {
  return start(`redis-server ${i}`, 'redis-server', (p) => ['--port', String(p), '--save', '', '--appendonly', 'no', '--dir', tmpDir('bench-proxy-redis-')]);
}

function slotgateNode(i: number): Promise<Target> {
  return start(`slotgate node ${i}`, process.execPath, (p) => [SLOTGATE, 'node', '--port', String(p), '--loglevel', 'warning', '--dir', tmpDir('bench-proxy-node-')]);
}

function slotgateProxy(name: string, backends: Target[]): Promise<Target> {
  const list = backends.map((b) => `127.0.0.1:${b.port}`).join(',');
  if (!fs.existsSync(SLOTGATE)) throw new Error(`${SLOTGATE} is missing: run npm run build`);
  // --admin-port 0: the admin server runs as in production, on any free port.
  return start(name, process.execPath, (p) => [SLOTGATE, 'proxy', '--port', String(p), '--backends', list, '--admin-port', '0']);
}

async function twemproxy(backends: Target[]): Promise<Target> {
  const dir = tmpDir('bench-twemproxy-');
  const statsPort = await freePort(); // the default 22222 may be taken by another nutcracker
  return start(TWEMPROXY, 'nutcracker', (p) => {
    fs.writeFileSync(path.join(dir, 'nutcracker.yml'), nutcrackerConfig(p, backends));
    return ['-c', path.join(dir, 'nutcracker.yml'), '-s', String(statsPort), '-a', '127.0.0.1', '-o', path.join(dir, 'nutcracker.log')];
  });
}

/** One pool over the servers; ketama, as twemproxy is usually deployed (it has no Redis Cluster slots). */
function nutcrackerConfig(port: number, backends: Target[]): string {
  return [
    'bench:',
    `  listen: 127.0.0.1:${port}`,
    '  hash: fnv1a_64',
    '  distribution: ketama',
    '  redis: true',
    '  preconnect: true',
    '  auto_eject_hosts: false',
    '  server_connections: 1',
    '  servers:',
    ...backends.map((b, i) => `   - 127.0.0.1:${b.port}:1 s${i + 1}`),
    '',
  ].join('\n');
}

async function startTargets(): Promise<Target[]> {
  const redis = [await redisServer(1), await redisServer(2)];
  const targets = [await twemproxy(redis), await slotgateProxy(SLOTGATE_NAME, redis)];
  if (WITH_NODES) targets.push(await slotgateProxy(VIA_NODES, [await slotgateNode(1), await slotgateNode(2)]));
  return targets;
}

/** The tests of one round, each a redis-benchmark run that yields rows. */
const TESTS: { args: string[]; suffix: string; name?: string }[] = [
  { args: ['-n', String(REQUESTS), '-t', 'SET,GET'], suffix: '' },
  { args: ['-n', String(REQUESTS * 4), '-P', '16', '-t', 'SET,GET'], suffix: ' -P 16' },
  { args: ['-n', String(REQUESTS), ...MGET], suffix: '', name: MGET_TEST },
];

function runTest(rows: Rows, t: Target, test: (typeof TESTS)[number]): void {
  benchInto(rows, t, [...COMMON, ...test.args], (name) => test.name ?? `${name}${test.suffix}`);
}

async function measure(targets: Target[]): Promise<Rows> {
  // Fill the keyspace through every proxy (its own key placement) and warm up its JIT; not measured.
  for (const t of targets) redisBenchmark(t.port, [...COMMON, '-n', KEYSPACE, '-t', 'SET']);
  const rows = new Rows();
  // Each test runs on every target back to back (order rotated per round), so the figures a ratio
  // compares are seconds apart: this machine's speed drifts by tens of percent over minutes.
  for (let round = 0; round < ROUNDS; round++) {
    for (const test of TESTS) for (const t of rotated(targets, round)) runTest(rows, t, test);
    process.stderr.write(`  round ${round + 1}/${ROUNDS} done\n`);
  }
  return rows;
}

function report(rows: Rows): string {
  const ms = (xs: number[]) => median(xs).toFixed(3);
  const lines = [
    `machine: ${machineLine()}, ${nutcrackerVersion()}`,
    `rounds: ${ROUNDS}, requests per round: ${REQUESTS} (×4 with -P 16), 50 clients, -r ${KEYSPACE} -d 64; 2 redis-servers behind each proxy`,
    '',
  ];
  const head = ['test', 'slotgate ops/s', 'twemproxy ops/s', 'ratio', 'paired ratio', 'slotgate p50/p99 ms', 'twemproxy p50/p99 ms'];
  if (WITH_NODES) head.push('slotgate → nodes ops/s', 'slotgate → nodes p50/p99 ms');
  lines.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const test of rows.tests()) {
    const s = rows.get(test, SLOTGATE_NAME)!;
    const tw = rows.get(test, TWEMPROXY)!;
    const paired = pairedRatio(s, tw);
    const cells = [test, median(s.rps).toFixed(0), median(tw.rps).toFixed(0), `${(median(s.rps) / median(tw.rps)).toFixed(2)}×`, `${paired.toFixed(2)}×`,
      `${ms(s.p50)} / ${ms(s.p99)}`, `${ms(tw.p50)} / ${ms(tw.p99)}`];
    const n = rows.get(test, VIA_NODES);
    if (n) cells.push(median(n.rps).toFixed(0), `${ms(n.p50)} / ${ms(n.p99)}`);
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** nutcracker -V prints "This is nutcracker-0.5.0" (on stderr). */
function nutcrackerVersion(): string {
  const r = spawnSync('nutcracker', ['-V'], { encoding: 'utf8' });
  return /nutcracker-[\d.]+/.exec(`${r.stdout}${r.stderr}`)?.[0] ?? 'nutcracker ?';
}

async function main(): Promise<void> {
  try {
    const targets = await startTargets();
    const rows = await measure(targets);
    process.stdout.write(report(rows) + '\n');
  } finally {
    for (const t of started.reverse()) await stopTarget(t);
  }
}

main().catch((e) => {
  process.stderr.write(`bench:proxy failed: ${(e as Error).message}\n`);
  process.exit(1);
});
