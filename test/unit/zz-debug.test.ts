import { it } from 'vitest';
import { startNode } from '../helpers/node.js';
import { RawClient } from '../helpers/raw-client.js';
type Arg = string | number;
async function scen(port: number, blockers: Arg[][], writes: Arg[][]) {
  const ctl = await RawClient.connect(port);
  const bs = await Promise.all(blockers.map(() => RawClient.connect(port)));
  await ctl.call('FLUSHALL');
  bs.forEach((b, i) => b.send(...blockers[i]));
  await new Promise((r) => setTimeout(r, 100));
  const out: unknown[] = [String(await ctl.call('INFO', 'clients')).match(/blocked_clients:\d+/)![0]];
  for (const w of writes) out.push(await ctl.call(...w));
  for (const b of bs) out.push(await b.reply(1000).catch(() => 'TIMEOUT'));
  ctl.close(); bs.forEach((b) => b.close());
  return JSON.stringify(out);
}
it('dbg', async () => {
  const n = await startNode();
  const S: [Arg[][], Arg[][]][] = [
    [[['BZPOPMIN', 'k', 0]], [['ZADD', 'k', 2, 'b', 1, 'a']]],
    [[['BZPOPMAX', 'other', 'k', 0], ['BZPOPMIN', 'k', 0], ['BZPOPMIN', 'k', 0]], [['ZADD', 'k', 1, 'a', 2, 'b']]],
    [[['BZMPOP', 0, 2, 'x', 'k', 'MAX', 'COUNT', 2]], [['ZADD', 'k', 1, 'a', 2, 'b', 3, 'c']]],
    [[['BZPOPMIN', 'k', 0]], [['MULTI'], ['ZADD', 'k', 1, 'a'], ['ZADD', 'k', 2, 'b'], ['EXEC']]],
    [[['BZPOPMIN', 'k', 0]], [['SET', 'k', 'str'], ['DEL', 'k'], ['ZUNIONSTORE', 'k', 1, 'none'], ['ZADD', 'k', 5, 'e']]],
    [[['BZPOPMIN', 'k', '0.0001'], ['BZPOPMAX', 'k', '9223372036854775']], [['ZADD', 'k', 1, 'a', 2, 'b']]],
  ];
  for (const [b, w] of S) console.log(await scen(n.port, b, w), '\n', await scen(6399, b, w));
  await n.stop();
}, 60000);
