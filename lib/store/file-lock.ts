import fs from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { StoreError } from './errors.js';
import { isProcessAlive, type Owner } from './owner.js';

/**
 * The file store's write lock: one lock file taken by exclusive creation. We write the token to a
 * private temp file and link() it to the lock name — link is an exclusive create like O_EXCL, but
 * the lock appears with its full content, so there is never an empty lock of unknown owner.
 *
 * Stale recovery: a lock whose owner process is dead is moved aside with rename() and removed.
 * If what we moved aside is not the lock we judged dead (another breaker already replaced it with
 * a live one), we link it back. With one lock user per store this keeps two live holders apart
 * unless three stores interleave exactly around a crashed holder.
 */
interface Token {
  pid: number;
  start: string | null;
  nonce: string;
}

export type Release = () => Promise<void>;

export async function acquireLock(lockPath: string, owner: Owner, timeoutMs: number): Promise<Release> {
  const token: Token = { pid: owner.pid, start: owner.start, nonce: randomBytes(8).toString('hex') };
  const mine = `${lockPath}.${token.nonce}`;
  await fs.writeFile(mine, JSON.stringify(token));
  try {
    await linkWithRetry(mine, lockPath, timeoutMs);
  } finally {
    await fs.rm(mine, { force: true });
  }
  return () => release(lockPath, token.nonce);
}

async function linkWithRetry(mine: string, lockPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.link(mine, lockPath);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await readToken(lockPath);
    if (holder && !isProcessAlive(holder.pid, holder.start)) {
      await breakStale(lockPath, holder);
      continue;
    }
    if (Date.now() > deadline) {
      throw new StoreError('TIMEOUT', `store lock still held by pid ${holder?.pid ?? '?'} after ${timeoutMs} ms`, lockPath);
    }
    // Short, jittered, growing pauses: holders keep the lock for a few fsyncs only.
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 + attempt, 25)));
  }
}

async function readToken(file: string): Promise<Token | null> {
  try {
    const t = JSON.parse(await fs.readFile(file, 'utf8')) as Token;
    return typeof t.pid === 'number' && typeof t.nonce === 'string' ? t : null;
  } catch {
    return null; // gone meanwhile: just retry
  }
}

async function breakStale(lockPath: string, dead: Token): Promise<void> {
  const aside = `${lockPath}.stale.${randomBytes(8).toString('hex')}`;
  try {
    await fs.rename(lockPath, aside);
  } catch {
    return; // someone else broke or released it first
  }
  const moved = await readToken(aside);
  if (moved?.nonce !== dead.nonce) await fs.link(aside, lockPath).catch(() => {});
  await fs.rm(aside, { force: true });
}

async function release(lockPath: string, nonce: string): Promise<void> {
  // Only remove the lock if it is still ours (it could have been broken as stale by mistake).
  const holder = await readToken(lockPath);
  if (holder?.nonce === nonce) await fs.rm(lockPath, { force: true });
}
