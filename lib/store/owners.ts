import { SLOT_COUNT } from '../slot/index.js';
import { fail, int } from './validate.js';

/** Group id 0 marks a slot that no group owns. */
export const UNASSIGNED = 0;

/** [from, to, groupId]: slots from..to inclusive belong to groupId. */
export type OwnerRange = [from: number, to: number, groupId: number];

/** Slot → group table to the compact, sorted run-length form stored in the slots document. */
export function encodeOwners(table: Int32Array | readonly number[]): OwnerRange[] {
  if (table.length !== SLOT_COUNT) throw new RangeError(`owner table must have ${SLOT_COUNT} entries, has ${table.length}`);
  const ranges: OwnerRange[] = [];
  for (let from = 0; from < SLOT_COUNT;) {
    const group = table[from]!;
    let to = from;
    while (to + 1 < SLOT_COUNT && table[to + 1] === group) to++;
    if (group !== UNASSIGNED) ranges.push([from, to, group]);
    from = to + 1;
  }
  return ranges;
}

export function decodeOwners(ranges: readonly OwnerRange[]): Int32Array {
  const table = new Int32Array(SLOT_COUNT);
  for (const [from, to, group] of ranges) table.fill(group, from, to + 1);
  return table;
}

/** Validates ranges: in bounds, from <= to, sorted and non-overlapping, positive group ids. */
export function parseOwnerRanges(v: unknown, at: string): OwnerRange[] {
  if (!Array.isArray(v)) fail(at, 'an array of [from, to, groupId]', v);
  let next = 0;
  return v.map((r, i) => {
    const here = `${at}[${i}]`;
    if (!Array.isArray(r) || r.length !== 3) fail(here, '[from, to, groupId]', r);
    const from = int(r[0], `${here}[0]`, next, SLOT_COUNT - 1);
    const to = int(r[1], `${here}[1]`, from, SLOT_COUNT - 1);
    const group = int(r[2], `${here}[2]`, 1);
    next = to + 1;
    return [from, to, group];
  });
}
