/**
 * The small part of TOML that slotgate's configuration files use: `key = value` lines (strings,
 * integers, booleans, arrays of those), `#` comments, `[section]` headers (keys become
 * `section.key`). Anything else is refused with the line number, never guessed.
 */
export type TomlValue = string | number | boolean | TomlValue[];

export class TomlError extends Error {}

export function parseToml(text: string, file = 'config'): Map<string, TomlValue> {
  const out = new Map<string, TomlValue>();
  let section = '';
  text.split(/\r?\n/).forEach((raw, i) => {
    const at = `${file}:${i + 1}`;
    const line = stripComment(raw).trim();
    if (line === '') return;
    const sec = /^\[([A-Za-z0-9_.-]+)\]$/.exec(line);
    if (sec) {
      section = `${sec[1]}.`;
      return;
    }
    const kv = /^([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(line);
    if (!kv) throw new TomlError(`${at}: expected key = value, got '${raw.trim()}'`);
    const key = section + kv[1];
    if (out.has(key)) throw new TomlError(`${at}: '${key}' is set twice`);
    const [value, rest] = parseValue(kv[2], at);
    if (rest.trim() !== '') throw new TomlError(`${at}: unexpected '${rest.trim()}' after the value of '${key}'`);
    out.set(key, value);
  });
  return out;
}

/** Drops a `#` comment that is not inside a string. */
function stripComment(line: string): string {
  let inStr: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (inStr) {
      if (ch === '\\' && inStr === '"') i++;
      else if (ch === inStr) inStr = null;
    } else if (ch === '"' || ch === "'") inStr = ch;
    else if (ch === '#') return line.slice(0, i);
  }
  return line;
}

function parseValue(s: string, at: string): [TomlValue, string] {
  s = s.trimStart();
  if (s.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(s);
    if (!m) throw new TomlError(`${at}: unterminated string`);
    return [JSON.parse(`"${m[1]}"`) as string, s.slice(m[0].length)];
  }
  if (s.startsWith("'")) {
    const end = s.indexOf("'", 1);
    if (end < 0) throw new TomlError(`${at}: unterminated string`);
    return [s.slice(1, end), s.slice(end + 1)];
  }
  if (s.startsWith('[')) return parseArray(s.slice(1), at);
  const m = /^(true|false|[+-]?\d[\d_]*)/.exec(s);
  if (!m) throw new TomlError(`${at}: unsupported value '${s.trim()}'`);
  const v = m[1] === 'true' ? true : m[1] === 'false' ? false : Number(m[1].replace(/_/g, ''));
  return [v, s.slice(m[0].length)];
}

function parseArray(s: string, at: string): [TomlValue[], string] {
  const items: TomlValue[] = [];
  for (;;) {
    s = s.trimStart();
    if (s.startsWith(']')) return [items, s.slice(1)];
    const [v, rest] = parseValue(s, at);
    items.push(v);
    s = rest.trimStart();
    if (s.startsWith(',')) s = s.slice(1);
    else if (!s.startsWith(']')) throw new TomlError(`${at}: expected ',' or ']' in array`);
  }
}
