import { describe, expect, it } from 'vitest';
import { isStoreError, openStore, parseStoreUrl } from '../../lib/store/index.js';

describe('store URLs', () => {
  it('parse ZooKeeper connection strings with several servers and a chroot', () => {
    expect(parseStoreUrl('zk://h1:2181,h2:2182/slotgate/prod?sessionTimeout=5000')).toEqual({
      kind: 'zk',
      servers: [{ host: 'h1', port: 2181 }, { host: 'h2', port: 2182 }],
      chroot: '/slotgate/prod',
      options: expect.objectContaining({ sessionTimeoutMs: 5000 }),
    });
    const u = parseStoreUrl('zk://127.0.0.1,[::1]:2190');
    expect(u).toMatchObject({ servers: [{ host: '127.0.0.1', port: 2181 }, { host: '::1', port: 2190 }], chroot: '' });
    expect(parseStoreUrl('zk://h:1/')).toMatchObject({ chroot: '' });
  });

  it('parse file URLs', () => {
    expect(parseStoreUrl('file:///var/lib/slotgate')).toEqual({ kind: 'file', dir: '/var/lib/slotgate', pollMs: 500 });
    expect(parseStoreUrl('file:///tmp/x?pollMs=50')).toMatchObject({ pollMs: 50 });
  });

  it.each([
    ['', 'empty'],
    ['redis://h:1', 'unknown scheme'],
    ['/abs/dir', 'unknown scheme'],
    ['zk://', 'server ""'],
    ['zk://h:99999', 'port 99999'],
    ['zk://h:1,,h2:2', 'server ""'],
    ['zk://h:1/a//b', 'chroot'],
    ['zk://h:1?sessionTimeout=abc', 'sessionTimeout'],
    ['zk://h:1?timeout=1', 'unknown parameter "timeout"'],
    ['file://host/dir', 'file'],
    ['file:///tmp/x?poll=1', 'unknown parameter "poll"'],
  ])('reject %j clearly', (url, why) => {
    let err: unknown;
    try {
      parseStoreUrl(url);
    } catch (e) {
      err = e;
    }
    expect(isStoreError(err, 'BAD_URL')).toBe(true);
    expect((err as Error).message).toContain(why);
    expect((err as Error).message).toContain('expected zk://');
  });

  it('openStore rejects a bad URL with BAD_URL', async () => {
    await expect(openStore('mysql://x')).rejects.toSatisfy((e) => isStoreError(e, 'BAD_URL'));
  });
});
