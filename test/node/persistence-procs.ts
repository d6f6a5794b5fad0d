/**
 * Real `slotgate node` processes over one data directory, for the persistence tests: start,
 * kill -9 (GuardedProcess.stop), restart on the same directory, and start attempts that must fail.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canConnect, SLOTGATE_BIN } from '../helpers/node.js';
import { freePort } from '../helpers/ports.js';
import { spawnGuarded, waitUntil, type GuardedProcess } from '../helpers/guarded-process.js';
import { RawClient, type Reply } from '../helpers/raw-client.js';

export interface Proc {
  port: number;
  proc: GuardedProcess;
  client: RawClient;
  log(): string;
  /** kill -9 (no shutdown code runs). */
  kill(): Promise<void>;
}

export class DataDir {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slotgate-persist-'));
  private running = new Set<Proc>();
  private runs = 0;

  file(name: string): string {
    return path.join(this.dir, name);
  }

  private argv(port: number, args: string[]): string[] {
    return [SLOTGATE_BIN, 'node', '--port', String(port), '--dir', this.dir, '--enable-debug-command', 'yes', '--loglevel', 'notice', ...args];
  }

  /** Starts a node on this directory and connects a client. */
  async start(args: string[] = []): Promise<Proc> {
    if (!fs.existsSync(SLOTGATE_BIN)) throw new Error(`${SLOTGATE_BIN} missing: run npm run build first`);
    const port = await freePort();
    const logFile = this.file(`node-${++this.runs}.log`);
    const proc = spawnGuarded(process.execPath, this.argv(port, args), logFile);
    const log = () => fs.readFileSync(logFile, 'latin1');
    try {
      await waitUntil(() => canConnect(port), 15_000, `slotgate node on port ${port}`);
    } catch (e) {
      await proc.stop();
      throw new Error(`${(e as Error).message}\n${log()}`);
    }
    const client = await RawClient.connect(port);
    const p: Proc = {
      port, proc, client, log,
      kill: async () => {
        client.close();
        await proc.stop();
        this.running.delete(p);
      },
    };
    this.running.add(p);
    return p;
  }

  /** A start that must fail: runs to its exit (bounded), returns its status and output. */
  startFailing(args: string[] = []): { status: number | null; output: string } {
    const r = spawnSync(process.execPath, this.argv(0, args), { timeout: 15_000, encoding: 'latin1' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }

  async cleanup(): Promise<void> {
    for (const p of [...this.running]) await p.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls INFO persistence until `field:value` appears (bounded). */
export async function waitInfo(c: RawClient, field: string, value: string | number, timeoutMs = 15_000): Promise<void> {
  await waitUntil(async () => String(await c.call('INFO', 'persistence')).includes(`\r\n${field}:${value}\r\n`), timeoutMs, `${field}:${value}`);
}

export async function infoField(c: RawClient, field: string): Promise<string> {
  const m = new RegExp(`\\r\\n${field}:([^\\r]*)\\r\\n`).exec(String(await c.call('INFO', 'persistence')));
  return m ? m[1] : '';
}

/**
 * Writes SET w:i i with a few commands in flight until `stop` resolves or the connection dies;
 * returns how many were acknowledged (replies arrive in order, so w:0 … w:acked-1 were).
 */
export async function writeLoad(c: RawClient, onAcked: (acked: number) => void): Promise<number> {
  let acked = 0;
  try {
    for (let i = 0; ; i += 16) {
      for (let j = 0; j < 16; j++) c.send('SET', `w:${i + j}`, String(i + j));
      for (let j = 0; j < 16; j++) {
        const r: Reply = await c.reply(3000);
        if (r !== 'OK') throw new Error(`unexpected reply ${String(r)}`);
        onAcked(++acked);
      }
    }
  } catch {
    return acked; // the node was killed (or stopped answering)
  }
}

/** How many of w:0 … w:n-1 are missing (checked with MGET in chunks). */
export async function missingWrites(c: RawClient, n: number): Promise<number> {
  let missing = 0;
  for (let i = 0; i < n; i += 500) {
    const keys = Array.from({ length: Math.min(500, n - i) }, (_, j) => `w:${i + j}`);
    const vals = (await c.call('MGET', ...keys)) as (string | null)[];
    vals.forEach((v, j) => {
      if (v !== String(i + j)) missing++;
    });
  }
  return missing;
}
