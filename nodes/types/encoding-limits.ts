/**
 * The size limits of the compact encodings, as redis.conf names them: when a hash, set or sorted
 * set stops being a listpack/intset (what OBJECT ENCODING reports, and MEMORY USAGE estimates), how
 * big a list's packed node may get, how many entries and bytes a stream node holds, and when a
 * HyperLogLog leaves its sparse form. The node's config sets them (nodes/config.ts: CONFIG SET
 * applies at once, to values converted from then on, as in Redis).
 *
 * Process-wide: one process runs one node. In-process test nodes share them, so each node applies
 * its own configuration when it starts.
 */
export const encodingLimits = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  /** list-max-listpack-size: > 0 entries per node, -1..-5 a node size of 4..64 KB. */
  listMaxListpackSize: -2,
  streamNodeMaxBytes: 4096,
  streamNodeMaxEntries: 100,
  hllSparseMaxBytes: 3000,
};

/** The config parameter behind each limit. */
export const ENCODING_PARAMS: Record<string, keyof typeof encodingLimits> = {
  'hash-max-listpack-entries': 'hashMaxListpackEntries',
  'hash-max-listpack-value': 'hashMaxListpackValue',
  'zset-max-listpack-entries': 'zsetMaxListpackEntries',
  'zset-max-listpack-value': 'zsetMaxListpackValue',
  'set-max-intset-entries': 'setMaxIntsetEntries',
  'list-max-listpack-size': 'listMaxListpackSize',
  'stream-node-max-bytes': 'streamNodeMaxBytes',
  'stream-node-max-entries': 'streamNodeMaxEntries',
  'hll-sparse-max-bytes': 'hllSparseMaxBytes',
};
