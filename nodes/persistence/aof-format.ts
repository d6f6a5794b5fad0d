/**
 * The AOF's command format: RESP arrays of bulk strings, as Redis writes its AOF (so
 * redis-check-aof-style tools read it). Parsing reports byte offsets for every problem and tells a
 * truncated tail (the file simply ends mid-command: a crash while appending) apart from corruption
 * (bytes that are not RESP where a command must be).
 */

export interface AofCommand {
  argv: string[];
  /** Byte offset where the command starts. */
  offset: number;
}

export type AofParse =
  | { ok: true; commands: AofCommand[] }
  /** The file ends inside a command starting at `offset` (everything before it is valid). */
  | { ok: false; kind: 'truncated'; commands: AofCommand[]; offset: number }
  | { ok: false; kind: 'corrupt'; commands: AofCommand[]; offset: number; message: string };

class Truncated {}
class Corrupt {
  constructor(readonly message: string, readonly offset: number) {}
}

/** Parses commands from `start` to the end of `data`. */
export function parseAofCommands(data: Buffer, start: number): AofParse {
  const commands: AofCommand[] = [];
  let pos = start;
  /** Reads "<prefix><integer>\r\n" at pos. */
  const header = (prefix: number, what: string): number => {
    if (pos >= data.length) throw new Truncated();
    if (data[pos] !== prefix) throw new Corrupt(`expected '${String.fromCharCode(prefix)}' (${what})`, pos);
    const eol = data.indexOf(10, pos);
    if (eol < 0) throw new Truncated();
    const text = data.latin1Slice(pos + 1, eol);
    if (!/^\d{1,12}\r$/.test(text)) throw new Corrupt(`bad ${what}`, pos);
    const n = Number(text.slice(0, -1));
    pos = eol + 1;
    return n;
  };
  while (pos < data.length) {
    const cmdStart = pos;
    try {
      const n = header(42, 'array length'); // '*'
      if (n === 0) throw new Corrupt('empty command', cmdStart);
      const argv: string[] = [];
      for (let i = 0; i < n; i++) {
        const len = header(36, 'bulk length'); // '$'
        if (pos + len + 2 > data.length) throw new Truncated();
        argv.push(data.latin1Slice(pos, pos + len));
        if (data[pos + len] !== 13 || data[pos + len + 1] !== 10) throw new Corrupt('bulk not followed by CRLF', pos + len);
        pos += len + 2;
      }
      commands.push({ argv, offset: cmdStart });
    } catch (e) {
      if (e instanceof Truncated) return { ok: false, kind: 'truncated', commands, offset: cmdStart };
      if (e instanceof Corrupt) return { ok: false, kind: 'corrupt', commands, offset: e.offset, message: e.message };
      throw e;
    }
  }
  return { ok: true, commands };
}
