/** INFO persistence, with Redis 7.0's field names (fork/COW figures are 0: there is no fork). */
import type { NodeServer } from '../server.js';

export function persistenceInfo(s: NodeServer): [string, string | number][] {
  const { rdb, aof } = s.persistence;
  const now = Date.now();
  const secsSince = (t: number): number => Math.round((now - t) / 1000);
  const fields: [string, string | number][] = [
    ['loading', s.persistence.loading ? 1 : 0],
    ['async_loading', 0],
    ['current_cow_peak', 0],
    ['current_cow_size', 0],
    ['current_cow_size_age', 0],
    ['current_fork_perc', '0.00'],
    ['current_save_keys_processed', 0],
    ['current_save_keys_total', 0],
    ['rdb_changes_since_last_save', s.dirty],
    ['rdb_bgsave_in_progress', rdb.inProgress ? 1 : 0],
    ['rdb_last_save_time', s.lastSave],
    ['rdb_last_bgsave_status', rdb.lastBgsaveOk ? 'ok' : 'err'],
    ['rdb_last_bgsave_time_sec', rdb.lastBgsaveSecs],
    ['rdb_current_bgsave_time_sec', rdb.inProgress ? secsSince(rdb.bgsaveStartedAt) : -1],
    ['rdb_saves', rdb.savesDone],
    ['rdb_last_cow_size', 0],
    ['rdb_last_load_keys_expired', rdb.lastLoadExpired],
    ['rdb_last_load_keys_loaded', rdb.lastLoadKeys],
    ['aof_enabled', aof.state !== 'off' ? 1 : 0],
    ['aof_rewrite_in_progress', aof.rewriting ? 1 : 0],
    ['aof_rewrite_scheduled', aof.rewriteScheduled ? 1 : 0],
    ['aof_last_rewrite_time_sec', aof.lastRewriteSecs],
    ['aof_current_rewrite_time_sec', aof.rewriting ? secsSince(aof.rewriteStartedAt) : -1],
    ['aof_last_bgrewrite_status', aof.lastRewriteOk ? 'ok' : 'err'],
    ['aof_rewrites', aof.rewritesDone],
    ['aof_rewrites_consecutive_failures', aof.rewriteFailures],
    ['aof_last_write_status', aof.lastWriteError === null ? 'ok' : 'err'],
    ['aof_last_cow_size', 0],
    ['module_fork_in_progress', 0],
    ['module_fork_last_cow_size', 0],
  ];
  if (aof.state !== 'off') {
    fields.push(
      ['aof_current_size', aof.currentSize],
      ['aof_base_size', aof.baseSize],
      ['aof_pending_rewrite', 0],
      ['aof_buffer_length', 0],
      ['aof_pending_bio_fsync', 0],
      ['aof_delayed_fsync', 0],
    );
  }
  return fields;
}
