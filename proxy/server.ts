/**
 * The proxy process: accepts sessions (maxclients, idle timeout), holds the routing table (swapped
 * whole on every change), the backend pool and the counters, and shuts down gracefully (stop
 * accepting, drain in-flight replies within a bound, close).
 */
import net from 'node:net';
import { EventEmitter } from 'node:events';
import { Err } from '../lib/errors.js';
import { Logger } from '../lib/log.js';
import { DEFAULT_LIMITS, type ParserLimits } from '../lib/resp/parser.js';
import { sharedReadSocket } from '../lib/net/shared-read.js';
import { BackendPool } from './backend-pool.js';
import { buildProxyCommands, type LocalHandler, type ProxyCommand } from './commands/table.js';
import { connectionHandlers } from './commands/connection.js';
import { keyspaceHandlers } from './commands/keyspace.js';
import { infoHandlers } from './commands/info.js';
import { pubsubInfoHandlers } from './commands/pubsub-info.js';
import { scriptingHandlers } from './commands/scripting.js';
import { slowlogHandlers } from './commands/slowlog.js';
import { Slowlog } from '../lib/slowlog.js';
import { transactionHandlers } from './transaction.js';
import type { RouteTable } from './route-table.js';
import { Session } from './session.js';
import { CommandStats, ProxyStats } from './stats.js';

export interface ProxyOptions {
  host: string;
  port: number;
  /** Static mode: masters to split the slots over (empty in store mode). */
  backends: string[];
  requirepass: string;
  backendPassword: string;
  maxclients: number;
  /** Idle session timeout in seconds (0: never). */
  timeout: number;
  /** Largest bulk argument accepted (proto-max-bulk-len). */
  maxBulkLen: number;
  connsPerBackend: number;
  connectTimeoutMs: number;
  /** A backend connection with requests outstanding and silent this long is declared dead. */
  backendStallMs: number;
  /** Requests outstanding per shared backend connection before new ones fail fast. */
  backendMaxInflight: number;
  /** Read-only commands go to a replica of the owning group when it has one (off by default). */
  readFromReplicas: boolean;
  slowlogSlowerThanUs: number;
  slowlogMaxLen: number;
  /** Bound on the drain at shutdown. */
  shutdownDrainMs: number;
}

export const DEFAULT_PROXY_OPTIONS: ProxyOptions = {
  host: '127.0.0.1',
  port: 19000,
  backends: [],
  requirepass: '',
  backendPassword: '',
  maxclients: 10000,
  timeout: 0,
  maxBulkLen: 512 * 1024 * 1024,
  connsPerBackend: 1,
  connectTimeoutMs: 1000,
  backendStallMs: 10000,
  backendMaxInflight: 100000,
  readFromReplicas: false,
  slowlogSlowerThanUs: 10000,
  slowlogMaxLen: 128,
  shutdownDrainMs: 5000,
};

const LOCAL: Record<string, LocalHandler> = {
  ...connectionHandlers,
  ...keyspaceHandlers,
  ...infoHandlers,
  ...pubsubInfoHandlers,
  ...scriptingHandlers,
  ...slowlogHandlers,
  ...transactionHandlers,
};

export class ProxyServer extends EventEmitter {
  readonly stats = new ProxyStats();
  readonly commands: Map<string, ProxyCommand>;
  readonly sessions = new Map<number, Session>();
  readonly pool: BackendPool;
  readonly slowlog = new Slowlog();
  readonly log = new Logger('notice', 'P', '');
  readonly startedAt = Date.now();
  /** Counted under pseudo-commands: protocol errors, unknown commands, pushed messages. */
  readonly protocolStats = this.stats.command('(protocol-error)');
  readonly unknownStats = this.stats.command('(unknown)');
  readonly pushStats = new CommandStats();
  readonly parserLimits: ParserLimits;
  table: RouteTable | null = null;
  /** Masters in group-id order (SCAN's group index, fan-outs). */
  private masterList: string[] = [];
  port = 0;
  private listener: net.Server | null = null;
  private nextId = 1;
  private cron: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(readonly opts: ProxyOptions) {
    super();
    this.commands = buildProxyCommands(LOCAL, this.stats);
    this.pool = new BackendPool({
      connsPerBackend: opts.connsPerBackend,
      password: opts.backendPassword,
      connectTimeoutMs: opts.connectTimeoutMs,
      stallTimeoutMs: opts.backendStallMs,
      maxInflight: opts.backendMaxInflight,
    });
    this.stats.backends = () => this.pool.states();
    this.parserLimits = { ...DEFAULT_LIMITS, maxBulkLen: opts.maxBulkLen };
  }

