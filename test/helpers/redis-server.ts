/**
 * A real redis-server 7 (Debian package) on a free port, as the reference for differential tests:
 * the same commands go to it and to a slotgate node, and the replies must be identical.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';
import { spawnGuarded, waitUntil, type GuardedProcess } from './guarded-process.js';
import { canConnect } from './node.js';
import { RawClient, type Reply } from './raw-client.js';

export interface RedisServer {
  port: number;
  proc: GuardedProcess;
  stop(): Promise<void>;
}

export async function startRedis(args: string[] = []): Promise<RedisServer> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slotgate-redis-'));
  const proc = spawnGuarded('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args], path.join(dir, 'redis.log'));
  await waitUntil(() => canConnect(port), 15_000, `redis-server on ${port}`);
  return {
    port, proc,
    async stop() {
      await proc.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Sends each command to both servers (in order, one connection each) and returns the pairs of
 * replies, so a test can assert they are equal and print the command on a mismatch.
 */
export class Differ {
  private constructor(readonly ours: RawClient, readonly ref: RawClient) {}

  static async connect(ourPort: number, refPort: number): Promise<Differ> {
    return new Differ(await RawClient.connect(ourPort), await RawClient.connect(refPort));
  }

  async both(...args: (string | number)[]): Promise<{ ours: Reply; ref: Reply }> {
    const [ours, ref] = await Promise.all([this.ours.call(...args), this.ref.call(...args)]);
    return { ours, ref };
  }

  close(): void {
    this.ours.close();
    this.ref.close();
  }
}
