/**
 * PUBSUB CHANNELS / NUMSUB / NUMPAT / SHARDCHANNELS / SHARDNUMSUB at the proxy: asked of every master
 * and combined. Channels live on their slot's master, so counts add up; patterns are subscribed on
 * every master by every proxy, so NUMPAT is the largest count any master reports.
 */
import { aggregateElements, integerReply } from '../../lib/resp/reply-scanner.js';
import { fanOut } from '../fanout.js';
import type { Session } from '../session.js';
import type { LocalHandler } from './table.js';

function array(items: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from(`*${items.length}\r\n`), ...items]);
}

/** Union of the channel names every master lists. */
const channels = (name: string): LocalHandler => (s: Session, argv) =>
  fanOut(s, s.server.command(name), argv, (frames) => {
    const seen = new Map<string, Buffer>();
    for (const f of frames) for (const e of aggregateElements(f)) seen.set(e.latin1Slice(0, e.length), e);
    return array([...seen.values()]);
  });

/** Channel, count pairs: the counts summed over the masters, in the order asked. */
const numsub = (name: string): LocalHandler => (s: Session, argv) =>
  fanOut(s, s.server.command(name), argv, (frames) => {
    const perMaster = frames.map((f) => aggregateElements(f));
    const out: Buffer[] = [];
    for (let i = 0; i < (perMaster[0]?.length ?? 0); i += 2) {
      let sum = 0;
      for (const els of perMaster) sum += integerReply(els[i + 1]);
      out.push(perMaster[0][i], Buffer.from(`:${sum}\r\n`));
    }
    return array(out);
  });

const numpat: LocalHandler = (s, argv) =>
  fanOut(s, s.server.command('pubsub|numpat'), argv, (frames) => Buffer.from(`:${Math.max(0, ...frames.map(integerReply))}\r\n`));

export const pubsubInfoHandlers: Record<string, LocalHandler> = {
  'pubsub|channels': channels('pubsub|channels'),
  'pubsub|shardchannels': channels('pubsub|shardchannels'),
  'pubsub|numsub': numsub('pubsub|numsub'),
  'pubsub|shardnumsub': numsub('pubsub|shardnumsub'),
  'pubsub|numpat': numpat,
};
