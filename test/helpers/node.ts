/**
 * Starting slotgate nodes for tests: in-process (fast; real sockets on a free port) or as a real
 * `slotgate node` process from dist/ (for CLI, config-file, signal and crash behaviour).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { loadNodeConfig } from '../../nodes/config.js';
import { NodeServer } from '../../nodes/server.js';
import { parseCommandLine } from '../../lib/config/redis-conf.js';
import { freePort } from './ports.js';
import { spawnGuarded, waitUntil, type GuardedProcess } from './guarded-process.js';

export interface InProcessNode {
  server: NodeServer;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts a node inside the test process on a free port. Extra args are `--directive value` words.
 * DEBUG is enabled (as tests use DEBUG SLEEP / SET-ACTIVE-EXPIRE); Redis's default is off.
 */
export async function startNode(args: string[] = []): Promise<InProcessNode> {
  const { directives } = parseCommandLine(['--port', '0', '--loglevel', 'warning', '--enable-debug-command', 'yes', ...args]);
  const { config, extras } = loadNodeConfig(undefined, directives);
  const server = new NodeServer(config, extras);
  await server.start();
  return { server, port: server.port, stop: () => server.stop() };
}

export interface SpawnedNode {
  port: number;
  dir: string;
  proc: GuardedProcess;
  stop(): Promise<void>;
}

export const SLOTGATE_BIN = path.resolve(__dirname, '../../dist/bin/slotgate.js');

/** Runs `node dist/bin/slotgate.js node …` and waits until it accepts connections. */
export async function spawnNode(args: string[] = [], opts: { configFile?: string } = {}): Promise<SpawnedNode> {
  if (!fs.existsSync(SLOTGATE_BIN)) throw new Error(`${SLOTGATE_BIN} missing: run npm run build first`);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slotgate-node-'));
  const argv = [SLOTGATE_BIN, 'node', ...(opts.configFile ? [opts.configFile] : []), '--port', String(port), '--dir', dir, ...args];
  const proc = spawnGuarded(process.execPath, argv, path.join(dir, 'node.log'));
  try {
    await waitUntil(() => canConnect(port), 15_000, `slotgate node on port ${port}`);
  } catch (e) {
    await proc.stop();
    throw new Error(`${(e as Error).message}\n${fs.readFileSync(path.join(dir, 'node.log'), 'utf8')}`);
  }
  return {
    port, dir, proc,
    async stop() {
      await proc.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, host);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}
