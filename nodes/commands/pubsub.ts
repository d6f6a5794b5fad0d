/** SUBSCRIBE PSUBSCRIBE SSUBSCRIBE, their UNSUBSCRIBEs, PUBLISH SPUBLISH, PUBSUB introspection. */
import { globMatch } from '../../lib/glob.js';
import type { Client } from '../client.js';
import type { Kind } from '../pubsub.js';
import { helpReply } from './connection.js';
import type { Handler } from './registry.js';

const NAMES: Record<Kind, [string, string]> = {
  channel: ['subscribe', 'unsubscribe'],
  pattern: ['psubscribe', 'punsubscribe'],
  shard: ['ssubscribe', 'sunsubscribe'],
};

/** Each (un)subscription is confirmed with its own push: [kind, name, count]. */
function confirm(c: Client, what: string, name: string | null, kind: Kind): void {
  c.out.push(3);
  c.out.bulk(what);
  c.out.bulk(name);
  c.out.int(c.server.pubsub.countFor(c, kind));
}

function subscriber(kind: Kind): Handler {
  return (c, argv) => {
    for (const name of argv.slice(1)) {
      c.server.pubsub.add(c, kind, name);
      confirm(c, NAMES[kind][0], name, kind);
    }
  };
}

function unsubscriber(kind: Kind): Handler {
  return (c, argv) => {
    const ps = c.server.pubsub;
    const names = argv.length > 1 ? argv.slice(1) : [...ps.subscriptions(c, kind)];
    if (names.length === 0) return confirm(c, NAMES[kind][1], null, kind);
    for (const name of names) {
      ps.remove(c, kind, name);
      confirm(c, NAMES[kind][1], name, kind);
    }
  };
}

function publish(c: Client, argv: string[]): void {
  const s = c.server;
  c.out.int(s.pubsub.publish(argv[1], argv[2], (x) => s.scheduleFlush(x)));
}

function spublish(c: Client, argv: string[]): void {
  const s = c.server;
  c.out.int(s.pubsub.publishShard(argv[1], argv[2], (x) => s.scheduleFlush(x)));
}

function channelsOf(table: Map<string, Set<Client>>, argv: string[]): string[] {
  const pat = argv[2];
  return [...table.keys()].filter((ch) => pat === undefined || globMatch(pat, ch));
}

function numsub(c: Client, table: Map<string, Set<Client>>, names: string[]): void {
  c.out.map(names.length);
  for (const ch of names) {
    c.out.bulk(ch);
    c.out.int(table.get(ch)?.size ?? 0);
  }
}

export const pubsubHandlers: Record<string, Handler> = {
  subscribe: subscriber('channel'),
  psubscribe: subscriber('pattern'),
  ssubscribe: subscriber('shard'),
  unsubscribe: unsubscriber('channel'),
  punsubscribe: unsubscriber('pattern'),
  sunsubscribe: unsubscriber('shard'),
  publish,
  spublish,
  'pubsub|channels': (c, argv) => c.out.bulks(channelsOf(c.server.pubsub.channels, argv)),
  'pubsub|shardchannels': (c, argv) => c.out.bulks(channelsOf(c.server.pubsub.shards, argv)),
  'pubsub|numsub': (c, argv) => numsub(c, c.server.pubsub.channels, argv.slice(2)),
  'pubsub|shardnumsub': (c, argv) => numsub(c, c.server.pubsub.shards, argv.slice(2)),
  'pubsub|numpat': (c) => c.out.int(c.server.pubsub.patterns.size),
  'pubsub|help': (c) => helpReply(c, [
    'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'CHANNELS [<pattern>]', "    Return the currently active channels matching a <pattern> (default: '*').",
    'NUMPAT', '    Return number of subscriptions to patterns.',
    'NUMSUB [<channel> ...]', '    Return the number of subscribers for the specified channels, excluding',
    '    pattern subscriptions(default: no channels).',
    'SHARDCHANNELS [<pattern>]', "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    'SHARDNUMSUB [<shardchannel> ...]', '    Return the number of subscribers for the specified shard level channel(s)',
    'HELP', '    Prints this help.',
  ]),
};
