/**
 * The nodes of the sorted sets' order tree (order-tree.ts) and the array work on them: searching
 * a node, inserting and removing entries or children, moving them between siblings. Leaves keep
 * their entries' scores in a Float64Array beside the entries, so a search reads contiguous memory.
 */
import type { ZNode } from './zset-order.js';

/** Entries per leaf and children per inner node, at most. */
export const B = 64;
/** A node with fewer is merged with, or refilled from, a sibling. */
export const MIN = B >> 2;
/** A lone root leaf starts this small: most sorted sets are small. */
export const FIRST_CAPACITY = 4;

export class Leaf {
  readonly isLeaf = true;
  n = 0;
  scores: Float64Array;
  nodes: ZNode[] = [];
  parent: Inner | null = null;

  constructor(capacity: number) {
    this.scores = new Float64Array(capacity);
  }
}

export class Inner {
  readonly isLeaf = false;
  n = 0;
  children: TreeNode[] = [];
  /** Entries in each child's subtree. */
  readonly counts = new Float64Array(B);
  readonly sepScores = new Float64Array(B);
  sepMembers: string[] = [];
  parent: Inner | null = null;
}

export type TreeNode = Leaf | Inner;

/** Whether (s1, m1) sorts before (s2, m2). */
export function keyBefore(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

/** The child of p whose range holds key (score, member): the last separator ≤ key. */
export function childFor(p: Inner, score: number, member: string): number {
  const ss = p.sepScores;
  let lo = 1;
  let hi = p.n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const s = ss[mid];
    if (s < score || (s === score && p.sepMembers[mid] <= member)) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Index of the first entry of the leaf not before (score, member). */
export function lowerBound(l: Leaf, score: number, member: string): number {
  const ss = l.scores;
  let lo = 0;
  let hi = l.n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const s = ss[mid];
    if (s < score || (s === score && l.nodes[mid].member < member)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function indexInLeaf(l: Leaf, z: ZNode): number {
  const i = lowerBound(l, z.score, z.member);
  return l.nodes[i] === z ? i : l.nodes.indexOf(z);
}

export function sizeOf(t: TreeNode): number {
  if (t.isLeaf) return t.n;
  let sum = 0;
  for (let i = 0; i < t.n; i++) sum += t.counts[i];
  return sum;
}

export function leafInsert(l: Leaf, at: number, z: ZNode): void {
  if (l.n === l.scores.length) {
    const grown = new Float64Array(Math.min(B, l.n * 2));
    grown.set(l.scores);
    l.scores = grown;
  }
  l.scores.copyWithin(at + 1, at, l.n);
  l.scores[at] = z.score;
  l.nodes.splice(at, 0, z);
  l.n++;
  z.leaf = l;
}

export function leafRemove(l: Leaf, at: number): void {
  l.scores.copyWithin(at, at + 1, l.n);
  l.nodes.splice(at, 1);
  l.n--;
}

/** Moves entries from..n of `l` to the front of `to`, before the entries it has. */
export function leafMoveTail(l: Leaf, from: number, to: Leaf): void {
  const moved = l.nodes.splice(from);
  to.scores.copyWithin(moved.length, 0, to.n);
  to.scores.set(l.scores.subarray(from, l.n), 0);
  to.nodes = moved.concat(to.nodes);
  for (const z of moved) z.leaf = to;
  to.n += moved.length;
  l.n = from;
}

/** Moves the first k entries of `l` to the end of `to`. */
export function leafMoveHead(l: Leaf, k: number, to: Leaf): void {
  const moved = l.nodes.splice(0, k);
  to.scores.set(l.scores.subarray(0, k), to.n);
  l.scores.copyWithin(0, k, l.n);
  for (const z of moved) {
    z.leaf = to;
    to.nodes.push(z);
  }
  to.n += k;
  l.n -= k;
}

/** Inserts a child at index `at` of p (which has room), with its separator and size. */
export function innerInsert(p: Inner, at: number, child: TreeNode, count: number, sepScore: number, sepMember: string): void {
  const n = p.n;
  p.children.splice(at, 0, child);
  p.sepMembers.splice(at, 0, sepMember);
  p.counts.copyWithin(at + 1, at, n);
  p.counts[at] = count;
  p.sepScores.copyWithin(at + 1, at, n);
  p.sepScores[at] = sepScore;
  p.n = n + 1;
  child.parent = p;
}

export function innerRemove(p: Inner, at: number): void {
  p.children.splice(at, 1);
  p.sepMembers.splice(at, 1);
  p.counts.copyWithin(at, at + 1, p.n);
  p.sepScores.copyWithin(at, at + 1, p.n);
  p.n--;
}

/** Moves children from..n of p to the start of q (q's [0] separator must already be its lower bound). */
export function innerMoveTail(p: Inner, from: number, q: Inner): void {
  const k = p.n - from;
  const kids = p.children.splice(from);
  q.counts.copyWithin(k, 0, q.n);
  q.counts.set(p.counts.subarray(from, p.n), 0);
  q.sepScores.copyWithin(k, 0, q.n);
  q.sepScores.set(p.sepScores.subarray(from, p.n), 0);
  q.children = kids.concat(q.children);
  q.sepMembers = p.sepMembers.splice(from).concat(q.sepMembers);
  for (const c of kids) c.parent = q;
  q.n += k;
  p.n = from;
}

/** Moves the first k children of p to the end of q ([0]'s separator is p's lower bound). */
export function innerMoveHead(p: Inner, k: number, q: Inner): void {
  const kids = p.children.splice(0, k);
  const seps = p.sepMembers.splice(0, k);
  q.counts.set(p.counts.subarray(0, k), q.n);
  q.sepScores.set(p.sepScores.subarray(0, k), q.n);
  p.counts.copyWithin(0, k, p.n);
  p.sepScores.copyWithin(0, k, p.n);
  for (let i = 0; i < k; i++) {
    kids[i].parent = q;
    q.children.push(kids[i]);
    q.sepMembers.push(seps[i]);
  }
  q.n += k;
  p.n -= k;
}

/** The lowest key a node's subtree may hold, as its parent's separator for it. */
export function lowScore(t: TreeNode): number {
  return t.isLeaf ? t.scores[0] : t.sepScores[0];
}

export function lowMember(t: TreeNode): string {
  return t.isLeaf ? t.nodes[0].member : t.sepMembers[0];
}
