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

/** ES2024 resizable ArrayBuffer (Node 20's V8 has it; the TypeScript lib here predates it). */
interface ResizableBuffer extends ArrayBuffer {
  resize(byteLength: number): void;
}
const ResizableArrayBuffer = ArrayBuffer as unknown as new (byteLength: number, opts: { maxByteLength: number }) => ResizableBuffer;

/** Past this many words the level buffer grows in place (see LevelStore.grow). */
const RESIZABLE_FROM = 1 << 17;
/** 2 GB of levels: about 100M members; also keeps every Int32Array index below 2^31. */
const MAX_WORDS = 1 << 28;

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

/**
 * The node object of each block, by word offset, in fixed chunks: a JS array doubling by copy cost
 * 75 ms at 2^20 words and 157 ms at 2^21 (one ZADD into a 450k- / 900k-member set); a chunk
 * lookup costs one more load, paid only at the end of a descent or on a score tie.
 */
const NODE_CHUNK_BITS = 14;
const NODE_CHUNK = 1 << NODE_CHUNK_BITS;
const NODE_CHUNK_MASK = NODE_CHUNK - 1;

export class NodeTable<N> {
  private readonly chunks: (N | null)[][] = [];

  get(w: number): N | null {
    return this.chunks[w >>> NODE_CHUNK_BITS][w & NODE_CHUNK_MASK];
  }

  set(w: number, node: N | null): void {
    this.chunks[w >>> NODE_CHUNK_BITS][w & NODE_CHUNK_MASK] = node;
  }

  /** Makes words [0, words) addressable. The first chunk grows with a small set (most sets are). */
  reserve(words: number): void {
    if (this.chunks.length === 0) this.chunks.push([]);
    const first = this.chunks[0];
    const firstWords = Math.min(words, NODE_CHUNK);
    while (first.length < firstWords) first.push(null);
    while (this.chunks.length * NODE_CHUNK < words) this.chunks.push(new Array<N | null>(NODE_CHUNK).fill(null));
  }
}

export class LevelStore<N> {
  f64: Float64Array;
  i32: Int32Array;
  /** The node object of each block (null for free words and the head). */
  readonly nodes = new NodeTable<N>();
  /** Words the typed views cover. */
  private capacity = INITIAL_WORDS;
  /** The buffer, once it grows in place (the views track its length). */
  private inPlace: ResizableBuffer | null = null;
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
    this.nodes.reserve(INITIAL_WORDS);
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
    this.nodes.set(w, node);
    return w;
  }

  release(w: number, level: number): void {
    this.live--;
    this.nodes.set(w, null);
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
    if (this.top > this.capacity) this.grow(this.top);
    this.nodes.reserve(this.top);
    this.chunkNext[level] = w;
    this.chunkEnd[level] = this.top;
  }

  /**
   * Doubles the words the views cover. A small set copies into a new buffer; past RESIZABLE_FROM
   * words the buffer is a resizable ArrayBuffer that grows in place (the kernel maps pages as they
   * are first touched), because copying into a fresh 16 MB buffer stalled a ZADD for 67 ms at 2^21
   * words, most of it faulting the new pages in. Its reserved address space (MAX_WORDS) is virtual
   * memory only, reserved just by sets that big.
   */
  private grow(minWords: number): void {
    let words = this.capacity * 2;
    while (words < minWords) words *= 2;
    if (words > MAX_WORDS) throw new RangeError('sorted set too large');
    if (this.inPlace !== null) {
      this.inPlace.resize(words * 8);
    } else if (words > RESIZABLE_FROM) {
      const next = new ResizableArrayBuffer(words * 8, { maxByteLength: MAX_WORDS * 8 });
      new Float64Array(next).set(this.f64);
      this.inPlace = next;
      this.f64 = new Float64Array(next);
      this.i32 = new Int32Array(next);
    } else {
      const f64 = new Float64Array(words);
      f64.set(this.f64);
      this.f64 = f64;
      this.i32 = new Int32Array(f64.buffer);
    }
    this.capacity = words;
  }
}
