/**
 * The ordered half of a sorted set: a counted B+tree over its entries (ZNode), ordered by score,
 * ties by member bytes. Leaves hold up to 64 entries with their scores in a Float64Array; inner
 * nodes hold per child a subtree size (for ranks) and a separator key. Insert, delete, rank, rank
 * lookup and a range's first entry are O(log n); range walks follow the entries' fwd/prev links.
 *
 * Why not Redis's skiplist: on this machine a sorted-set lookup is bound by memory latency. A
 * skiplist descent at 100k members takes ~22 dependent hops into memory far larger than the
 * cache (86–115 ns each, measured); this tree visits 3–4 nodes, each searched within a few cache
 * lines of contiguous scores. See docs/BENCHMARKS.md ("Sorted sets").
 *
 * Separators: sepScores/sepMembers[i] (i ≥ 1) is a key ≤ every key in child i and > every key in
 * child i-1. Deleting a child's first entry may leave its separator below its real first key;
 * that is still a valid bound, so descents stay correct without fixing separators up the tree.
 * Entry [0] of an inner node holds its own lower bound (its separator in its parent).
 */
import {
  lexGteMin, lexLteMax, lexRangeEmpty, scoreGteMin, scoreLteMax, scoreRangeEmpty, ZNode,
  type LexRange, type ScoreRange,
} from './zset-order.js';
import {
  B, FIRST_CAPACITY, Inner, Leaf, MIN, childFor, indexInLeaf, innerInsert, innerMoveHead, innerMoveTail, innerRemove,
  keyBefore, leafInsert, leafMoveHead, leafMoveTail, leafRemove, lowMember, lowScore, lowerBound, sizeOf, type TreeNode,
} from './order-tree-nodes.js';


/** The descent path of the current insert (single-threaded, never re-entered). */
const pathNodes: Inner[] = [];
const pathIdx = new Int32Array(64);

export class OrderTree {
  private root: TreeNode = new Leaf(FIRST_CAPACITY);
  first: ZNode | null = null;
  tail: ZNode | null = null;
  length = 0;
  /**
   * Tree nodes visited by descents and climbs. Observability for tests that check an operation
   * touched O(log n) nodes per entry it returns or removes, rather than the whole set.
   */
  hops = 0;

  /** Adds a member known to be absent. */
  insert(score: number, member: string): ZNode {
    const z = new ZNode(score, member);
    this.place(z);
    return z;
  }

  /** Removes an entry of this tree. */
  delete(z: ZNode): void {
    this.unplace(z);
  }

  /**
   * Gives an entry a new score: in place when it keeps its position inside its leaf (no
   * separator can be crossed there), else removed and placed again.
   */
  updateScore(z: ZNode, score: number): void {
    const l = z.leaf!;
    const i = indexInLeaf(l, z);
    const m = z.member;
    const old = z.score;
    const lowOk = i > 0 ? keyBefore(l.scores[i - 1], l.nodes[i - 1].member, score, m) : z.prev === null || score > old;
    const highOk = i < l.n - 1 ? keyBefore(score, m, l.scores[i + 1], l.nodes[i + 1].member) : z.fwd === null || score < old;
    if (lowOk && highOk) {
      z.score = score;
      l.scores[i] = score;
      return;
    }
    this.unplace(z);
    z.score = score;
    this.place(z);
  }

  /** 1-based rank of an entry of this tree. */
  rankOf(z: ZNode): number {
    let child: TreeNode = z.leaf!;
    let rank = indexInLeaf(z.leaf!, z) + 1;
    for (let p = child.parent; p !== null; child = p, p = p.parent) {
      const i = p.children.indexOf(child);
      for (let j = 0; j < i; j++) rank += p.counts[j];
      this.hops++;
    }
    return rank;
  }

  /** The entry at a 1-based rank, or null outside 1..length. */
  byRank(rank: number): ZNode | null {
    if (rank < 1 || rank > this.length) return null;
    let t = this.root;
    let r = rank;
    while (!t.isLeaf) {
      let i = 0;
      while (r > t.counts[i]) r -= t.counts[i++];
      t = t.children[i];
      this.hops++;
    }
    return t.nodes[r - 1];
  }

