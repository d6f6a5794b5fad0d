/**
 * The snapshot a full resync transfers: nodes/persistence/snapshot.ts's point-in-time format
 * (copy-on-write per key, written incrementally while the master keeps serving).
 */
export { loadSnapshot, writeSnapshot, type SnapshotJob } from '../persistence/snapshot.js';
