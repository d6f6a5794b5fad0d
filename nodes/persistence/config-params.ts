/**
 * Persistence configuration parameters beyond the ones nodes/config.ts always had (appendonly,
 * appendfsync, appendfilename, dbfilename, save), named and defaulted as in Redis 7.0's redis.conf.
 */
import fs from 'node:fs';
import path from 'node:path';
import { boolParam, intParam, memoryParam, stringParam, type Param } from '../../lib/config/params.js';

/**
 * `dir`: where the snapshot and the AOF live. Redis chdir()s into it and refuses a directory that
 * does not exist ("No such file or directory"); we keep it as an absolute path instead of changing
 * the process's working directory (several nodes may share a test process).
 */
export function dirParam(): Param<string> {
  const base = stringParam('dir', path.resolve('.'));
  return {
    ...base,
    parse: (args) => {
      const dir = path.resolve(args.join(' '));
      try {
        if (fs.statSync(dir).isDirectory()) return dir;
        return { error: 'Not a directory' };
      } catch {
        return { error: 'No such file or directory' };
      }
    },
  };
}

export const PERSISTENCE_PARAMS: Param[] = [
  boolParam('aof-load-truncated', true),
  intParam('auto-aof-rewrite-percentage', 100, 0, 2147483647),
  memoryParam('auto-aof-rewrite-min-size', 64 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER),
  boolParam('stop-writes-on-bgsave-error', true),
  // Accepted for redis.conf compatibility; the snapshot format is always checksummed, never compressed.
  boolParam('rdbcompression', true),
  boolParam('rdbchecksum', true),
  boolParam('aof-use-rdb-preamble', true),
  boolParam('aof-timestamp-enabled', false),
  stringParam('appenddirname', 'appendonlydir', false),
];
