/**
 * Typed configuration parameters. Each parameter knows how to parse and print its value, whether it
 * may change at run time (CONFIG SET), and optional cross-checks. A component (node, proxy) declares
 * its table once; the file loader, CONFIG GET/SET/REWRITE and INFO all read from it.
 */
import { parseMemory, parseYesNo } from './units.js';

export type ParamValue = string | number | boolean | string[];

/**
 * The bound Redis gives its long long / size_t parameters. Values stay JS numbers, so the usable
 * range stops at 2^53; errors still quote Redis's bound, as its clients and tests expect.
 */
export const LLONG_MAX = Number.MAX_SAFE_INTEGER;

function bound(n: number): string {
  return n === LLONG_MAX ? '9223372036854775807' : String(n);
}

function rangeError(min: number, max: number): { error: string } {
  return { error: `argument must be between ${bound(min)} and ${bound(max)} inclusive` };
}

export interface Param<T extends ParamValue = ParamValue> {
  name: string;
  aliases?: string[];
  default: T;
  /** Parses the directive's arguments; returns an error text (without "ERR") on bad input. */
  parse(args: string[]): T | { error: string };
  format(v: T): string;
  /** False for directives only a restart may change (CONFIG SET answers an error). */
  mutable: boolean;
  /** Shown in CONFIG GET only when set explicitly … not used: Redis always shows every parameter. */
}

export function boolParam(name: string, def: boolean, mutable = true, aliases?: string[]): Param<boolean> {
  return {
    name, aliases, default: def, mutable,
    parse: ([v]) => parseYesNo(v ?? '') ?? { error: 'argument must be \'yes\' or \'no\'' },
    format: (v) => (v ? 'yes' : 'no'),
  };
}

export function intParam(name: string, def: number, min: number, max: number, mutable = true, aliases?: string[]): Param<number> {
  return {
    name, aliases, default: def, mutable,
    parse: ([v]) => {
      const n = Number(v);
      if (v === undefined || v === '' || !Number.isInteger(n)) return { error: 'argument couldn\'t be parsed into an integer' };
      if (n < min || n > max) return rangeError(min, max);
      return n;
    },
    format: (v) => String(v),
  };
}

export function memoryParam(name: string, def: number, min: number, max: number, mutable = true, aliases?: string[]): Param<number> {
  return {
    name, aliases, default: def, mutable,
    parse: ([v]) => {
      const n = parseMemory(v ?? '');
      // Redis parses memory values as unsigned: a minus sign is not a memory value at all.
      if (Number.isNaN(n) || (n < 0 && min >= 0)) return { error: 'argument must be a memory value' };
      if (n < min || n > max) return rangeError(min, max);
      return n;
    },
    format: (v) => String(v),
  };
}

export function enumParam(name: string, def: string, values: readonly string[], mutable = true): Param<string> {
  return {
    name, default: def, mutable,
    parse: ([v]) => {
      const lv = (v ?? '').toLowerCase();
      return values.includes(lv) ? lv : { error: `argument(s) must be one of the following: ${values.join(', ')}` };
    },
    format: (v) => v,
  };
}

export function stringParam(name: string, def: string, mutable = true, aliases?: string[]): Param<string> {
  return {
    name, aliases, default: def, mutable,
    parse: (args) => args.join(' '),
    format: (v) => v,
  };
}

/** A parameter holding a list of words (bind, save, client-output-buffer-limit …). */
export function listParam(name: string, def: string[], mutable = true, check?: (args: string[]) => string | null, aliases?: string[]): Param<string[]> {
  return {
    name, aliases, default: def, mutable,
    parse: (args) => {
      const words = args.flatMap((a) => a.split(/\s+/)).filter((w) => w !== '');
      const err = check?.(words);
      return err ? { error: err } : words;
    },
    format: (v) => v.join(' '),
  };
}
