import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../lib/store/index.js';
import { storeContract } from './contract.js';

describe('FileStore', () => {
  let dir: string;
  // A short poll: a dying process makes no file-system event, the poll notices its ephemerals.
  const url = () => `${pathToFileURL(dir).href}?pollMs=100`;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slotgate-filestore-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  storeContract(() => ({ open: () => openStore(url()), childUrl: url, ephemeralGoneWithinMs: 1000 }));

  describe('on disk', () => {
    it('leaves no lock or temp files behind', async () => {
      const s = await openStore(url());
      await s.create('/tidy', Buffer.from('x'));
      await s.set('/tidy', Buffer.from('y'));
      await s.close();
      expect(fs.readdirSync(dir).filter((n) => n.startsWith('@lock') || n.startsWith('@tmp') || n.startsWith('@trash'))).toEqual([]);
      expect(fs.readdirSync(path.join(dir, 'tidy'))).toEqual(['@node']);
    });

    it('recovers a lock left by a dead process', async () => {
      // pid 2^22+1 is above Linux's pid_max limit, so no such process can exist.
      fs.writeFileSync(path.join(dir, '@lock'), JSON.stringify({ pid: 4194305, start: '1', nonce: 'dead' }));
      const s = await openStore(url());
      await s.create('/after-stale-lock', Buffer.from('ok'));
      expect((await s.get('/after-stale-lock'))!.data.toString()).toBe('ok');
      await s.close();
      expect(fs.existsSync(path.join(dir, '@lock'))).toBe(false);
    });

    it('maps awkward names to safe file names', async () => {
      const s = await openStore(url());
      const names = ['@at', 'sp ace', 'per%cent', '..x', 'ünï'];
      await s.create('/names', Buffer.alloc(0));
      for (const n of names) await s.create(`/names/${n}`, Buffer.from(n));
      expect(await s.children('/names')).toEqual([...names].sort());
      expect(fs.readdirSync(path.join(dir, 'names')).every((n) => n === '@node' || !n.startsWith('@'))).toBe(true);
      await s.close();
    });
  });
});
