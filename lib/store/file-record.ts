import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseOwner, type Owner } from './owner.js';

/**
 * One node of the file store on disk: `<dir>/@node` = magic, header length, JSON header
 * {version, owner?}, raw data bytes. Names starting with '@' never collide with child names,
 * which are URI-encoded (so '@' is always escaped there).
 */
export interface FileRecord {
  version: number;
  /** Set for ephemeral records: the store session that created it. */
  owner?: Owner;
  data: Buffer;
}

const MAGIC = Buffer.from('SGR1');
export const RECORD_FILE = '@node';

export function encodeRecord(rec: FileRecord): Buffer {
  const header = Buffer.from(JSON.stringify({ version: rec.version, owner: rec.owner }));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(header.length);
  return Buffer.concat([MAGIC, len, header, rec.data]);
}

export function decodeRecord(buf: Buffer, where: string): FileRecord {
  if (buf.length < 8 || !buf.subarray(0, 4).equals(MAGIC)) throw new Error(`corrupt store record ${where}`);
  const end = 8 + buf.readUInt32BE(4);
  const header = JSON.parse(buf.subarray(8, end).toString()) as { version: number; owner?: unknown };
  const owner = parseOwner(header.owner) ?? undefined;
  return { version: header.version, ...(owner && { owner }), data: buf.subarray(end) };
}

/** The record in `dir`, or null when there is none (node absent or half-created). */
export async function readRecord(dir: string): Promise<FileRecord | null> {
  const file = path.join(dir, RECORD_FILE);
  try {
    return decodeRecord(await fs.readFile(file), file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
}

export function writeRecord(dir: string, rec: FileRecord): Promise<void> {
  return writeFileAtomic(dir, RECORD_FILE, encodeRecord(rec));
}

/** temp + fsync + rename + fsync(dir): readers see the old or the new file, never a torn one. */
export async function writeFileAtomic(dir: string, name: string, data: Buffer): Promise<void> {
  const tmp = path.join(dir, `@tmp-${randomBytes(6).toString('hex')}`);
  try {
    const fh = await fs.open(tmp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, path.join(dir, name));
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dir);
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
