/**
 * Replication commands' replies and errors against a real redis-server 7.0, and the field names
 * of INFO replication on a master and on a replica whose link is down.
 */
import { expect, test } from 'vitest';
import { useDifferential } from '../helpers/diff-harness.js';
import { waitUntil } from '../helpers/guarded-process.js';
import type { Reply } from '../helpers/raw-client.js';
import { startRedis } from '../helpers/redis-server.js';

const h = useDifferential();

test('REPLCONF, WAIT and REPLICAOF argument errors', async () => {
  await h.same('REPLCONF', 'listening-port');
  await h.same('REPLCONF', 'nosuchoption', 'x');
  await h.same('REPLCONF', 'listening-port', 'abc');
  await h.same('REPLCONF', 'listening-port', '6380', 'capa', 'eof');
  await h.same('WAIT', 'x', '0');
  await h.same('WAIT', '0', 'x');
  await h.same('WAIT', '0', '-1');
  await h.same('WAIT', '0', '0');
  await h.same('WAIT', '1', '10');
  await h.same('REPLICAOF', 'localhost', 'abc');
  await h.same('REPLICAOF', 'localhost', '70000');
  await h.same('REPLICAOF', 'no', 'one');
  await h.same('SLAVEOF', 'NO', 'ONE');
  await h.same('ROLE');
});

test('REPLICAOF to the same master twice, then NO ONE (exact bytes)', async () => {
  await h.sameBytes([
    ['REPLICAOF', '127.0.0.1', '1'],
    ['REPLICAOF', '127.0.0.1', '1'],
    ['REPLICAOF', 'NO', 'ONE'],
  ]);
});

function fieldNames(text: Reply): string[] {
  return String(text).split('\r\n').filter((l) => l.includes(':')).map((l) => l.slice(0, l.indexOf(':')));
}

test('INFO replication field names: master, and replica with its link down', async () => {
  const { ours, ref } = await h.both('INFO', 'replication');
  expect(fieldNames(ours)).toEqual(fieldNames(ref));
  await h.both('REPLICAOF', '127.0.0.1', '1');
  const down = await h.both('INFO', 'replication');
  const role = await h.both('ROLE');
  await h.both('REPLICAOF', 'NO', 'ONE');
  expect(fieldNames(down.ours)).toEqual(fieldNames(down.ref));
  expect((role.ours as Reply[]).slice(0, 3)).toEqual((role.ref as Reply[]).slice(0, 3));
  await h.same('SET', 'k', 'v');
});

test('WAIT inside MULTI answers at once', async () => {
  await h.sameBytes([['MULTI'], ['WAIT', '1', '0'], ['EXEC']]);
});

test("a real redis-server's replica handshake reaches a full resync with our node", async () => {
  // Our snapshot format is not RDB, so Redis cannot load it and drops the link at once: the
  // replica's INFO line lives only for that instant. The handshake itself must work: REPLCONF
  // listening-port, capa, PSYNC → full resync, which the node logs with the replica's address.
  const notices: string[] = [];
  const log = h.node.server.log;
  const notice = log.notice.bind(log);
  log.notice = (m: string) => { notices.push(m); notice(m); };
  const real = await startRedis(['--replicaof', '127.0.0.1', String(h.node.port)]);
  try {
    await waitUntil(() => h.node.server.replication.master.stats.syncFull > 0, 10_000, 'PSYNC from redis-server');
    expect(notices).toContain(`Full resync requested by replica 127.0.0.1:${real.port}`);
  } finally {
    log.notice = notice;
    await real.stop();
  }
});
