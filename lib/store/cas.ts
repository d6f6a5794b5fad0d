import { StoreError, isStoreError } from './errors.js';
import type { Store, Versioned } from './types.js';

/**
 * The new data for a node given its current value: a Buffer to write, null to delete the node,
 * undefined to leave it as it is. May be called several times: keep it free of side effects.
 */
export type Mutation = (current: Versioned | null) => Buffer | null | undefined | Promise<Buffer | null | undefined>;

export interface CasOptions {
  /** Attempts after the first before giving up with CONFLICT. */
  retries?: number;
  /** Create missing ancestors when the node itself has to be created. */
  parents?: boolean;
}

/**
 * Read-modify-write with compare-and-set: re-reads and re-applies `mutate` whenever another
 * writer got in between, so concurrent updates are never lost. Returns the value it left.
 */
export async function casLoop(store: Store, path: string, mutate: Mutation, opts: CasOptions = {}): Promise<Versioned | null> {
  const retries = opts.retries ?? 20;
  for (let attempt = 0; attempt <= retries; attempt++) {
    const current = await store.get(path);
    const next = await mutate(current);
    try {
      return await apply(store, path, current, next, opts.parents ?? false);
    } catch (e) {
      if (!isLostRace(e)) throw e;
    }
    // Jittered, growing pause so that many contenders do not keep colliding in lockstep.
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(2 ** attempt, 50)));
  }
  throw new StoreError('CONFLICT', `gave up after ${retries + 1} compare-and-set attempts`, path);
}

async function apply(store: Store, path: string, current: Versioned | null, next: Buffer | null | undefined, parents: boolean): Promise<Versioned | null> {
  if (next === undefined) return current;
  if (next === null) {
    if (current) await store.delete(path, current.version);
    return null;
  }
  if (!current) {
    await store.create(path, next, { parents });
    return { data: next, version: 0 };
  }
  return { data: next, version: await store.set(path, next, current.version) };
}

function isLostRace(e: unknown): boolean {
  return isStoreError(e, 'BAD_VERSION') || isStoreError(e, 'NODE_EXISTS') || isStoreError(e, 'NO_NODE');
}
