/**
 * Flat storage for a skiplist's levels. Each node owns a block of 8-byte words in one growable
 * ArrayBuffer: word 0 holds its score (a Float64Array view), words 1..level one link each as two
 * int32s (an Int32Array view over the same buffer): the word offset of the next node on that level
 * and the span (level-0 steps it skips). A node is named by the word offset of its block.
 *
 * Why: a descent reads the next offset and that node's score from one small block — usually one
 * cache line, as Redis's C node keeps its level array inline — instead of chasing a node object,
 * its `next` array, its `span` array and a boxed score. The node objects (member, level-0
 * neighbours) are only touched at the end of a descent or on score ties. (Keeping a copy of the
 * next node's score beside each link, so a rejected step costs no miss, measured ~15% slower on
 * ZADD at 100k members: the larger blocks cost more than the misses saved.)
 *
 * Offset 0 is the head block (MAX_LEVEL links), which nothing links to, so 0 also means "none".
 * Freed blocks go to a free list per level; the block of a node that merely moves is reused.
 */

export const MAX_LEVEL = 32;

/** Words reserved up front: the head block plus room for a listpack-sized set. */
const INITIAL_WORDS = 64;

/** Words in the block of a node with `level` links. */
function blockWords(level: number): number {
  return 1 + level;
}

/** Int32Array index of node `w`'s forward link on level `i` (the span is the index after it). */
export function linkAt(w: number, i: number): number {
  return (w + 1 + i) << 1;
}

export class LevelStore<N> {
  f64: Float64Array;
  i32: Int32Array;
  /** The node object of each block, by word offset (null for free words and the head). */
  nodes: (N | null)[];
  /** First unused word. */
  private top = blockWords(MAX_LEVEL);
  /** Head of each level's free list (0: empty); a free block's word 0 links to the next one. */
  private readonly free = new Int32Array(MAX_LEVEL + 1);
  /**
   * Per level, the next unused block of the chunk reserved for that level, and the chunk's end.
   * Blocks of one level sit together, so the tall nodes every descent visits share cache lines
   * with each other rather than with short nodes (whole chunks once the set is large).
   */
  private readonly chunkNext = new Int32Array(MAX_LEVEL + 1);
  private readonly chunkEnd = new Int32Array(MAX_LEVEL + 1);
  /** Blocks in use, to size new chunks. */
  private live = 0;

  constructor() {
    const buf = new ArrayBuffer(INITIAL_WORDS * 8);
    this.f64 = new Float64Array(buf);
    this.i32 = new Int32Array(buf);
    this.nodes = new Array<N | null>(INITIAL_WORDS).fill(null);
  }

  /** A block for a node of `level` links, its links zeroed; may replace the views (re-read them). */
  alloc(node: N, level: number): number {
    let w = this.free[level];
    const size = blockWords(level);
    if (w !== 0) {
      this.free[level] = this.i32[w << 1];
    } else {
      if (this.chunkNext[level] + size > this.chunkEnd[level]) this.newChunk(level);
      w = this.chunkNext[level];
      this.chunkNext[level] = w + size;
    }
    this.live++;
    this.i32.fill(0, (w + 1) << 1, (w + 1 + level) << 1);
    this.nodes[w] = node;
    return w;
  }

  release(w: number, level: number): void {
    this.live--;
    this.nodes[w] = null;
    this.i32[w << 1] = this.free[level];
    this.free[level] = w;
  }

  /**
   * Reserves room for a run of blocks of one level, about 1/256 of the blocks of that level the
   * set holds (a level-k node is 4^(k-1) times rarer), so unused reserve stays a small fraction;
   * one block at a time while the set is small.
   */
  private newChunk(level: number): void {
    const blocks = Math.min(64, 1 + Math.floor(this.live / (256 * 4 ** (level - 1))));
    const w = this.top;
    this.top += blocks * blockWords(level);
    if (this.top > this.nodes.length) this.grow(this.top);
    this.chunkNext[level] = w;
    this.chunkEnd[level] = this.top;
  }

  private grow(minWords: number): void {
    let words = this.nodes.length * 2;
    while (words < minWords) words *= 2;
    const f64 = new Float64Array(words);
    f64.set(this.f64);
    this.f64 = f64;
    this.i32 = new Int32Array(f64.buffer);
    const nodes = new Array<N | null>(words).fill(null);
    const old = this.nodes;
    for (let i = 0; i < old.length; i++) nodes[i] = old[i];
    this.nodes = nodes;
  }
}
