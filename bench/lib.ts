/**
 * Benchmark plumbing shared by bench:* scripts: start servers pinned to a CPU, run redis-benchmark
 * pinned to the other, parse its CSV, alternate rounds between targets and report medians.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SERVER_CPU = '0';
export const LOAD_CPU = os.cpus().length > 1 ? '1' : '0';

export interface Target {
  name: string;
  port: number;
  proc: ChildProcess;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitPort(port: number, ms: number, proc?: ChildProcess): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) throw new Error(`exited with code ${proc.exitCode} before listening on port ${port}`);
    if (proc && proc.signalCode !== null) throw new Error(`killed by ${proc.signalCode} before listening on port ${port}`);
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); r(true); });
      s.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} not ready after ${ms} ms`);
}

/** Every process startPinned started and that has not exited: killed when the bench exits. */
const live = new Set<ChildProcess>();
let cleanupInstalled = false;

/**
 * Kills whatever is still running when the bench ends in any way: normal exit, an uncaught error
 * (the 'exit' handler runs synchronously, and kill() is synchronous), ^C or SIGTERM.
 */
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => { for (const p of live) p.kill('SIGKILL'); });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      process.stderr.write(`\n${sig}: stopping ${live.size} server process(es)\n`);
      process.exit(130);
    });
  }
}

/**
 * Starts `cmd args` pinned to the server CPU and waits for its port. A process that exits first
 * fails at once, with the tail of its stderr, instead of after the whole wait.
 */
export async function startPinned(name: string, port: number, cmd: string, args: string[]): Promise<Target> {
  installCleanup();
  const proc = spawn('taskset', ['-c', SERVER_CPU, cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  try {
    await waitPort(port, 20_000, proc);
  } catch (e) {
    proc.kill('SIGKILL');
    throw new Error(`${name} (${cmd} ${args.join(' ')}) did not come up: ${(e as Error).message}${stderr ? `\n${stderr.trimEnd()}` : ''}`);
  }
  return { name, port, proc };
}

export async function stopTarget(t: Target): Promise<void> {
  if (t.proc.exitCode !== null) return;
  const exited = new Promise((r) => t.proc.once('exit', r));
  t.proc.kill('SIGKILL');
  await exited;
}

export interface BenchResult {
  test: string;
  rps: number;
  p50: number;
  p99: number;
  /** The slowest request (ms): an upper bound on any server stall the load met. */
  max: number;
}

/** Runs redis-benchmark pinned to the load CPU; returns one result per test. */
export function redisBenchmark(port: number, args: string[]): BenchResult[] {
  const r = spawnSync('taskset', ['-c', LOAD_CPU, 'redis-benchmark', '-p', String(port), '--csv', '-q', ...args], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  return parseCsv(r.stdout);
}

/** The same, without blocking this process (so it can watch the servers while the load runs). */
export function redisBenchmarkAsync(port: number, args: string[]): Promise<BenchResult[]> {
  return new Promise((resolve, reject) => {
    const p = spawn('taskset', ['-c', LOAD_CPU, 'redis-benchmark', '-p', String(port), '--csv', '-q', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve(parseCsv(out)) : reject(new Error(`redis-benchmark failed (${code}): ${err}`))));
  });
}

/** redis-benchmark 7's --csv: test, rps, avg, min, p50, p95, p99, max (ms). */
function parseCsv(text: string): BenchResult[] {
  const out: BenchResult[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('","').map((c) => c.replace(/"/g, ''));
    if (cells.length < 7 || cells[0] === 'test') continue;
    out.push({ test: cells[0], rps: Number(cells[1]), p50: Number(cells[4]), p99: Number(cells[6]), max: Number(cells[7]) });
  }
  return out;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** RSS of a process in bytes, from /proc. */
export function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : NaN;
}

/** The pid of the server itself (taskset execs it, so the child pid is the server's). */
export function serverPid(t: Target): number {
  return t.proc.pid!;
}

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  const redis = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ')[2] ?? '?';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${os.release()}, Node ${process.version}, redis-server ${redis.replace('v=', '')}`;
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Results of one test on one target across rounds; medians are taken at the end. */
export interface Row {
  test: string;
  target: string;
  rps: number[];
  p50: number[];
  p99: number[];
}

/** Collects BenchResults by (test, target) in first-seen order. */
export class Rows {
  private readonly rows = new Map<string, Row>();

  add(test: string, target: string, r: BenchResult): void {
    const key = `${test}|${target}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { test, target, rps: [], p50: [], p99: [] };
      this.rows.set(key, row);
    }
    row.rps.push(r.rps);
    row.p50.push(r.p50);
    row.p99.push(r.p99);
  }

  get(test: string, target: string): Row | undefined {
    return this.rows.get(`${test}|${target}`);
  }

  tests(): string[] {
    return [...new Set([...this.rows.values()].map((r) => r.test))];
  }
}

/**
 * One redis-benchmark run on a target, each of its results added to `rows` under `name(test)` and
 * printed as it comes (the medians hide how much this machine drifts between runs).
 */
export function benchInto(rows: Rows, t: Target, args: string[], name: (test: string) => string): void {
  const results = redisBenchmark(t.port, args);
  if (results.length === 0) throw new Error(`no result from ${t.name} for ${args.join(' ')}`);
  for (const r of results) {
    const test = name(r.test);
    rows.add(test, t.name, r);
    process.stderr.write(`    ${test} ${t.name}: ${r.rps.toFixed(0)} ops/s\n`);
  }
}

/**
 * The median of each round's a/b ops/s ratio: with the runs of a round seconds apart, a drift of
 * the machine's speed between rounds cancels out (the ratio of medians does not see pairs).
 */
export function pairedRatio(a: Row, b: Row): number {
  return median(a.rps.map((v, i) => v / b.rps[i]));
}

/** Round r's order of the targets: rotated each round so drift (thermal, page cache) hits all alike. */
export function rotated<T>(targets: readonly T[], round: number): T[] {
  const k = round % targets.length;
  return [...targets.slice(k), ...targets.slice(0, k)];
}

/** --name N from the command line, else def. */
export function numArg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}
