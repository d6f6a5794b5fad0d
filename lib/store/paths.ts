import { StoreError } from './errors.js';

/**
 * Store paths follow ZooKeeper's rules: absolute, '/'-separated, no empty, '.' or '..' segment,
 * no trailing slash (except the root itself).
 */
export function validatePath(path: string): string {
  const bad = (why: string): never => { throw new StoreError('BAD_ARGUMENTS', `invalid path: ${why}`, path); };
  if (typeof path !== 'string' || !path.startsWith('/')) bad('must start with "/"');
  if (path === '/') return path;
  if (path.endsWith('/')) bad('must not end with "/"');
  if (path.includes('\0')) bad('must not contain NUL');
  for (const seg of path.slice(1).split('/')) {
    if (seg === '') bad('empty segment');
    if (seg === '.' || seg === '..') bad(`relative segment "${seg}"`);
  }
  return path;
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** Proper ancestors, outermost first, without the root: /a/b/c → [/a, /a/b]. */
export function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  return out;
}

/** ZooKeeper's sequential suffix: a 10-digit zero-padded counter. */
export function sequenceSuffix(n: number): string {
  return String(n).padStart(10, '0');
}
