/**
 * INFO at the proxy: its own sections (server, clients, stats, proxy, cluster) plus a keyspace
 * section summed over every master's `INFO keyspace`.
 */
import { fanOut } from '../fanout.js';
import type { Session } from '../session.js';
import type { LocalHandler } from './table.js';

type Fields = [string, string | number][];

function sections(s: Session): Record<string, Fields> {
  const srv = s.server;
  const st = srv.stats;
  const now = Date.now();
  const table = srv.table;
  const calls = [...st.commands.values()].reduce((n, c) => n + c.calls, 0);
  return {
    server: [
      ['redis_version', '7.0.15'],
      ['slotgate_version', '0.1.0'],
      ['redis_mode', 'standalone'],
      ['slotgate_role', 'proxy'],
      ['process_id', process.pid],
      ['tcp_port', srv.port],
      ['uptime_in_seconds', Math.floor((now - srv.startedAt) / 1000)],
      ['uptime_in_days', Math.floor((now - srv.startedAt) / 86400000)],
    ],
    clients: [
      ['connected_clients', srv.sessions.size],
      ['maxclients', srv.opts.maxclients],
    ],
    stats: [
      ['total_connections_received', st.sessionsTotal],
      ['total_commands_processed', calls],
      ['rejected_connections', st.sessionsRejected],
      ['total_net_input_bytes', st.bytesIn],
      ['total_net_output_bytes', st.bytesOut],
    ],
    proxy: [
      ['mode', srv.opts.backends.length > 0 ? 'static' : 'store'],
      ['slots_epoch', table?.epoch ?? -1],
      ['table_loaded', table ? 1 : 0],
      ['redirects_moved', st.redirectsMoved],
      ['redirects_ask', st.redirectsAsk],
      ['tryagain', st.tryAgain],
      ...srv.pool.states().map((b, i): [string, string] => [
        `backend${i}`,
        `addr=${b.addr},connected=${b.connected ? 1 : 0},inflight=${b.inflight},shared=${b.sharedConns},private=${b.privateConns},failures=${b.failures}`,
      ]),
    ],
    cluster: clusterFields(s),
  };
}

function clusterFields(s: Session): Fields {
  const table = s.server.table;
  if (!table) return [['cluster_state', 'down']];
  const counts = new Map<number, number>();
  for (const g of table.slotGroup) counts.set(g, (counts.get(g) ?? 0) + 1);
  const out: Fields = [
    ['cluster_state', (counts.get(0) ?? 0) === 0 ? 'ok' : 'fail'],
    ['cluster_slots_assigned', table.slotGroup.length - (counts.get(0) ?? 0)],
    ['cluster_groups', table.groups.size],
    ['cluster_slots_moving', table.moving.size],
  ];
  for (const g of table.groups.values()) {
    out.push([`group${g.id}`, `master=${g.master ?? '-'},replicas=${g.replicas.length},slots=${counts.get(g.id) ?? 0}`]);
  }
  return out;
}

const DEFAULT = ['server', 'clients', 'stats', 'proxy', 'cluster', 'keyspace'];

function render(name: string, fields: Fields): string {
  const title = name[0].toUpperCase() + name.slice(1);
  return `# ${title}\r\n${fields.map(([k, v]) => `${k}:${v}\r\n`).join('')}`;
}

/** Sums `db0:keys=…,expires=…,avg_ttl=…` lines from the masters' INFO keyspace replies. */
function keyspace(frames: Buffer[]): string {
  const dbs = new Map<string, { keys: number; expires: number }>();
  for (const f of frames) {
    for (const m of f.latin1Slice(0, f.length).matchAll(/(db\d+):keys=(\d+),expires=(\d+)/g)) {
      const d = dbs.get(m[1]) ?? { keys: 0, expires: 0 };
      d.keys += Number(m[2]);
      d.expires += Number(m[3]);
      dbs.set(m[1], d);
    }
  }
  return render('keyspace', [...dbs].map(([db, d]): [string, string] => [db, `keys=${d.keys},expires=${d.expires},avg_ttl=0`]));
}

const info: LocalHandler = (s, argv) => {
  const cmd = s.server.commands.get('info')!;
  const asked = argv.slice(1).map((a) => a.toLowerCase());
  const wanted = asked.length === 0 || asked.some((a) => a === 'all' || a === 'everything' || a === 'default') ? DEFAULT : asked;
  const all = sections(s);
  const text = wanted.filter((n) => all[n]).map((n) => render(n, all[n])).join('\r\n');
  if (!wanted.includes('keyspace') || s.server.masters().length === 0) {
    s.localReply().verbatim(text);
    s.endLocal(cmd.stats);
    return;
  }
  fanOut(s, cmd, ['INFO', 'keyspace'], (frames) => {
    const body = (text ? text + '\r\n' : '') + keyspace(frames);
    return s.resp === 3 ? Buffer.from(`=${body.length + 4}\r\ntxt:${body}\r\n`, 'latin1') : Buffer.from(`$${body.length}\r\n${body}\r\n`, 'latin1');
  });
};

export const infoHandlers: Record<string, LocalHandler> = { info };
