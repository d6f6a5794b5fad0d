/**
 * `slotgate up`: a working local deployment in one command — storage nodes on 7001… and a proxy on
 * 19000 (admin 11080) in static mode over them, each its own process, output prefixed by name.
 * Ctrl-C stops everything. (The coordinator and replicas join when the dashboard lands.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';

interface UpOptions {
  groups: number;
  basePort: number;
  proxyPort: number;
  adminPort: number;
  dir: string;
}

function parse(args: string[]): UpOptions {
  const o: UpOptions = { groups: 3, basePort: 7001, proxyPort: 19000, adminPort: 11080, dir: path.join(os.tmpdir(), 'slotgate-up') };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, v] = [args[i], args[i + 1]];
    if (v === undefined) throw new Error(`missing value for ${flag}`);
    if (flag === '--dir') o.dir = v;
    else if (['--groups', '--base-port', '--proxy-port', '--admin-port'].includes(flag) && /^\d+$/.test(v)) {
      const key = ({ '--groups': 'groups', '--base-port': 'basePort', '--proxy-port': 'proxyPort', '--admin-port': 'adminPort' } as const)[flag as '--groups'];
      o[key] = Number(v);
    } else throw new Error(`bad option ${flag} ${v}`);
  }
  if (o.groups < 1 || o.groups > 64) throw new Error('--groups must be 1..64');
  return o;
}

function run(name: string, args: string[], children: ChildProcess[]): ChildProcess {
  const child = spawn(process.execPath, [process.argv[1], ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (d: Buffer) => d.toString().split('\n').filter(Boolean).map((l) => `[${name}] ${l}\n`).join('');
  child.stdout!.on('data', (d: Buffer) => process.stdout.write(prefix(d)));
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(prefix(d)));
  children.push(child);
  return child;
}

function waitPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect({ port, host: '127.0.0.1' });
      s.once('connect', () => (s.destroy(), resolve()));
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listening on ${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

export async function runUp(args: string[]): Promise<void> {
  const o = parse(args);
  const children: ChildProcess[] = [];
  const stop = () => {
    for (const c of children) c.kill('SIGTERM');
    setTimeout(() => process.exit(0), 3000).unref();
    let left = children.length;
    for (const c of children) c.once('exit', () => --left === 0 && process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const backends: string[] = [];
  for (let g = 0; g < o.groups; g++) {
    const port = o.basePort + g;
    const dir = path.join(o.dir, String(port));
    fs.mkdirSync(dir, { recursive: true });
    run(`node:${port}`, ['node', '--port', String(port), '--dir', dir], children);
    backends.push(`127.0.0.1:${port}`);
  }
  await Promise.all(backends.map((_, g) => waitPort(o.basePort + g, 15_000)));
  run('proxy', ['proxy', '--port', String(o.proxyPort), '--admin-port', String(o.adminPort), '--backends', backends.join(',')], children);
  await waitPort(o.proxyPort, 15_000);
  process.stdout.write(
    `\nslotgate is up: ${o.groups} storage nodes (${backends.join(', ')}) behind the proxy on 127.0.0.1:${o.proxyPort}\n` +
      `  redis-cli -p ${o.proxyPort}          # talk to the whole cluster as one Redis\n` +
      `  curl localhost:${o.adminPort}/metrics   # proxy metrics\nCtrl-C stops everything.\n\n`,
  );
}
