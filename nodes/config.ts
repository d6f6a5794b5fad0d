/**
 * The node's configuration parameters, named and defaulted as in redis.conf (plus slotgate's own
 * `sync-replicas`). Later issues read persistence, replication and cluster settings from here.
 */
import {
  boolParam, enumParam, intParam, listParam, LLONG_MAX, memoryParam, stringParam, type Param,
} from '../lib/config/params.js';
import { ConfigRegistry } from '../lib/config/registry.js';
import type { Directive } from '../lib/config/redis-conf.js';
import { ConfigError } from '../lib/config/redis-conf.js';
import { dirParam, PERSISTENCE_PARAMS } from './persistence/config-params.js';

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

/** In Redis's order: its error text lists them this way. */
const POLICIES = [
  'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl',
  'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction',
];

/** client-output-buffer-limit: groups of <class> <hard> <soft> <soft-seconds>. */
function checkOutputLimits(words: string[]): string | null {
  if (words.length % 4 !== 0) return 'Wrong number of arguments in buffer limit configuration.';
  for (let i = 0; i < words.length; i += 4) {
    if (!['normal', 'replica', 'slave', 'pubsub'].includes(words[i].toLowerCase())) {
      return 'Invalid client class specified in buffer limit configuration.';
    }
  }
  return null;
}

function checkSave(words: string[]): string | null {
  if (words.length === 1 && words[0] === '') return null;
  if (words.length % 2 !== 0) return 'Invalid save parameters';
  return words.every((w) => /^\d+$/.test(w)) ? null : 'Invalid save parameters';
}

/** Like Redis's hz: any integer is accepted and stored clamped to [min, max]. */
function clamped(p: Param<number>, min: number, max: number): Param<number> {
  return {
    ...p,
    parse: (args) => {
      const v = p.parse(args);
      return typeof v === 'number' ? Math.min(max, Math.max(min, v)) : v;
    },
  };
}

export const NODE_PARAMS: Param[] = [
  intParam('port', 6379, 0, 65535, false),
  listParam('bind', ['127.0.0.1', '-::1'], false),
  boolParam('protected-mode', true),
  stringParam('requirepass', ''),
  intParam('maxclients', 10000, 1, INT_MAX),
  intParam('timeout', 0, 0, INT_MAX),
  intParam('tcp-keepalive', 300, 0, INT_MAX),
  intParam('tcp-backlog', 511, 0, INT_MAX, false),
  intParam('databases', 16, 1, INT_MAX, false),
  memoryParam('proto-max-bulk-len', 512 * 1024 * 1024, 1024 * 1024, LLONG_MAX),
  memoryParam('client-query-buffer-limit', 1024 * 1024 * 1024, 1024 * 1024, LLONG_MAX),
  listParam('client-output-buffer-limit',
    ['normal', '0', '0', '0', 'slave', '268435456', '67108864', '60', 'pubsub', '33554432', '8388608', '60'],
    true, checkOutputLimits),
  clamped(intParam('hz', 10, 0, INT_MAX), 1, 500),
  intParam('slowlog-log-slower-than', 10000, -1, LLONG_MAX),
  intParam('slowlog-max-len', 128, 0, LLONG_MAX),
  enumParam('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning', 'nothing']),
  stringParam('logfile', '', false),
  boolParam('daemonize', false, false),
  stringParam('pidfile', '', false),
  dirParam(),
  stringParam('dbfilename', 'dump.rdb'),
  boolParam('appendonly', false),
  enumParam('appendfsync', 'everysec', ['everysec', 'always', 'no']),
  stringParam('appendfilename', 'appendonly.aof', false),
  ...PERSISTENCE_PARAMS,
  listParam('save', ['3600', '1', '300', '100', '60', '10000'], true, checkSave),
  memoryParam('maxmemory', 0, 0, LLONG_MAX),
  enumParam('maxmemory-policy', 'noeviction', POLICIES),
  intParam('maxmemory-samples', 5, 1, 64),
  intParam('lfu-log-factor', 10, 0, INT_MAX),
  intParam('lfu-decay-time', 1, 0, INT_MAX),
  stringParam('replicaof', '', false, ['slaveof']),
  stringParam('masterauth', ''),
  stringParam('masteruser', ''),
  intParam('repl-timeout', 60, 1, INT_MAX),
  intParam('repl-ping-replica-period', 10, 1, INT_MAX, true, ['repl-ping-slave-period']),
  boolParam('replica-read-only', true, true, ['slave-read-only']),
  boolParam('replica-serve-stale-data', true, true, ['slave-serve-stale-data']),
  intParam('replica-priority', 100, 0, INT_MAX, true, ['slave-priority']),
  memoryParam('repl-backlog-size', 1024 * 1024, 1, LLONG_MAX),
  intParam('min-replicas-to-write', 0, 0, INT_MAX, true, ['min-slaves-to-write']),
  intParam('min-replicas-max-lag', 10, 0, INT_MAX, true, ['min-slaves-max-lag']),
  boolParam('cluster-enabled', false, false),
  stringParam('cluster-config-file', 'nodes.conf', false),
  intParam('busy-reply-threshold', 5000, 0, LLONG_MAX, true, ['lua-time-limit']),
  intParam('sync-replicas', 0, 0, INT_MAX),
  intParam('sync-replicas-timeout', 1000, 1, INT_MAX),
  intParam('latency-tracking', 0, 0, 1),
  // Compact-encoding limits (nodes/types/encoding-limits.ts), with Redis 7.0's ziplist-era aliases.
  intParam('hash-max-listpack-entries', 512, 0, LLONG_MAX, true, ['hash-max-ziplist-entries']),
  memoryParam('hash-max-listpack-value', 64, 0, LLONG_MAX, true, ['hash-max-ziplist-value']),
  intParam('zset-max-listpack-entries', 128, 0, LLONG_MAX, true, ['zset-max-ziplist-entries']),
  memoryParam('zset-max-listpack-value', 64, 0, LLONG_MAX, true, ['zset-max-ziplist-value']),
  intParam('set-max-intset-entries', 512, 0, LLONG_MAX),
  intParam('list-max-listpack-size', -2, INT_MIN, INT_MAX, true, ['list-max-ziplist-size']),
  // Accepted for redis.conf compatibility: lists are never compressed here.
  intParam('list-compress-depth', 0, 0, INT_MAX),
  memoryParam('stream-node-max-bytes', 4096, 0, LLONG_MAX),
  intParam('stream-node-max-entries', 100, 0, LLONG_MAX),
  memoryParam('hll-sparse-max-bytes', 3000, 0, LLONG_MAX),
  // As in Redis 7: DEBUG is off unless enabled (yes) or allowed from loopback clients (local).
  enumParam('enable-debug-command', 'no', ['no', 'yes', 'local'], false),
];

export interface NodeConfigExtras {
  /** rename-command old new ("" disables the command). */
  renames: Map<string, string>;
}

/** Builds the registry for a node from parsed directives; throws ConfigError on bad input. */
export function loadNodeConfig(file: string | undefined, directives: Directive[]): { config: ConfigRegistry; extras: NodeConfigExtras } {
  const config = new ConfigRegistry(NODE_PARAMS);
  config.file = file;
  const extras: NodeConfigExtras = { renames: new Map() };
  config.special('rename-command', (d) => {
    if (d.args.length !== 2) throw new ConfigError(`${d.origin}: wrong number of arguments for 'rename-command'`);
    extras.renames.set(d.args[0].toLowerCase(), d.args[1].toLowerCase());
  });
  config.load(directives);
  return { config, extras };
}
