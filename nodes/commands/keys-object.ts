/** OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP. Lookups do not touch the access clock. */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { idleSeconds, lfuDecayed } from '../keyspace/lru.js';
import { stringEncoding, type Value } from '../keyspace/types.js';
import { helpReply } from './connection.js';
import { lookupRead } from './keys-lookup.js';
import type { Handler } from './registry.js';

/** Redis's refcount of its shared objects (small integers), OBJ_SHARED_REFCOUNT. */
const SHARED_REFCOUNT = 2147483647;
/** OBJ_SHARED_INTEGERS: values 0..9999 are shared objects. */
const SHARED_INTEGERS = 10000;

const HELP = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
];

function policy(c: Client): string {
  return c.server.config.get<string>('maxmemory-policy');
}

function lfuSelected(c: Client): boolean {
  return policy(c).endsWith('-lfu');
}

/** The key's value, or undefined after replying the null reply as Redis does for a missing key. */
function lookupOrNull(c: Client, key: string): Value | undefined {
  const v = lookupRead(c, key, false);
  if (v === undefined) c.out.nil();
  return v;
}

function encoding(c: Client, argv: string[]): void {
  const v = lookupOrNull(c, argv[2]);
  if (v !== undefined) c.out.bulk(typeof v === 'string' ? stringEncoding(v) : v.encoding());
}

/**
 * Redis shares the objects of integers 0..9999 (refcount INT_MAX) unless an LRU/LFU maxmemory
 * policy needs a clock per key; every other value is referenced once by its key.
 */
function refcount(c: Client, argv: string[]): void {
  const v = lookupOrNull(c, argv[2]);
  if (v === undefined) return;
  c.out.int(isSharedInteger(c, v) ? SHARED_REFCOUNT : 1);
}

function isSharedInteger(c: Client, v: Value): boolean {
  if (typeof v !== 'string' || stringEncoding(v) !== 'int') return false;
  const p = policy(c);
  const perKeyClock = c.server.config.get<number>('maxmemory') > 0 && (p.endsWith('-lru') || p.endsWith('-lfu'));
  if (perKeyClock) return false;
  const n = Number(v);
  return n >= 0 && n < SHARED_INTEGERS;
}

function idletime(c: Client, argv: string[]): void {
  if (lookupOrNull(c, argv[2]) === undefined) return;
  if (lfuSelected(c)) return c.out.error(Err.lfuSelected);
  c.out.int(idleSeconds(c.db.clockOf(argv[2]), Date.now()));
}

function freq(c: Client, argv: string[]): void {
  if (lookupOrNull(c, argv[2]) === undefined) return;
  if (!lfuSelected(c)) return c.out.error(Err.lfuNotSelected);
  // Decayed as of now but not stored: reading the frequency must not change it.
  c.out.int(lfuDecayed(c.db.clockOf(argv[2]), Date.now(), c.server.config.get<number>('lfu-decay-time')));
}

function help(c: Client, argv: string[]): void {
  helpReply(c, [`${argv[0].toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, ...HELP, 'HELP', '    Prints this help.']);
}

export const objectHandlers: Record<string, Handler> = {
  'object|encoding': encoding,
  'object|refcount': refcount,
  'object|idletime': idletime,
  'object|freq': freq,
  'object|help': help,
};
