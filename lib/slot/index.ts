/**
 * Key → slot mapping (DESIGN §1). Identical to Redis Cluster's CLUSTER KEYSLOT, so every part of
 * slotgate (proxy, nodes, dashboard, CLI) imports this one module and keys sharing a `{tag}` always
 * land together.
 */

export const SLOT_COUNT = 16384;

/** CRC16-XMODEM (poly 0x1021, init 0), one table lookup per byte. */
const TABLE = buildTable();

function buildTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = crc & 0xffff;
  }
  return table;
}

export function crc16(buf: Buffer, start = 0, end = buf.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) ^ TABLE[((crc >> 8) ^ buf[i]!) & 0xff]!) & 0xffff;
  return crc;
}

/** Same CRC over a string holding one byte per char (latin1), without allocating a Buffer. */
function crc16Latin1(str: string, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) ^ TABLE[((crc >> 8) ^ str.charCodeAt(i)) & 0xff]!) & 0xffff;
  }
  return crc;
}

const OPEN = 0x7b; // '{'
const CLOSE = 0x7d; // '}'

/**
 * The slot of a key. Strings are latin1 byte strings: the keyspace keeps binary keys that way.
 * Hash tag: the bytes between the first '{' and the next '}' when non-empty, else the whole key.
 */
export function keySlot(key: Buffer | string): number {
  if (typeof key === 'string') return stringSlot(key);
  const open = key.indexOf(OPEN);
  if (open >= 0) {
    const close = key.indexOf(CLOSE, open + 1);
    if (close > open + 1) return crc16(key, open + 1, close) & (SLOT_COUNT - 1);
  }
  return crc16(key) & (SLOT_COUNT - 1);
}

function stringSlot(key: string): number {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return crc16Latin1(key, open + 1, close) & (SLOT_COUNT - 1);
  }
  return crc16Latin1(key, 0, key.length) & (SLOT_COUNT - 1);
}
