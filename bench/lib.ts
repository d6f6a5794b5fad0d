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

async function waitPort(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
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

/** Starts `cmd args` pinned to the server CPU and waits for its port. */
export async function startPinned(name: string, port: number, cmd: string, args: string[]): Promise<Target> {
  const proc = spawn('taskset', ['-c', SERVER_CPU, cmd, ...args], { stdio: 'ignore' });
  await waitPort(port, 20_000);
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
}

/** Runs redis-benchmark pinned to the load CPU; returns one result per test. */
export function redisBenchmark(port: number, args: string[]): BenchResult[] {
  const r = spawnSync('taskset', ['-c', LOAD_CPU, 'redis-benchmark', '-p', String(port), '--csv', '-q', ...args], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  const out: BenchResult[] = [];
  for (const line of r.stdout.split('\n')) {
    const cells = line.split('","').map((c) => c.replace(/"/g, ''));
    if (cells.length < 7 || cells[0] === 'test') continue;
    out.push({ test: cells[0], rps: Number(cells[1]), p50: Number(cells[4]), p99: Number(cells[6]) });
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
