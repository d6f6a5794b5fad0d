/**
 * Redis 7's script shebang: a first line `#!lua [flags=no-writes,allow-oom,…]`. A script without
 * one runs in compatibility mode (no flags). The shebang's characters are not compiled, but its
 * newline is, so line numbers in errors match the script as written.
 */
const KNOWN = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

export interface Shebang {
  /** null: no shebang (compatibility mode). */
  flags: Set<string> | null;
  /** What Lua compiles. */
  code: string;
}

export function parseShebang(body: string): Shebang | { error: string } {
  if (!body.startsWith('#!')) return { flags: null, code: body };
  const end = body.indexOf('\n');
  if (end < 0) return { error: 'ERR Invalid script shebang' };
  const parts = body.slice(0, end).split(/[ \t\r]+/).filter((p) => p !== '');
  if (parts[0] !== '#!lua') return { error: `ERR Unexpected engine in script shebang: ${parts[0]}` };
  const flags = new Set<string>();
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) return { error: `ERR Unknown lua shebang option: ${part}` };
    for (const f of part.length > 6 ? part.slice(6).split(',') : []) {
      if (!KNOWN.has(f)) return { error: `ERR Unexpected flag in script shebang: ${f}` };
      flags.add(f);
    }
  }
  return { flags, code: body.slice(end) };
}
