/**
 * A command's reply (the RESP bytes our handlers wrote for the script's client) → a Lua value, as
 * Redis 7.0's redisProtocolToLuaType does: integer → integer; bulk → string; null bulk / null
 * array → false; status → {ok=…}; error → {err=…}; array → table. RESP3 (after redis.setresp(3)):
 * null → nil, map → {map={…}}, set → {set={member=true}}, double → {double=n}, boolean → boolean,
 * big number → {big_number='…'}, verbatim → {verbatim_string={format=…, string=…}}.
 * Reading the bytes back keeps every handler untouched; it costs little next to the VM calls.
 */
import { M, pushBytes, pushInt, setField } from './wasm.js';

export class ReplyReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;

  /** Pushes the single reply held in `buf` onto L. */
  push(L: number, buf: Buffer): void {
    this.buf = buf;
    this.pos = 0;
    this.value(L);
    this.buf = Buffer.alloc(0);
  }

  private line(): string {
    const end = this.buf.indexOf(13, this.pos);
    const s = this.buf.latin1Slice(this.pos, end);
    this.pos = end + 2;
    return s;
  }

  private value(L: number): void {
    const type = this.buf[this.pos++];
    const text = this.line();
    switch (type) {
      case 0x3a: // ':'
        return pushInt(L, BigInt(text));
      case 0x24: // '$'
        return this.bulk(L, Number(text));
      case 0x2b: // '+'
        return this.wrapped(L, 'ok', () => pushBytes(L, text));
      case 0x2d: // '-'
        return this.wrapped(L, 'err', () => pushBytes(L, text));
      case 0x2a: // '*'
      case 0x3e: // '>'
        return this.array(L, Number(text));
      case 0x25: // '%'
        return this.wrapped(L, 'map', () => this.pairs(L, Number(text), true));
      case 0x7e: // '~'
        return this.wrapped(L, 'set', () => this.pairs(L, Number(text), false));
      case 0x5f: // '_'
        return M._lua_pushnil(L);
      case 0x2c: // ','
        return this.wrapped(L, 'double', () => M._lua_pushnumber(L, parseDouble(text)));
      case 0x23: // '#'
        return M._lua_pushboolean(L, text === 't' ? 1 : 0);
      case 0x28: // '('
        return this.wrapped(L, 'big_number', () => pushBytes(L, text));
      case 0x3d: // '='
        return this.verbatim(L, Number(text));
      default:
        throw new Error(`unexpected reply type ${String.fromCharCode(type)}`);
    }
  }

  private bulk(L: number, len: number): void {
    if (len < 0) return M._lua_pushboolean(L, 0);
    pushBytes(L, this.buf.latin1Slice(this.pos, this.pos + len));
    this.pos += len + 2;
  }

  private array(L: number, n: number): void {
    if (n < 0) return M._lua_pushboolean(L, 0);
    M._lua_createtable(L, n, 0);
    for (let i = 1; i <= n; i++) {
      this.value(L);
      M._lua_rawseti(L, -2, BigInt(i));
    }
  }

  private pairs(L: number, n: number, isMap: boolean): void {
    M._lua_createtable(L, 0, n);
    for (let i = 0; i < n; i++) {
      this.value(L);
      if (isMap) this.value(L);
      else M._lua_pushboolean(L, 1);
      M._lua_rawset(L, -3);
    }
  }

  private verbatim(L: number, len: number): void {
    const body = this.buf.latin1Slice(this.pos, this.pos + len);
    this.pos += len + 2;
    this.wrapped(L, 'verbatim_string', () => {
      M._lua_createtable(L, 0, 2);
      pushBytes(L, body.slice(0, 3));
      setField(L, -2, 'format');
      pushBytes(L, body.slice(4));
      setField(L, -2, 'string');
    });
  }

  /** {name = <what pushValue pushes>} */
  private wrapped(L: number, name: string, pushValue: () => void): void {
    M._lua_createtable(L, 0, 1);
    pushValue();
    setField(L, -2, name);
  }
}

function parseDouble(s: string): number {
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (s === 'nan') return NaN;
  return Number(s);
}