  /** The last entry with score < bound (≤ bound when orEqual), or null. */
  lastScoreBelow(bound: number, orEqual: boolean): ZNode | null {
    let t = this.root;
    while (!t.isLeaf) {
      const ss = t.sepScores;
      let lo = 1;
      let hi = t.n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ss[mid] < bound || (orEqual && ss[mid] === bound)) lo = mid + 1;
        else hi = mid;
      }
      t = t.children[lo - 1];
      this.hops++;
    }
    const ss = t.scores;
    let lo = 0;
    let hi = t.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ss[mid] < bound || (orEqual && ss[mid] === bound)) lo = mid + 1;
      else hi = mid;
    }
    this.hops++;
    return this.entryBefore(t, lo);
  }

  /**
   * The last entry whose member satisfies `pred`, which must hold for a prefix of the order
   * (lex ranges, where all scores are equal); null when none does.
   */
  lastWhileMember(pred: (member: string) => boolean): ZNode | null {
    let t = this.root;
    while (!t.isLeaf) {
      let lo = 1;
      let hi = t.n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (pred(t.sepMembers[mid])) lo = mid + 1;
        else hi = mid;
      }
      t = t.children[lo - 1];
      this.hops++;
    }
    let lo = 0;
    let hi = t.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pred(t.nodes[mid].member)) lo = mid + 1;
      else hi = mid;
    }
    this.hops++;
    return this.entryBefore(t, lo);
  }

  /**
   * The entry before index i of leaf l. When i is 0 it lies in an earlier leaf: a separator
   * may sit below its child's real first key, so a descent can end one leaf late.
   */
  private entryBefore(l: Leaf, i: number): ZNode | null {
    if (i > 0) return l.nodes[i - 1];
    return l.n > 0 ? l.nodes[0].prev : null;
  }

  /** First entry with score ≥ min (> min), if it is also within max. */
  firstInScore(r: ScoreRange): ZNode | null {
    if (scoreRangeEmpty(r) || this.tail === null || !scoreGteMin(this.tail.score, r)) return null;
    const x = this.scoreStart(r)!;
    return scoreLteMax(x.score, r) ? x : null;
  }

  /** Last entry with score ≤ max (< max), if it is also within min. */
  lastInScore(r: ScoreRange): ZNode | null {
    const first = this.first;
    if (scoreRangeEmpty(r) || first === null || !scoreLteMax(first.score, r)) return null;
    const x = this.lastScoreBelow(r.max, !r.maxEx)!;
    return scoreGteMin(x.score, r) ? x : null;
  }

  firstInLex(r: LexRange): ZNode | null {
    if (lexRangeEmpty(r) || this.tail === null || !lexGteMin(this.tail.member, r)) return null;
    const x = this.lexStart(r)!;
    return lexLteMax(x.member, r) ? x : null;
  }

  lastInLex(r: LexRange): ZNode | null {
    const first = this.first;
    if (lexRangeEmpty(r) || first === null || !lexLteMax(first.member, r)) return null;
    const x = this.lastWhileMember((m) => lexLteMax(m, r))!;
    return lexGteMin(x.member, r) ? x : null;
  }

  /** The first entry not below the range's min (whatever its max). */
  private scoreStart(r: ScoreRange): ZNode | null {
    const x = this.lastScoreBelow(r.min, r.minEx);
    return x === null ? this.first : x.fwd;
  }

  private lexStart(r: LexRange): ZNode | null {
    const x = this.lastWhileMember((m) => !lexGteMin(m, r));
    return x === null ? this.first : x.fwd;
  }

  deleteScoreRange(r: ScoreRange, removed: (z: ZNode) => void): number {
    return this.deleteRun(this.scoreStart(r), (z) => scoreLteMax(z.score, r), removed);
  }

  deleteLexRange(r: LexRange, removed: (z: ZNode) => void): number {
    return this.deleteRun(this.lexStart(r), (z) => lexLteMax(z.member, r), removed);
  }

  /** Deletes 1-based ranks start..end inclusive. */
  deleteRankRange(start: number, end: number, removed: (z: ZNode) => void): number {
    let rank = start;
    return this.deleteRun(this.byRank(start), () => rank++ <= end, removed);
  }

  /** Removes entries from `x` on while `keep` holds; calls `removed` for each. */
  deleteRun(x: ZNode | null, keep: (z: ZNode) => boolean, removed: (z: ZNode) => void): number {
    let count = 0;
    while (x !== null && keep(x)) {
      const next = x.fwd;
      this.unplace(x);
      removed(x);
      count++;
      x = next;
    }
    return count;
  }

  /** Puts z (with its score set, not in the tree) at its place. */
  private place(z: ZNode): void {
    const score = z.score;
    const member = z.member;
    let t = this.root;
    let depth = 0;
    while (!t.isLeaf) {
      const i = childFor(t, score, member);
      pathNodes[depth] = t;
      pathIdx[depth++] = i;
      t = t.children[i];
    }
    this.hops += depth + 1;
    let leaf = t;
    let at = lowerBound(leaf, score, member);
    const next = at < leaf.n ? leaf.nodes[at] : leaf.n > 0 ? leaf.nodes[leaf.n - 1].fwd : null;
    const prev = next !== null ? next.prev : leaf.n > 0 ? leaf.nodes[leaf.n - 1] : null;
    let carry: TreeNode | null = null;
    if (leaf.n === B) {
      const right = new Leaf(B);
      // Appending past the last entry (in-order loads): keep the full leaf full.
      const appending = next === null && at === leaf.n;
      leafMoveTail(leaf, appending ? B : B >> 1, right);
      if (appending || at > leaf.n) {
        at -= leaf.n;
        leaf = right;
      }
      carry = right;
    }
    leafInsert(leaf, at, z);
    this.link(z, prev, next);
    for (let d = depth - 1; d >= 0; d--) {
      const p = pathNodes[d];
      const i = pathIdx[d];
      if (carry === null) {
        p.counts[i]++;
        continue;
      }
      p.counts[i] = sizeOf(p.children[i]);
      carry = this.addChild(p, i + 1, carry);
    }
    if (carry !== null) this.growRoot(carry);
  }

  /** Adds a child right of index at-1 in p; returns p's new right sibling when p had to split. */
  private addChild(p: Inner, at: number, child: TreeNode): Inner | null {
    const count = sizeOf(child);
    const s = lowScore(child);
    const m = lowMember(child);
    if (p.n < B) {
      innerInsert(p, at, child, count, s, m);
      return null;
    }
    const q = new Inner();
    const h = B >> 1;
    innerMoveTail(p, h, q);
    if (at <= h) innerInsert(p, at, child, count, s, m);
    else innerInsert(q, at - h, child, count, s, m);
    return q;
  }

  private growRoot(right: TreeNode): void {
    const r = new Inner();
    const left = this.root;
    innerInsert(r, 0, left, sizeOf(left), 0, '');
    innerInsert(r, 1, right, sizeOf(right), lowScore(right), lowMember(right));
    this.root = r;
  }

  /** Takes z out of the tree (its leaf, the counts above it, its neighbours' links). */
  private unplace(z: ZNode): void {
    const leaf = z.leaf!;
    leafRemove(leaf, indexInLeaf(leaf, z));
    z.leaf = null;
    this.unlink(z);
    let child: TreeNode = leaf;
    for (let p = leaf.parent; p !== null; child = p, p = p.parent) {
      const i = p.children.indexOf(child);
      p.counts[i]--;
      if (child.n < MIN) this.refill(p, i);
      this.hops++;
    }
    this.hops++;
    while (!this.root.isLeaf && this.root.n === 1) {
      this.root = this.root.children[0];
      this.root.parent = null;
    }
  }

  /** Child i of p ran low: merge it with a sibling, or even out the two. */
  private refill(p: Inner, i: number): void {
    if (p.n < 2) return;
    const k = i > 0 ? i - 1 : i;
    const a = p.children[k];
    const b = p.children[k + 1];
    if (a.n + b.n <= B) {
      if (a.isLeaf) leafMoveHead(b as Leaf, b.n, a);
      else this.mergeInner(p, k, a, b as Inner);
      p.counts[k] += p.counts[k + 1];
      innerRemove(p, k + 1);
      return;
    }
    const want = (a.n + b.n) >> 1;
    if (a.isLeaf) {
      if (a.n < want) leafMoveHead(b as Leaf, want - a.n, a);
      else leafMoveTail(a, want, b as Leaf);
    } else {
      this.evenInner(p, k, a, b as Inner, want);
    }
    p.counts[k] = sizeOf(a);
    p.counts[k + 1] = sizeOf(b);
    p.sepScores[k + 1] = lowScore(b);
    p.sepMembers[k + 1] = lowMember(b);
  }

  private mergeInner(p: Inner, k: number, a: Inner, b: Inner): void {
    b.sepScores[0] = p.sepScores[k + 1];
    b.sepMembers[0] = p.sepMembers[k + 1];
    innerMoveHead(b, b.n, a);
  }

  /** Moves children between siblings a and b (children k, k+1 of p) until a has `want`. */
  private evenInner(p: Inner, k: number, a: Inner, b: Inner, want: number): void {
    b.sepScores[0] = p.sepScores[k + 1];
    b.sepMembers[0] = p.sepMembers[k + 1];
    if (a.n < want) innerMoveHead(b, want - a.n, a);
    else innerMoveTail(a, want, b);
  }

  private link(z: ZNode, prev: ZNode | null, next: ZNode | null): void {
    z.prev = prev;
    z.fwd = next;
    if (prev !== null) prev.fwd = z;
    else this.first = z;
    if (next !== null) next.prev = z;
    else this.tail = z;
    this.length++;
  }

  private unlink(z: ZNode): void {
    const { prev, fwd } = z;
    if (prev !== null) prev.fwd = fwd;
    else this.first = fwd;
    if (fwd !== null) fwd.prev = prev;
    else this.tail = prev;
    // z keeps its own links, as a skiplist node does: a walk standing on it can still go on.
    this.length--;
  }
}
