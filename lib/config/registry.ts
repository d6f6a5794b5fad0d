/**
 * Holds a component's configuration values, typed by its parameter table. Loading a file, CONFIG
 * GET/SET/REWRITE and change listeners all go through here.
 */
import { writeFileSync, readFileSync, renameSync, existsSync } from 'node:fs';
import type { Param, ParamValue } from './params.js';
import { ConfigError, type Directive } from './redis-conf.js';
import { globMatch } from '../glob.js';

export class ConfigRegistry {
  private params = new Map<string, Param>();
  private values = new Map<string, ParamValue>();
  private listeners = new Map<string, ((v: ParamValue) => void)[]>();
  /** Directives that are not parameters but are handled by the component (rename-command …). */
  private specials = new Map<string, (d: Directive) => void>();
  /** The config file, for CONFIG REWRITE. */
  file?: string;

  constructor(params: readonly Param[]) {
    for (const p of params) {
      this.params.set(p.name, p);
      for (const a of p.aliases ?? []) this.params.set(a, p);
      this.values.set(p.name, p.default);
    }
  }

  /** Registers a directive the component handles itself (allowed in files, not in CONFIG SET). */
  special(name: string, apply: (d: Directive) => void): void {
    this.specials.set(name, apply);
  }

  get<T extends ParamValue>(name: string): T {
    const p = this.params.get(name);
    if (!p) throw new Error(`unknown config parameter ${name}`);
    return this.values.get(p.name) as T;
  }

  /** Applies directives from a file or command line; throws ConfigError naming the culprit. */
  load(directives: readonly Directive[]): void {
    for (const d of directives) {
      const special = this.specials.get(d.name);
      if (special) {
        special(d);
        continue;
      }
      const p = this.params.get(d.name);
      if (!p) throw new ConfigError(`${d.origin}: Bad directive or wrong number of arguments: '${d.name}'`);
      const v = p.parse(d.args);
      if (typeof v === 'object' && !Array.isArray(v)) {
        throw new ConfigError(`${d.origin}: '${d.name} ${d.args.join(' ')}': ${v.error}`);
      }
      this.values.set(p.name, v);
    }
  }

  /**
   * CONFIG SET with one or more pairs, all or nothing. Returns the Redis error text or null.
   */
  set(pairs: readonly [string, string][]): string | null {
    const staged: [Param, ParamValue][] = [];
    for (const [rawName, arg] of pairs) {
      const p = this.params.get(rawName.toLowerCase());
      if (!p) return `ERR Unknown option or number of arguments for CONFIG SET - '${rawName}'`;
      if (!p.mutable) return `ERR CONFIG SET failed (possibly related to argument '${rawName}') - can't set immutable config`;
      if (staged.some(([q]) => q === p)) return `ERR CONFIG SET failed (possibly related to argument '${rawName}') - duplicate parameter`;
      const v = p.parse([arg]);
      if (typeof v === 'object' && !Array.isArray(v)) {
        return `ERR CONFIG SET failed (possibly related to argument '${rawName}') - ${v.error}`;
      }
      staged.push([p, v]);
    }
    const previous = staged.map(([p]) => [p, this.values.get(p.name)!] as const);
    try {
      for (const [p, v] of staged) this.apply(p, v);
    } catch (e) {
      for (const [p, v] of previous) this.values.set(p.name, v);
      return `ERR CONFIG SET failed - ${(e as Error).message}`;
    }
    return null;
  }

  /** Sets a value from code (e.g. REPLICAOF updates replicaof), notifying listeners. */
  assign(name: string, v: ParamValue): void {
    const p = this.params.get(name);
    if (!p) throw new Error(`unknown config parameter ${name}`);
    this.apply(p, v);
  }

  private apply(p: Param, v: ParamValue): void {
    this.values.set(p.name, v);
    for (const l of this.listeners.get(p.name) ?? []) l(v);
  }

  onChange(name: string, fn: (v: ParamValue) => void): void {
    const p = this.params.get(name);
    if (!p) throw new Error(`unknown config parameter ${name}`);
    const list = this.listeners.get(p.name) ?? [];
    list.push(fn);
    this.listeners.set(p.name, list);
  }

  /** CONFIG GET: name/value pairs of every parameter (or alias) matching any pattern. */
  match(patterns: readonly string[]): [string, string][] {
    const out = new Map<string, string>();
    for (const [name, p] of this.params) {
      if (patterns.some((pat) => globMatch(pat.toLowerCase(), name))) {
        out.set(name, p.format(this.values.get(p.name)!));
      }
    }
    return [...out];
  }

  /**
   * CONFIG REWRITE: keep the file's lines, replace each parameter's line with its current value,
   * drop lines of parameters back at their default, append the rest; atomic replace of the file.
   */
  rewrite(): string | null {
    if (!this.file) return 'ERR The server is running without a config file';
    const text = existsSync(this.file) ? readFileSync(this.file, 'latin1') : '';
    const seen = new Set<string>();
    const lines: string[] = [];
    for (const line of text.split('\n')) {
      const name = line.trim().split(/\s+/)[0]?.toLowerCase();
      const p = name && !line.trim().startsWith('#') ? this.params.get(name) : undefined;
      if (!p) {
        lines.push(line);
        continue;
      }
      if (seen.has(p.name)) continue;
      seen.add(p.name);
      lines.push(`${p.name} ${quote(p.format(this.values.get(p.name)!))}`);
    }
    const extra: string[] = [];
    for (const p of new Set(this.params.values())) {
      if (seen.has(p.name)) continue;
      const v = this.values.get(p.name)!;
      if (p.format(v) === p.format(p.default)) continue;
      extra.push(`${p.name} ${quote(p.format(v))}`);
    }
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    if (extra.length) lines.push('# Generated by CONFIG REWRITE', ...extra);
    const tmp = `${this.file}.tmp-${process.pid}`;
    try {
      writeFileSync(tmp, lines.join('\n') + '\n', 'latin1');
      renameSync(tmp, this.file);
    } catch (e) {
      return `ERR Rewriting config file: ${(e as Error).message}`;
    }
    return null;
  }
}

function quote(v: string): string {
  if (v === '') return '""';
  return /[\s"'\\]/.test(v) && !/^[\w.:\- ]+$/.test(v) ? JSON.stringify(v) : v;
}
