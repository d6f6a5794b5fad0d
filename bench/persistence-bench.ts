/**
 * Persistence benchmark (issue 4 target): while a snapshot (BGSAVE) or an AOF rewrite of N keys runs,
 * the event loop must not stall more than 50 ms and GET/SET p99 latency must stay within 3× idle.
 *
 *   npm run build && node dist/bench/persistence-bench.js [keys=1000000] [bgsave|rewrite]
 *
 * The node runs in this process (so perf_hooks.monitorEventLoopDelay sees its event loop); one
 * client sends GET/SET one at a time and records each round trip, first idle, then while the
 * background job runs. Nothing here is asserted: it prints the figures and whether targets hold.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseCommandLine } from '../lib/config/redis-conf.js';
import { loadNodeConfig } from '../nodes/config.js';
import { NodeServer } from '../nodes/server.js';

const keys = Number(process.argv[2] ?? 1_000_000);
const mode = (process.argv[3] ?? 'bgsave') as 'bgsave' | 'rewrite';

/** Minimal RESP client: one command in flight, replies are single lines or bulks we skip. */
class Client {
  private buf = '';
  private waiter: (() => void) | null = null;
  constructor(private readonly sock: net.Socket) {
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      this.buf += d;
      this.waiter?.();
    });
  }
  static connect(port: number): Promise<Client> {
    return new Promise((res) => {
      const s = net.connect(port, '127.0.0.1', () => res(new Client(s)));
    });
  }
  /** Sends and waits for a complete reply (simple line or one bulk). */
  async call(...argv: string[]): Promise<string> {
    this.sock.write(`*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`);
    for (;;) {
      const r = this.take();
      if (r !== null) return r;
      await new Promise<void>((res) => (this.waiter = res));
    }
  }
  private take(): string | null {
    const eol = this.buf.indexOf('\r\n');
    if (eol < 0) return null;
    let end = eol + 2;
    if (this.buf[0] === '$' && this.buf[1] !== '-') {
      end += Number(this.buf.slice(1, eol)) + 2;
      if (this.buf.length < end) return null;
    }
    const r = this.buf.slice(0, end);
    this.buf = this.buf.slice(end);
    return r;
  }
  close(): void {
    this.sock.destroy();
  }
}

function p99(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))];
}

/** GET/SET round trips (ms) until `until` says stop. */
async function latencies(c: Client, until: () => boolean, max = 200_000): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; !until() && out.length < max; i++) {
    const t = performance.now();
    await c.call(i % 2 ? 'GET' : 'SET', `key:${i % keys}`, 'x');
    out.push(performance.now() - t);
  }
  return out;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slotgate-pbench-'));
  const { directives } = parseCommandLine(['--port', '0', '--save', '', '--dir', dir, '--loglevel', 'warning', '--enable-debug-command', 'yes']);
  const { config, extras } = loadNodeConfig(undefined, directives);
  const server = new NodeServer(config, extras);
  server.persistence.start();
  await server.start();
  const c = await Client.connect(server.port);
  const ctl = await Client.connect(server.port);
  try {
    await c.call('DEBUG', 'POPULATE', String(keys));
    const idleEnd = Date.now() + 2000;
    const idle = await latencies(c, () => Date.now() > idleEnd);
    const h = monitorEventLoopDelay({ resolution: 5 });
    h.enable();
    const t0 = performance.now();
    await ctl.call(mode === 'bgsave' ? 'BGSAVE' : 'BGREWRITEAOF');
    const busy = () => (mode === 'bgsave' ? server.persistence.rdb.inProgress : server.persistence.aof.rewriting);
    const during = await latencies(c, () => !busy());
    const secs = (performance.now() - t0) / 1000;
    h.disable();
    const stall = h.max / 1e6;
    const ratio = p99(during) / p99(idle);
    console.log(`${mode} of ${keys} keys: ${secs.toFixed(2)} s`);
    console.log(`GET/SET p99 idle ${p99(idle).toFixed(3)} ms, during ${p99(during).toFixed(3)} ms (${ratio.toFixed(2)}×, target ≤ 3×) over ${during.length} ops`);
    console.log(`slowest during: ${[...during].sort((a, b) => b - a).slice(0, 12).map((x) => x.toFixed(2)).join(" ")}`);
    console.log(`max event-loop delay ${stall.toFixed(1)} ms (target ≤ 50 ms)`);
    console.log(stall <= 50 && ratio <= 3 ? 'targets met' : 'targets NOT met');
  } finally {
    c.close();
    ctl.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
