/**
 * The `slotgate node` process as users run it: config file plus overrides, redis-cli and
 * redis-benchmark against it, CONFIG REWRITE, fatal config errors, SIGTERM and SHUTDOWN.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SLOTGATE_BIN, spawnNode, type SpawnedNode } from '../helpers/node.js';

function cli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', timeout: 20_000 });
  return (r.stdout + r.stderr).trim();
}

function serverPid(info: string): number {
  return Number(/process_id:(\d+)/.exec(info)![1]);
}

/** Polls (bounded) until the process has exited (a zombie awaiting its guard's reap counts). */
async function gone(pid: number): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    let state = '';
    try {
      state = /State:\s+(\S)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '';
    } catch {
      return true;
    }
    if (state === 'Z') return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

describe('slotgate node with a config file', () => {
  let node: SpawnedNode;
  let conf: string;
  beforeAll(async () => {
    conf = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'slotgate-conf-')), 'redis.conf');
    fs.writeFileSync(conf, '# a redis.conf\nrequirepass "s3 cret"\nhz 20\nrename-command FLUSHALL ""\n');
    node = await spawnNode(['--databases', '4'], { configFile: conf });
  });
  afterAll(async () => {
    await node.stop();
    fs.rmSync(path.dirname(conf), { recursive: true, force: true });
  });

  test('file directives and command-line overrides both apply', () => {
    expect(cli(node.port, 'PING')).toContain('NOAUTH');
    expect(cli(node.port, '-a', 's3 cret', '--no-auth-warning', 'CONFIG', 'GET', 'hz')).toBe('hz\n20');
    expect(cli(node.port, '-a', 's3 cret', '--no-auth-warning', 'CONFIG', 'GET', 'databases')).toBe('databases\n4');
    expect(cli(node.port, '-a', 's3 cret', '--no-auth-warning', 'FLUSHALL')).toContain("unknown command 'FLUSHALL'");
  });

  test('CONFIG REWRITE keeps the file and records changes', () => {
    expect(cli(node.port, '-a', 's3 cret', '--no-auth-warning', 'CONFIG', 'SET', 'maxmemory', '10mb')).toBe('OK');
    expect(cli(node.port, '-a', 's3 cret', '--no-auth-warning', 'CONFIG', 'REWRITE')).toBe('OK');
    const text = fs.readFileSync(conf, 'utf8');
    expect(text).toContain('# a redis.conf');
    expect(text).toContain('hz 20');
    expect(text).toMatch(/maxmemory 10485760/);
  });

  test('redis-benchmark runs against it unchanged', () => {
    const r = spawnSync('redis-benchmark', ['-p', String(node.port), '-a', 's3 cret', '-n', '2000', '-c', '10', '-t', 'ping', '-q', '--csv'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/"PING_INLINE","[\d.]+"/);
    expect(r.stdout).toMatch(/"PING_MBULK","[\d.]+"/);
  });

  test('SHUTDOWN stops the process', async () => {
    const pid = serverPid(cli(node.port, '-a', 's3 cret', '--no-auth-warning', 'INFO', 'server'));
    cli(node.port, '-a', 's3 cret', '--no-auth-warning', 'SHUTDOWN', 'NOSAVE');
    expect(await gone(pid)).toBe(true);
  });
});

describe('bad configuration', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [SLOTGATE_BIN, 'node', ...args], { encoding: 'utf8', timeout: 20_000 });

  test('an unknown directive stops start-up with a clear message', () => {
    const r = run('--port', '0', '--nosuchthing', 'x');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('FATAL CONFIG FILE ERROR');
    expect(r.stderr).toContain("Bad directive or wrong number of arguments: 'nosuchthing'");
  });

  test('a bad value names the directive and the reason', () => {
    const r = run('--port', 'abc');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("'port abc': argument couldn't be parsed into an integer");
  });

  test('a missing config file is reported', () => {
    const r = run('/nonexistent/redis.conf');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("can't open config file '/nonexistent/redis.conf'");
  });

  test('unknown slotgate subcommand prints usage', () => {
    const r = spawnSync(process.execPath, [SLOTGATE_BIN, 'bogus'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage: slotgate');
  });
});

test('SIGTERM shuts a node down cleanly', async () => {
  const node = await spawnNode();
  try {
    const pid = serverPid(cli(node.port, 'INFO', 'server'));
    process.kill(pid, 'SIGTERM');
    expect(await gone(pid)).toBe(true);
    expect(fs.readFileSync(path.join(node.dir, 'node.log'), 'utf8')).toContain('Received SIGTERM');
  } finally {
    await node.stop();
  }
});
