/**
 * Key extraction from a command's key specs, as Redis's getKeysUsingKeySpecs does. Drives the
 * proxy's routing, CROSSSLOT checks, COMMAND GETKEYS and the node's slot checks.
 */
import type { CommandSpec, KeySpec } from './table.js';

/** Argument positions holding keys; null when the arguments are malformed for the key specs. */
export function keyPositions(spec: CommandSpec, argv: readonly string[]): number[] | null {
  const special = SPECIAL[spec.name];
  if (special) return special(argv);
  const out: number[] = [];
  for (const ks of spec.keySpecs) {
    if (!collect(ks, argv, out)) return null;
  }
  return out;
}

function collect(ks: KeySpec, argv: readonly string[], out: number[]): boolean {
  const argc = argv.length;
  const first = beginIndex(ks, argv);
  if (first === -1) return true; // keyword absent: this spec names no keys here
  if (first < -1) return false;
  let last: number;
  let step: number;
  let begin = first;
  const fk = ks.find_keys;
  if (fk.type === 'range') {
    step = fk.spec.keystep;
    if (fk.spec.lastkey >= 0) last = first + fk.spec.lastkey;
    else if (!fk.spec.limit) last = argc + fk.spec.lastkey;
    else last = first + Math.floor((argc - first) / fk.spec.limit) + fk.spec.lastkey;
  } else if (fk.type === 'keynum') {
    const numIdx = first + fk.spec.keynumidx;
    if (numIdx >= argc) return false;
    const n = Number(argv[numIdx]);
    if (!Number.isInteger(n) || n < 0) return false;
    begin = first + fk.spec.firstkey;
    step = fk.spec.keystep;
    last = begin + (n - 1) * step;
  } else {
    return true;
  }
  if (last >= argc) {
    // Redis tolerates an incomplete range only for specs it marks INCOMPLETE.
    if (!ks.flags.includes('INCOMPLETE')) return false;
    last = argc - 1;
  }
  for (let i = begin; i <= last; i += step) out.push(i);
  return true;
}

/** Start of the key range: >= 0, -1 when a keyword is absent, -2 when malformed. */
function beginIndex(ks: KeySpec, argv: readonly string[]): number {
  const bs = ks.begin_search;
  if (bs.type === 'index') return bs.spec.index < argv.length ? bs.spec.index : -2;
  if (bs.type !== 'keyword') return -1;
  const kw = bs.spec.keyword.toLowerCase();
  const from = bs.spec.startfrom;
  if (from >= 0) {
    for (let i = from; i < argv.length; i++) if (argv[i].toLowerCase() === kw) return i + 1;
  } else {
    for (let i = argv.length + from; i > 0; i--) if (argv[i].toLowerCase() === kw) return i + 1;
  }
  return -1;
}

/** Commands whose keys Redis finds with a dedicated function rather than key specs. */
const SPECIAL: Record<string, (argv: readonly string[]) => number[] | null> = {
  // SORT key [BY p] [LIMIT o c] [GET p …] [STORE dst]: only key and STORE's destination are keys.
  sort: (argv) => {
    const out = [1];
    for (let i = 2; i < argv.length; i++) {
      const a = argv[i].toLowerCase();
      if (a === 'limit') i += 2;
      else if (a === 'get' || a === 'by') i += 1;
      else if (a === 'store' && i + 1 < argv.length) out.push(++i);
    }
    return out;
  },
  // MIGRATE host port key|"" db timeout [… KEYS k1 k2 …]
  migrate: (argv) => {
    for (let i = 6; i < argv.length; i++) {
      if (argv[i].toLowerCase() === 'keys') {
        if (argv[3] !== '') return null;
        return range(i + 1, argv.length);
      }
    }
    return argv.length > 3 && argv[3] !== '' ? [3] : [];
  },
};

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}
