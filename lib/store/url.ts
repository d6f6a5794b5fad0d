import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreError } from './errors.js';
import { validatePath } from './paths.js';

/** A parsed, validated store URL. */
export type StoreUrl = ZkUrl | FileUrl;

export interface ZkUrl {
  kind: 'zk';
  servers: { host: string; port: number }[];
  /** '' or an absolute path every store path is relative to. */
  chroot: string;
  options: ZkOptions;
}

export interface ZkOptions {
  sessionTimeoutMs: number;
  /** Bound on the wait for the first connection of openStore(). */
  connectTimeoutMs: number;
  /** Bound on one operation, reconnects included. */
  opTimeoutMs: number;
  /** Max random pause between rounds of connection attempts. */
  spinDelayMs: number;
}

export interface FileUrl {
  kind: 'file';
  dir: string;
  /** Interval of the poll that backs fs.watch up and notices ephemerals of dead processes. */
  pollMs: number;
}

const ZK_DEFAULTS: ZkOptions = { sessionTimeoutMs: 10_000, connectTimeoutMs: 15_000, opTimeoutMs: 30_000, spinDelayMs: 200 };
const ZK_PARAMS: Record<string, keyof ZkOptions> = {
  sessionTimeout: 'sessionTimeoutMs', connectTimeout: 'connectTimeoutMs', opTimeout: 'opTimeoutMs', spinDelay: 'spinDelayMs',
};
const EXAMPLES = 'expected zk://host:port[,host:port…][/chroot][?sessionTimeout=ms] or file:///absolute/dir';

function bad(url: string, why: string): never {
  throw new StoreError('BAD_URL', `bad store URL "${url}": ${why}; ${EXAMPLES}`);
}

export function parseStoreUrl(url: string): StoreUrl {
  if (typeof url !== 'string' || url === '') bad(String(url), 'empty');
  if (url.startsWith('zk://')) return parseZk(url);
  if (url.startsWith('file://')) return parseFile(url);
  return bad(url, 'unknown scheme');
}

function parseZk(url: string): ZkUrl {
  const [rest, query = ''] = splitOnce(url.slice('zk://'.length), '?');
  const slash = rest.indexOf('/');
  const hosts = slash < 0 ? rest : rest.slice(0, slash);
  const chroot = slash < 0 ? '' : rest.slice(slash);
  if (chroot !== '' && chroot !== '/') {
    try { validatePath(chroot); } catch (e) { bad(url, `chroot: ${(e as Error).message}`); }
  }
  const servers = hosts.split(',').map((h) => parseHostPort(url, h));
  return { kind: 'zk', servers, chroot: chroot === '/' ? '' : chroot, options: parseParams(url, query) };
}

function parseHostPort(url: string, hostPort: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(hostPort);
  if (!m) bad(url, `server "${hostPort}" is not host[:port]`);
  const port = m[2] === undefined ? 2181 : Number(m[2]);
  if (port < 1 || port > 65535) bad(url, `port ${port} out of range`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

function parseParams(url: string, query: string): ZkOptions {
  const options = { ...ZK_DEFAULTS };
  for (const [key, value] of new URLSearchParams(query)) {
    const field = ZK_PARAMS[key];
    if (!field) bad(url, `unknown parameter "${key}" (known: ${Object.keys(ZK_PARAMS).join(', ')})`);
    options[field] = positiveInt(url, key, value);
  }
  return options;
}

function parseFile(url: string): FileUrl {
  const [base, query = ''] = splitOnce(url, '?');
  let dir: string;
  try {
    dir = fileURLToPath(base);
  } catch (e) {
    return bad(url, (e as Error).message);
  }
  if (!path.isAbsolute(dir)) bad(url, 'the directory must be absolute');
  let pollMs = 500;
  for (const [key, value] of new URLSearchParams(query)) {
    if (key !== 'pollMs') bad(url, `unknown parameter "${key}" (known: pollMs)`);
    pollMs = positiveInt(url, key, value);
  }
  return { kind: 'file', dir: path.resolve(dir), pollMs };
}

function positiveInt(url: string, key: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 3_600_000) bad(url, `${key} must be an integer number of ms, got "${value}"`);
  return n;
}

function splitOnce(s: string, sep: string): [string, string?] {
  const i = s.indexOf(sep);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}
