/** Protected mode and client-output-buffer-limit. */
import net from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { RawClient } from '../helpers/raw-client.js';

let node: InProcessNode;
beforeAll(async () => {
  node = await startNode();
});
afterAll(async () => {
  await node.stop();
});

// The decision alone (a pure unit check): a real non-loopback peer would need a second host.
test('protected mode refuses non-loopback peers only while no password is set', async () => {
  const s = node.server;
  expect(s.protectedModeDenies({ remoteAddress: '127.0.0.1' })).toBe(false);
  expect(s.protectedModeDenies({ remoteAddress: '::1' })).toBe(false);
  expect(s.protectedModeDenies({ remoteAddress: '::ffff:127.0.0.1' })).toBe(false);
  expect(s.protectedModeDenies({ remoteAddress: '10.1.2.3' })).toBe(true);
  expect(s.config.set([['requirepass', 'pw']])).toBeNull();
  expect(s.protectedModeDenies({ remoteAddress: '10.1.2.3' })).toBe(false);
  expect(s.config.set([['requirepass', ''], ['protected-mode', 'no']])).toBeNull();
  expect(s.protectedModeDenies({ remoteAddress: '10.1.2.3' })).toBe(false);
  expect(s.config.set([['protected-mode', 'yes']])).toBeNull();
});

test('a subscriber that stops reading is disconnected at the pubsub hard limit; others go on', async () => {
  const admin = await RawClient.connect(node.port);
  expect(await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 256kb 0 0')).toBe('OK');
  const slow = net.connect(node.port, '127.0.0.1');
  await new Promise((r) => slow.once('connect', r));
  slow.write('SUBSCRIBE firehose\r\n');
  await new Promise((r) => setTimeout(r, 50));
  slow.pause();
  const msg = 'x'.repeat(16 * 1024);
  const pub = await RawClient.connect(node.port);
  // A paused socket does not report its close; ask the server whether the subscriber is gone.
  let receivers = 1;
  let sent = 0;
  while (receivers > 0 && sent < 2000) {
    receivers = (await pub.call('PUBLISH', 'firehose', msg)) as number;
    sent++;
  }
  expect(receivers).toBe(0);
  expect(sent).toBeGreaterThan(16); // it was served until its buffer passed 256 KB (plus the kernel's)
  expect(await pub.call('PING')).toBe('PONG');
  expect(await admin.call('PUBSUB', 'NUMSUB', 'firehose')).toEqual(['firehose', 0]);
  await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
  admin.close();
  pub.close();
  slow.destroy();
});
