/**
 * `slotgate proxy`: static mode (`--backends a,b`: the slots split evenly over the listed masters,
 * stock redis-servers work) or store mode (`--store zk://…|file://… --cluster name`: the table comes
 * from the store, the proxy registers itself and acknowledges every epoch it applies).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseToml } from '../lib/config/toml.js';
import { randomBytes } from 'node:crypto';
import { openStore } from '../lib/store/index.js';
import { ProxyServer, DEFAULT_PROXY_OPTIONS, type ProxyOptions } from './server.js';
import { staticTable, type RouteTable } from './route-table.js';
import { StoreTopology } from './topology.js';
import { createAdminServer } from './admin.js';
import { runWorkers, workerIndex } from './workers.js';

export const PROXY_USAGE = `Usage: slotgate proxy (--backends host:port,… | --store <zk://…|file://…> --cluster <name>) [options]
       slotgate proxy --config proxy.toml [options]

Options (in a TOML file: the same names without dashes, - or _ alike: port = 19000, backends = ["…"]):
  --config FILE          read options from a TOML file first; command-line options override it
  --port N               client port (default 19000)
  --bind HOST            listen address (default 127.0.0.1)
  --admin-port N         HTTP admin/metrics port (default 11080; 0 = any free port; -1 = off)
  --requirepass PASS     password clients must AUTH with
  --backend-password P   password the proxy uses with backends
  --maxclients N         (default 10000)
  --timeout SECONDS      close idle sessions (default 0: never)
  --proto-max-bulk-len N largest request argument in bytes (default 512 MB)
  --conns-per-backend N  shared connections per backend (default 1)
  --read-from-replicas yes|no   read-only commands to a replica of the owner (default no)
  --backend-stall-ms N   fail a backend connection silent this long with requests outstanding (10000)
  --id NAME              proxy id in the store (default: host-pid-random)
  --workers N            N proxy processes sharing the port (default 1); worker i's admin
                         port is --admin-port + i - 1 and its store id <id>-w<i>
`;

interface CliOptions extends ProxyOptions {
  store: string;
  cluster: string;
  adminPort: number;
  id: string;
  workers: number;
}

const INT_FLAGS: Record<string, keyof CliOptions> = {
  '--port': 'port',
  '--admin-port': 'adminPort',
  '--maxclients': 'maxclients',
  '--timeout': 'timeout',
  '--proto-max-bulk-len': 'maxBulkLen',
  '--conns-per-backend': 'connsPerBackend',
  '--workers': 'workers',
  '--backend-stall-ms': 'backendStallMs',
};

const STRING_FLAGS: Record<string, keyof CliOptions> = {
  '--bind': 'host',
  '--requirepass': 'requirepass',
  '--backend-password': 'backendPassword',
  '--store': 'store',
  '--cluster': 'cluster',
  '--id': 'id',
};

/** A TOML file's settings as the equivalent command-line flags (validated by parseProxyArgs). */
export function tomlToArgs(file: string): string[] {
  const args: string[] = [];
  for (const [key, value] of parseToml(readFileSync(file, 'utf8'), file)) {
    const flag = `--${key.replace(/_/g, '-')}`;
    if (Array.isArray(value)) args.push(flag, value.map(String).join(','));
    else if (typeof value === 'boolean') args.push(flag, value ? 'yes' : 'no');
    else args.push(flag, String(value));
  }
  return args;
}

