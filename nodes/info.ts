/**
 * INFO: sections and field names as Redis 7 prints them, so monitoring tools and redis-cli --stat
 * read a slotgate node like a redis-server. Later issues fill persistence/replication/cluster.
 */
import os from 'node:os';
import type { NodeServer } from './server.js';
import { SLOTGATE_VERSION, VERSION } from './server.js';
import { replicationInfo, syncStats } from './replication/info.js';
import { persistenceInfo } from './persistence/info.js';

type Section = (s: NodeServer) => [string, string | number][];

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace'];
const ALL_EXTRA = ['commandstats', 'latencystats'];

const SECTIONS: Record<string, Section> = {
  server: (s) => [
    ['redis_version', VERSION],
    ['slotgate_version', SLOTGATE_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', '0'],
    ['redis_mode', s.config.get<boolean>('cluster-enabled') ? 'cluster' : 'standalone'],
    ['os', `${os.type()} ${os.release()} ${os.arch()}`],
    ['arch_bits', 64],
    ['multiplexing_api', 'node'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', s.runId],
    ['tcp_port', s.port],
    ['server_time_usec', Date.now() * 1000],
    ['uptime_in_seconds', Math.floor((Date.now() - s.startedAt) / 1000)],
    ['uptime_in_days', Math.floor((Date.now() - s.startedAt) / 86400000)],
    ['hz', s.config.get<number>('hz')],
    ['configured_hz', s.config.get<number>('hz')],
    ['lru_clock', Math.floor(Date.now() / 1000) & 0xffffff],
    ['executable', process.argv[1] ?? ''],
    ['config_file', s.config.file ?? ''],
    ['io_threads_active', 0],
  ],
  clients: (s) => {
    const blocked = s.blocking.count;
    let maxIn = 0;
    let maxOut = 0;
    for (const c of s.clients.values()) {
      maxIn = Math.max(maxIn, c.parser.pending);
      maxOut = Math.max(maxOut, c.outputBytes);
    }
    return [
      ['connected_clients', s.clients.size],
      ['cluster_connections', 0],
      ['maxclients', s.config.get<number>('maxclients')],
      ['client_recent_max_input_buffer', maxIn],
      ['client_recent_max_output_buffer', maxOut],
      ['blocked_clients', blocked],
      ['tracking_clients', 0],
      ['clients_in_timeout_table', blocked],
    ];
  },
  memory: (s) => {
    const m = process.memoryUsage();
    const max = s.config.get<number>('maxmemory');
    const used = s.evictor.usedMemory();
    return [
      ['used_memory', used],
      ['used_memory_human', human(used)],
      ['used_memory_rss', m.rss],
      ['used_memory_rss_human', human(m.rss)],
      ['used_memory_peak', m.rss],
      ['used_memory_dataset', m.heapUsed],
      ['total_system_memory', os.totalmem()],
      ['total_system_memory_human', human(os.totalmem())],
      ['maxmemory', max],
      ['maxmemory_human', human(max)],
      ['maxmemory_policy', s.config.get<string>('maxmemory-policy')],
      ['mem_fragmentation_ratio', (m.rss / Math.max(1, m.heapUsed)).toFixed(2)],
      ['mem_allocator', 'v8'],
      ['lazyfree_pending_objects', 0],
    ];
  },
  persistence: persistenceInfo,
  stats: (s) => {
    const st = s.stats;
    return [
      ['total_connections_received', st.totalConnections],
      ['total_commands_processed', st.totalCommands],
      ['instantaneous_ops_per_sec', st.opsPerSec()],
      ['total_net_input_bytes', st.netInput],
      ['total_net_output_bytes', st.netOutput],
      ['rejected_connections', st.rejectedConnections],
      ['expired_keys', st.expiredKeys],
      ['evicted_keys', st.evictedKeys],
      ['keyspace_hits', st.keyspaceHits],
      ['keyspace_misses', st.keyspaceMisses],
      ['pubsub_channels', s.pubsub.channels.size],
      ['pubsub_patterns', s.pubsub.patterns.size],
      ['pubsubshard_channels', s.pubsub.shards.size],
      ...syncStats(s),
      ['total_error_replies', st.totalErrorReplies],
      ['total_reads_processed', st.totalCommands],
      // slotgate's own: event-loop stalls (nodes/loop-delay.ts), reset by CONFIG RESETSTAT.
      ['eventloop_max_stall_ms', s.loopDelay.maxStallMs().toFixed(1)],
      ['eventloop_p99_gap_ms', s.loopDelay.p99GapMs().toFixed(1)],
    ];
  },
  replication: (s) => replicationInfo(s),
  cpu: () => {
    const u = process.cpuUsage();
    return [
      ['used_cpu_sys', (u.system / 1e6).toFixed(6)],
      ['used_cpu_user', (u.user / 1e6).toFixed(6)],
    ];
  },
  modules: () => [],
  errorstats: (s) => [...s.stats.errors].map(([code, n]) => [`errorstat_${code}`, `count=${n}`]),
  cluster: (s) => [['cluster_enabled', s.config.get<boolean>('cluster-enabled') ? 1 : 0]],
  keyspace: (s) =>
    s.dbs.filter((db) => db.size > 0).map((db) => [`db${db.id}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=0`]),
  commandstats: (s) => {
    const out: [string, string][] = [];
    for (const cmd of s.commands.values()) {
      for (const c of cmd.subs ? cmd.subs.values() : [cmd]) {
        const st = c.stats;
        if (st.calls === 0 && st.rejected === 0) continue;
        const per = st.calls ? (st.usec / st.calls).toFixed(2) : '0.00';
        out.push([`cmdstat_${c.spec.name}`, `calls=${st.calls},usec=${st.usec},usec_per_call=${per},rejected_calls=${st.rejected},failed_calls=${st.failed}`]);
      }
    }
    return out;
  },
  latencystats: () => [],
};

const TITLES: Record<string, string> = {
  server: 'Server', clients: 'Clients', memory: 'Memory', persistence: 'Persistence', stats: 'Stats',
  replication: 'Replication', cpu: 'CPU', modules: 'Modules', errorstats: 'Errorstats', cluster: 'Cluster',
  keyspace: 'Keyspace', commandstats: 'Commandstats', latencystats: 'Latencystats',
};

/** Extra sections a component can add (replication, persistence …) without touching this file. */
export const infoExtensions = new Map<string, Section>();

export function renderInfo(s: NodeServer, args: readonly string[]): string {
  const names = selectSections(args.map((a) => a.toLowerCase()));
  const parts: string[] = [];
  for (const name of names) {
    const fn = infoExtensions.get(name) ?? SECTIONS[name];
    if (!fn) continue;
    const body = fn(s).map(([k, v]) => `${k}:${v}\r\n`).join('');
    parts.push(`# ${TITLES[name] ?? name}\r\n${body}`);
  }
  return parts.join('\r\n');
}

function selectSections(args: string[]): string[] {
  if (args.length === 0 || args.includes('default')) return withExtra(DEFAULT_SECTIONS, args);
  if (args.includes('all') || args.includes('everything')) return [...DEFAULT_SECTIONS, ...ALL_EXTRA];
  return [...new Set(args)];
}

function withExtra(base: string[], args: string[]): string[] {
  return [...new Set([...base, ...args.filter((a) => a !== 'default')])];
}

function human(n: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n}B` : `${v.toFixed(2)}${units[i]}`;
}
