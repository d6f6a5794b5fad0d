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
  ],
};