/** Validates the command line; throws an Error naming the bad flag. */
export function parseProxyArgs(args: string[]): CliOptions {
  const cfg = args.indexOf('--config');
  if (cfg >= 0) {
    if (args[cfg + 1] === undefined) throw new Error('missing value for --config');
    args = [...tomlToArgs(args[cfg + 1]), ...args.slice(0, cfg), ...args.slice(cfg + 2)];
  }
  const o: CliOptions = { ...DEFAULT_PROXY_OPTIONS, store: '', cluster: '', adminPort: 11080, id: '', workers: 1 };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = args[i + 1];
    if (value === undefined) throw new Error(`missing value for ${flag}`);
    i++;
    if (flag === '--backends') {
      o.backends = value.split(',').map((b) => b.trim()).filter((b) => b !== '');
      for (const b of o.backends) if (!/^.+:\d+$/.test(b)) throw new Error(`--backends: '${b}' is not host:port`);
    } else if (flag === '--read-from-replicas') {
      if (value !== 'yes' && value !== 'no') throw new Error(`${flag}: expected yes or no, got '${value}'`);
      o.readFromReplicas = value === 'yes';
    } else if (INT_FLAGS[flag]) {
      if (!/^-?\d+$/.test(value)) throw new Error(`${flag}: '${value}' is not an integer`);
      (o as unknown as Record<string, number>)[INT_FLAGS[flag]] = Number(value);
    } else if (STRING_FLAGS[flag]) {
      (o as unknown as Record<string, string>)[STRING_FLAGS[flag]] = value;
    } else {
      throw new Error(`unknown option ${flag}`);
    }
  }
  if (o.port < 0 || o.port > 65535) throw new Error('--port must be 0..65535');
  if (o.connsPerBackend < 1 || o.connsPerBackend > 64) throw new Error('--conns-per-backend must be 1..64');
  if (o.workers < 1 || o.workers > 256) throw new Error('--workers must be 1..256');
  if (o.maxclients < 1) throw new Error('--maxclients must be at least 1');
  if ((o.backends.length > 0) === (o.store !== '')) throw new Error('give either --backends or --store (with --cluster)');
  if (o.store !== '' && o.cluster === '') throw new Error('--store needs --cluster');
  // The coordinator finds a proxy's health and metrics through the address in its record.
  if (o.store !== '' && o.adminPort < 0) throw new Error('store mode needs the admin endpoint (--admin-port >= 0)');
  return o;
}

export interface RunningProxy {
  server: ProxyServer;
  adminPort: number;
  stop(): Promise<void>;
}

/** Starts a proxy (used by the CLI and by tests) and resolves once it listens. */
export async function startProxy(o: CliOptions): Promise<RunningProxy> {
  const server = new ProxyServer(o);
  let topology: StoreTopology | null = null;
  if (o.backends.length > 0) server.setTable(staticTable(o.backends));
  await server.listen();
  const admin =
    o.adminPort >= 0
      ? await createAdminServer({
          host: o.host,
          port: o.adminPort,
          stats: server.stats,
          status: () => ({ port: server.port, sessions: server.sessions.size, epoch: server.table?.epoch ?? null, backends: server.pool.states() }),
          slots: () => tableJson(server),
          ready: () => server.table !== null,
        })
      : null;
  if (o.store !== '') {
    const store = await openStore(o.store);
    const id = o.id || defaultId();
    topology = new StoreTopology(store, o.cluster, { id, addr: `${o.host}:${server.port}`, adminAddr: `${o.host}:${admin!.port}` }, { log: server.log });
    topology.on('table', (t: RouteTable) => {
      server.setTable(t);
      topology!.ack(t.epoch).catch((e: Error) => server.log.warning(`Could not ack epoch ${t.epoch}: ${e.message}`));
    });
    await topology.start();
    const stopTopology = topology;
    server.once('stopped', () => void stopTopology.close().then(() => store.close()));
  }
  return {
    server,
    adminPort: admin?.port ?? -1,
    async stop() {
      await server.stop();
      await admin?.close();
    },
  };
}

function defaultId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

function tableJson(server: ProxyServer): object {
  const t = server.table;
  if (!t) return { loaded: false };
  const ranges: { from: number; to: number; group: number }[] = [];
  for (let s = 0; s < t.slotGroup.length; s++) {
    const g = t.slotGroup[s];
    const last = ranges[ranges.length - 1];
    if (last && last.group === g && last.to === s - 1) last.to = s;
    else ranges.push({ from: s, to: s, group: g });
  }
  return { loaded: true, epoch: t.epoch, ranges, groups: [...t.groups.values()], moving: Object.fromEntries(t.moving) };
}

export async function runProxy(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(PROXY_USAGE);
    return;
  }
  let o: CliOptions;
  try {
    o = parseProxyArgs(args);
  } catch (e) {
    process.stderr.write(`slotgate proxy: ${(e as Error).message}\n\n${PROXY_USAGE}`);
    process.exit(2);
  }
  const worker = workerIndex();
  if (o.workers > 1 && worker === 0) {
    runWorkers(args, o.workers, (m) => process.stderr.write(`slotgate proxy: ${m}\n`));
    return;
  }
  if (worker > 0) {
    if (o.adminPort > 0) o.adminPort += worker - 1;
    o.id = `${o.id || defaultId()}-w${worker}`;
  }
  const p = await startProxy(o);
  p.server.log.notice(`Proxy ready on ${o.host}:${p.server.port} (admin ${p.adminPort >= 0 ? p.adminPort : 'off'})`);
  const shutdown = () => {
    p.server.log.notice('Shutting down: draining in-flight requests');
    void p.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
