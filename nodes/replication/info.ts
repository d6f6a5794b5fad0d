/** INFO replication, ROLE: Redis 7.0's field names and shapes. */
import type { NodeServer } from '../server.js';

type Fields = [string, string | number][];

export function replicationInfo(s: NodeServer): Fields {
  const r = s.replication;
  const out: Fields = [['role', s.role === 'master' ? 'master' : 'slave']];
  const rep = r.replica;
  if (rep) {
    const now = Date.now();
    out.push(
      ['master_host', rep.host],
      ['master_port', rep.port],
      ['master_link_status', rep.linkUp ? 'up' : 'down'],
      ['master_last_io_seconds_ago', rep.linkUp ? Math.floor((now - rep.lastIo) / 1000) : -1],
      ['master_sync_in_progress', rep.status === 'sync' ? 1 : 0],
      ['slave_read_repl_offset', rep.linkUp ? rep.readOffset : r.stream.offset],
      ['slave_repl_offset', r.stream.offset],
    );
    if (!rep.linkUp) out.push(['master_link_down_since_seconds', rep.downSince ? Math.floor((now - rep.downSince) / 1000) : -1]);
    out.push(
      ['slave_priority', s.config.get<number>('replica-priority')],
      ['slave_read_only', s.config.get<boolean>('replica-read-only') ? 1 : 0],
      ['replica_announced', 1],
    );
  }
  const links = [...r.master.links.values()];
  out.push(['connected_slaves', links.length]);
  if (s.role === 'master') {
    const min = s.config.get<number>('min-replicas-to-write');
    if (min > 0) out.push(['min_slaves_good_slaves', r.master.goodReplicas(s.config.get<number>('min-replicas-max-lag'))]);
  }
  links.forEach((l, i) => {
    const lag = Math.floor((Date.now() - l.ackTime) / 1000);
    out.push([`slave${i}`, `ip=${l.ip},port=${l.listeningPort},state=${l.state},offset=${l.ackOffset},lag=${lag}`]);
  });
  const st = r.stream;
  const b = st.backlog;
  out.push(
    ['master_failover_state', 'no-failover'],
    ['master_replid', st.replid],
    ['master_replid2', st.replid2],
    ['master_repl_offset', st.offset],
    ['second_repl_offset', st.secondOffset],
    ['repl_backlog_active', b ? 1 : 0],
    ['repl_backlog_size', s.config.get<number>('repl-backlog-size')],
    ['repl_backlog_first_byte_offset', b ? b.firstByteOffset : 0],
    ['repl_backlog_histlen', b ? b.histlen : 0],
  );
  return out;
}

/** INFO stats additions. */
export function syncStats(s: NodeServer): Fields {
  const st = s.replication.master.stats;
  return [['sync_full', st.syncFull], ['sync_partial_ok', st.syncPartialOk], ['sync_partial_err', st.syncPartialErr]];
}
