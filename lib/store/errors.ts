/** Errors of the store, the same codes for every implementation so callers can branch on them. */
export type StoreErrorCode =
  | 'NO_NODE' // the node does not exist (or its parent, for create)
  | 'NODE_EXISTS'
  | 'BAD_VERSION' // compare-and-set lost: the node changed since it was read
  | 'NOT_EMPTY' // delete of a node that has children
  | 'NO_CHILDREN_FOR_EPHEMERALS'
  | 'BAD_ARGUMENTS' // a malformed path or option
  | 'CONNECTION_LOSS' // could not reach the store in time; the outcome of a write is unknown
  | 'SESSION_EXPIRED'
  | 'CONFLICT' // casLoop gave up after its retries
  | 'TIMEOUT'
  | 'CLOSED' // the store was closed
  | 'BAD_URL'
  | 'UNKNOWN';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(path ? `${code}: ${message} (${path})` : `${code}: ${message}`);
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}
