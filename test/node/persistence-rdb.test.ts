/**
 * Snapshot files with real node processes: SAVE / BGSAVE / SHUTDOWN then kill -9 and restart on the
 * same directory (same DEBUG DIGEST), BGSAVE's point in time while writes go on, refusing to start
 * on a corrupt file (message names file and offset), and MISCONF after a failed background save.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RawClient, RespError } from '../helpers/raw-client.js';
import { DataDir, infoField, waitInfo } from './persistence-procs.js';

let d: DataDir;
beforeEach(() => {
  d = new DataDir();
});
afterEach(async () => {
  await d.cleanup();
});

/** No save points: only explicit saves write the file. */
const NO_SAVE = ['--save', ''];

async function fill(c: RawClient): Promise<void> {
  await c.call('DEBUG', 'POPULATE', '3000');
  await c.call('RPUSH', 'list', 'a', 'b');
  await c.call('HSET', 'hash', 'f', 'v');
  await c.call('ZADD', 'z', '1.5', 'm');
  await c.call('SET', 'ttl', 'x', 'EX', '1000');
  await c.call('SELECT', '2');
  await c.call('SADD', 'set2', 'a');
  await c.call('SELECT', '0');
}

describe('SAVE / BGSAVE / SHUTDOWN and restart', () => {
  it('SAVE, kill -9, restart: same digest; LASTSAVE and rdb_changes_since_last_save follow', async () => {
    const n = await d.start(NO_SAVE);
    await fill(n.client);
    expect(Number(await infoField(n.client, 'rdb_changes_since_last_save'))).toBeGreaterThan(0);
    expect(await n.client.call('SAVE')).toBe('OK');
    expect(await infoField(n.client, 'rdb_changes_since_last_save')).toBe('0');
    const digest = await n.client.call('DEBUG', 'DIGEST');
    await n.kill();
    const m = await d.start(NO_SAVE);
    expect(await m.client.call('DEBUG', 'DIGEST')).toBe(digest);
    expect(await m.client.call('DBSIZE')).toBe(3004);
    expect(Number(await m.client.call('TTL', 'ttl'))).toBeGreaterThan(900);
  });

  it('BGSAVE replies as Redis, finishes in the background, and restart loads it', async () => {
    const n = await d.start(NO_SAVE);
    await fill(n.client);
    const digest = await n.client.call('DEBUG', 'DIGEST');
    n.client.send('BGSAVE');
    n.client.send('BGSAVE');
    expect(await n.client.reply()).toBe('Background saving started');
    expect(await n.client.reply()).toEqual(new RespError('ERR Background save already in progress'));
    expect(await n.client.call('BGSAVE', 'NOW')).toEqual(new RespError('ERR syntax error'));
    await waitInfo(n.client, 'rdb_bgsave_in_progress', 0);
    expect(await infoField(n.client, 'rdb_last_bgsave_status')).toBe('ok');
    expect(await infoField(n.client, 'rdb_saves')).toBe('1');
    expect(fs.readdirSync(d.dir).filter((f) => f.startsWith('temp-'))).toEqual([]);
    await n.kill();
    const m = await d.start(NO_SAVE);
    expect(await m.client.call('DEBUG', 'DIGEST')).toBe(digest);
  });

  it('SHUTDOWN with save points saves; SHUTDOWN NOSAVE does not', async () => {
    const n = await d.start(['--save', '3600 1']);
    await n.client.call('SET', 'kept', '1');
    n.client.send('SHUTDOWN');
    await n.client.waitClosed();
    await n.kill();
    const m = await d.start(['--save', '3600 1']);
    expect(await m.client.call('GET', 'kept')).toBe('1');
    await m.client.call('SET', 'lost', '1');
    m.client.send('SHUTDOWN', 'NOSAVE');
    await m.client.waitClosed();
    await m.kill();
    const o = await d.start(['--save', '3600 1']);
    expect(await o.client.call('GET', 'kept')).toBe('1');
    expect(await o.client.call('GET', 'lost')).toBe(null);
  });

  it('keys already expired when the file is loaded are skipped, as a Redis master does', async () => {
    const n = await d.start(NO_SAVE);
    await n.client.call('SET', 'short', 'x', 'PX', '200');
    await n.client.call('SET', 'long', 'y', 'EX', '1000');
    await n.client.call('SAVE');
    await n.kill();
    await new Promise((r) => setTimeout(r, 300)); // let the 200 ms TTL pass
    const m = await d.start(NO_SAVE);
    expect(await infoField(m.client, 'rdb_last_load_keys_loaded')).toBe('1');
    expect(await infoField(m.client, 'rdb_last_load_keys_expired')).toBe('1');
    expect(await m.client.call('DBSIZE')).toBe(1);
  });

  it('a save point triggers a background save by itself', async () => {
    const n = await d.start(['--save', '1 1']);
    await n.client.call('SET', 'k', 'v');
    await waitInfo(n.client, 'rdb_saves', 1);
    expect(fs.existsSync(d.file('dump.rdb'))).toBe(true);
  });
});

