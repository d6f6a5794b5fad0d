/**
 * slotgate's own subcommands, in the same shape as Redis's COMMAND data, added to the containers
 * of lib/commands/redis-commands.json (which stays Redis's unedited output).
 */
export const slotgateSubcommands: Record<string, Record<string, unknown>[]> = {
  cluster: [
    {
      // CLUSTER SETNODE <node-id> <host:port>: the coordinator tells a node where another node is
      // (slotgate has no gossip; DESIGN §3).
      name: 'cluster|setnode',
      arity: 4,
      flags: ['admin', 'stale', 'no_async_loading'],
      firstKey: 0,
      lastKey: 0,
      step: 0,
      acl: ['@admin', '@slow', '@dangerous'],
      tips: [],
      keySpecs: [],
      docs: {
        summary: "Set the address of another node of the cluster (slotgate extension)",
        since: '0.1.0',
        group: 'cluster',
        complexity: 'O(1)',
        arguments: [
          { name: 'node-id', type: 'string' },
          { name: 'address', type: 'string' },
        ],
      },
    },
    {
      // CLUSTER RESTORE-CHUNK <key> <transfer-id> <seq> <part> [REPLACE] [LAST <ttl>]: one part of
      // a large value sent by MIGRATE between slotgate cluster nodes (DESIGN §4).
      name: 'cluster|restore-chunk',
      arity: -6,
      flags: ['write', 'denyoom', 'asking'],
      firstKey: 2,
      lastKey: 2,
      step: 1,
      acl: ['@keyspace', '@write', '@slow', '@dangerous'],
      tips: [],
      keySpecs: [
        {
          flags: ['OW', 'update'],
          begin_search: { type: 'index', spec: { index: 2 } },
          find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
        },
      ],
      docs: {
        summary: 'Receive one part of a large value migrated in chunks (slotgate extension)',
        since: '0.1.0',
        group: 'cluster',
        complexity: 'O(N) where N is the number of elements in the part',
        arguments: [
          { name: 'key', type: 'key', key_spec_index: 0 },
          { name: 'transfer-id', type: 'string' },
          { name: 'seq', type: 'integer' },
          { name: 'part', type: 'string' },
          { name: 'replace', type: 'pure-token', token: 'REPLACE', flags: ['optional'] },
          { name: 'ttl', type: 'integer', token: 'LAST', flags: ['optional'] },
        ],
      },
    },
  ],
};
