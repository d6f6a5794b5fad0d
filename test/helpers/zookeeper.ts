import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';
import { spawnGuarded, waitUntil, type GuardedProcess } from './guarded-process.js';

/**
 * A throwaway standalone ZooKeeper from the Debian package, one per test file. The data dir
 * survives stop()/start() so a restart on the same port keeps the tree and the sessions.
 */
export interface ZooKeeperServer {
  readonly port: number;
  readonly dir: string;
  /** host:port for node-zookeeper-client. */
  readonly hostPort: string;
  /** A store URL for openStore(): zk://127.0.0.1:<port><chroot>?<query>. */
  url(chroot?: string, query?: string): string;
  start(): Promise<void>;
  /** SIGKILL: committed transactions are already fsynced, so nothing acknowledged is lost. */
  stop(): Promise<void>;
  /** stop() + rm -rf of the data dir. */
  destroy(): Promise<void>;
  readonly running: boolean;
}

// zookeeper.jar's manifest Class-Path names its dependencies in /usr/share/java; add one slf4j binding.
const CLASSPATH = ['/usr/share/java/zookeeper.jar', '/usr/share/java/slf4j-simple.jar'].join(':');
const MAIN = 'org.apache.zookeeper.server.ZooKeeperServerMain';
const READY_TIMEOUT_MS = 30_000;

export interface ZooKeeperOptions {
  /** Small ticks allow short session timeouts (min = 2 ticks) for the session-expiry tests. */
  tickTimeMs?: number;
}

export async function startZooKeeper(opts: ZooKeeperOptions = {}): Promise<ZooKeeperServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slotgate-zk-'));
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'zoo.cfg'), zooCfg(dir, port, opts.tickTimeMs ?? 200));
  let proc: GuardedProcess | undefined;

  const server: ZooKeeperServer = {
    port,
    dir,
    hostPort: `127.0.0.1:${port}`,
    url: (chroot = '', query = '') => `zk://127.0.0.1:${port}${chroot}${query ? `?${query}` : ''}`,
    get running() { return proc !== undefined && !proc.exited; },
    async start() {
      if (server.running) return;
      proc = spawnGuarded('java', javaArgs(dir), path.join(dir, 'zk.log'));
      await waitUntil(async () => isServing(port), READY_TIMEOUT_MS, `ZooKeeper on ${port}`, 50)
        .catch((e: Error) => { throw new Error(`${e.message}\n${logTail(dir)}`); });
    },
    async stop() {
      await proc?.stop();
      proc = undefined;
    },
    async destroy() {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
  } catch (e) {
    await server.destroy();
    throw e;
  }
  return server;
}

function zooCfg(dir: string, port: number, tickTime: number): string {
  return [
    `tickTime=${tickTime}`,
    `dataDir=${path.join(dir, 'data')}`,
    `clientPort=${port}`,
    'clientPortAddress=127.0.0.1',
    'admin.enableServer=false',
    '4lw.commands.whitelist=srvr,ruok',
    `minSessionTimeout=${2 * tickTime}`,
    'maxSessionTimeout=60000',
    'maxClientCnxns=0',
    '',
  ].join('\n');
}

function javaArgs(dir: string): string[] {
  // Small heap and C1 only: the JVM starts faster and leaves the 2 cores to the tests.
  return ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1',
    '-cp', CLASSPATH, MAIN, path.join(dir, 'zoo.cfg')];
}

/** 4lw `srvr` names the mode only once the server actually serves requests. */
function isServing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let reply = '';
    const sock = net.connect(port, '127.0.0.1', () => sock.write('srvr'));
    sock.setTimeout(1000, () => sock.destroy());
    sock.on('data', (d) => { reply += d.toString(); });
    sock.on('error', () => resolve(false));
    sock.on('close', () => resolve(/Mode: standalone/.test(reply)));
  });
}

function logTail(dir: string): string {
  try {
    return fs.readFileSync(path.join(dir, 'zk.log'), 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no zk.log)';
  }
}
