/**
 * RESP encoding of a command as it travels in the replication stream (and the AOF): a multibulk of
 * bulk strings. Arguments are byte strings (one char per byte), so latin1 keeps them binary-safe.
 * Replicas count offsets in these exact bytes, so the encoding must be canonical.
 */
export function encodeCommand(argv: readonly string[]): Buffer {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return Buffer.from(s, 'latin1');
}