describe('BGSAVE is a point-in-time snapshot', () => {
  it('writes made while it runs are not in the file; values from before are', async () => {
    const n = await d.start(NO_SAVE);
    await n.client.call('DEBUG', 'POPULATE', '20000');
    await n.client.call('RPUSH', 'biglist', ...Array.from({ length: 100 }, (_, i) => String(i)));
    const digest = await n.client.call('DEBUG', 'DIGEST');
    // Sent in one write: they run right after BGSAVE's first slice, while it is still going.
    const cmds: string[][] = [['BGSAVE']];
    for (let i = 0; i < 20000; i += 7) cmds.push(['SET', `key:${i}`, 'changed']);
    cmds.push(['RPUSH', 'biglist', 'late'], ['SET', 'after', '1'], ['DEL', 'key:19999'], ['EXPIRE', 'key:5', '50']);
    for (const c of cmds) n.client.send(...c);
    for (let i = 0; i < cmds.length; i++) await n.client.reply();
    await waitInfo(n.client, 'rdb_bgsave_in_progress', 0);
    expect(await n.client.call('GET', 'key:7')).toBe('changed');
    await n.kill();
    const m = await d.start(NO_SAVE);
    expect(await m.client.call('DEBUG', 'DIGEST')).toBe(digest);
    expect(await m.client.call('GET', 'key:7')).toBe('value:7');
    expect(await m.client.call('GET', 'after')).toBe(null);
    expect(await m.client.call('LLEN', 'biglist')).toBe(100);
    expect(await m.client.call('TTL', 'key:5')).toBe(-1);
  });
});

describe('bad files and failing saves', () => {
  it('a corrupt snapshot byte: the node refuses to start, naming the file and the offset', async () => {
    const n = await d.start(NO_SAVE);
    await fill(n.client);
    await n.client.call('SAVE');
    await n.kill();
    const file = d.file('dump.rdb');
    const data = fs.readFileSync(file);
    data[Math.floor(data.length / 2)] ^= 0x20;
    fs.writeFileSync(file, data);
    const r = d.startFailing(NO_SAVE);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain(`Bad snapshot file ${file}`);
    expect(r.output).toMatch(/at byte offset \d+/);
    // Truncated file: same, with "truncated".
    fs.writeFileSync(file, data.subarray(0, 100));
    const t = d.startFailing(NO_SAVE);
    expect(t.status).not.toBe(0);
    expect(t.output).toMatch(/snapshot truncated .* at byte offset \d+/);
  });

  it('MISCONF after a failed BGSAVE (dir gone), until a save succeeds again', async () => {
    const n = await d.start(['--save', '3600 1']);
    const sub = path.join(d.dir, 'sub');
    fs.mkdirSync(sub);
    expect(await n.client.call('CONFIG', 'SET', 'dir', sub)).toBe('OK');
    expect(await n.client.call('CONFIG', 'SET', 'dir', path.join(d.dir, 'nope'))).toEqual(
      new RespError("ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory"));
    fs.rmSync(sub, { recursive: true });
    expect(await n.client.call('BGSAVE')).toBe('Background saving started');
    await waitInfo(n.client, 'rdb_last_bgsave_status', 'err');
    const misconf = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";
    expect(await n.client.call('SET', 'k', 'v')).toEqual(new RespError(misconf));
    expect(await n.client.call('PING')).toEqual(new RespError(misconf));
    expect(await n.client.call('GET', 'k')).toBe(null); // reads still work
    fs.mkdirSync(sub);
    expect(await n.client.call('BGSAVE')).toBe('Background saving started');
    await waitInfo(n.client, 'rdb_last_bgsave_status', 'ok');
    expect(await n.client.call('SET', 'k', 'v')).toBe('OK');
    expect(await n.client.call('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no')).toBe('OK');
  });
});