  /** A command or subcommand by its full name ("get", "client|list"). */
  command(fullName: string): ProxyCommand {
    const [name, sub] = fullName.split('|');
    const cmd = this.commands.get(name)!;
    return sub === undefined ? cmd : cmd.subs!.get(sub)!;
  }

  get slowlogThresholdUs(): number {
    return this.opts.slowlogSlowerThanUs;
  }

  /** Applies a new table atomically: requests routed after this call use it. */
  setTable(t: RouteTable): void {
    this.table = t;
    this.stats.slotsEpoch = t.epoch;
    this.masterList = [...t.groups.values()].sort((a, b) => a.id - b.id).flatMap((g) => (g.master ? [g.master] : []));
    this.emit('table', t);
    // Subscriptions follow slot moves and failovers (proxy/pubsub.ts).
    for (const s of this.sessions.values()) if (s.pubsub !== null && s.pubsub.count > 0) s.pubsub.reconcile();
  }

  masterOf(slot: number): string | null {
    const t = this.table;
    if (t === null) return null;
    const g = t.groups.get(t.slotGroup[slot]);
    return g ? g.master : null;
  }

  /** A replica of the slot's group for a read (spread by session), or null to use the master. */
  replicaOf(slot: number, sessionId: number): string | null {
    const t = this.table;
    if (t === null) return null;
    const g = t.groups.get(t.slotGroup[slot]);
    if (!g || g.replicas.length === 0) return null;
    return g.replicas[sessionId % g.replicas.length];
  }

  anyMaster(): string | null {
    return this.masterList[0] ?? null;
  }

  masters(): string[] {
    return this.masterList;
  }

  /** A backend answered MOVED: the table is stale (store mode re-reads; the request is retried). */
  tableStale(slot: number, addr: string): void {
    this.emit('stale', slot, addr);
  }

  async listen(): Promise<void> {
    // pauseOnConnect: accept() moves each socket onto the shared read buffer before it reads.
    const srv = net.createServer({ noDelay: true, pauseOnConnect: true }, (sock) => this.accept(sock));
    srv.maxConnections = 65535;
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen({ host: this.opts.host, port: this.opts.port, backlog: 511 }, () => {
        srv.removeListener('error', reject);
        resolve();
      });
    });
    srv.on('error', (e) => this.log.warning(`Accept error: ${e.message}`));
    this.listener = srv;
    this.port = (srv.address() as net.AddressInfo).port;
    this.cron = setInterval(() => this.closeIdle(), 1000);
    this.cron.unref();
  }

  private accept(accepted: net.Socket): void {
    if (this.stopping) return void accepted.destroy();
    let session: Session | null = null;
    // Until a Session exists (or when refused below), what arrives is dropped.
    const sock = sharedReadSocket(accepted, (chunk) => session?.onData(chunk));
    if (sock === null) return;
    sock.on('error', () => sock.destroy());
    // As Redis's tcp-keepalive 300: a peer that vanished without a FIN is found and its session closed.
    sock.setKeepAlive(true, 300_000);
    if (this.sessions.size >= this.opts.maxclients) {
      this.stats.sessionsRejected++;
      sock.end(`-${Err.maxClients}\r\n`);
      return;
    }
    const s = new Session(this, sock, this.nextId++);
    session = s;
    this.sessions.set(s.id, s);
    this.stats.sessionsTotal++;
    this.stats.sessionsOpen = this.sessions.size;
  }

  removeSession(s: Session): void {
    this.sessions.delete(s.id);
    this.stats.sessionsOpen = this.sessions.size;
  }

  private closeIdle(): void {
    const timeout = this.opts.timeout;
    if (timeout <= 0) return;
    const now = Date.now();
    for (const s of this.sessions.values()) {
      const waiting = s.blockingConns.size > 0 || (s.pubsub !== null && s.pubsub.count > 0);
      if (!waiting && now - s.lastInteraction > timeout * 1000) s.close();
    }
  }

  /** Stops accepting, lets in-flight requests finish (bounded), then closes everything. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.cron) clearInterval(this.cron);
    const closed = this.listener ? new Promise<void>((r) => this.listener!.close(() => r())) : Promise.resolve();
    for (const s of this.sessions.values()) s.closeAfterReply();
    const deadline = Date.now() + this.opts.shutdownDrainMs;
    while (this.sessions.size > 0 && Date.now() < deadline && [...this.sessions.values()].some((s) => s.busy)) {
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const s of [...this.sessions.values()]) s.close();
    this.pool.close();
    await closed;
    this.emit('stopped');
  }
}
