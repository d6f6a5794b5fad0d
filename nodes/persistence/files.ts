/**
 * Durable file replacement for snapshots and AOF rewrites: write a temp file in the target's
 * directory, fsync it, rename it over the target, fsync the directory (so the rename survives a
 * crash). A streamed variant feeds a snapshot job into the temp file without blocking the loop.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** Persists a rename: fsync of the containing directory (best effort where unsupported). */
export function fsyncDir(dir: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself is still atomic.
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}

export function tempPathFor(target: string, tag: string): string {
  return path.join(path.dirname(target), `temp-${tag}-${process.pid}.${path.basename(target)}`);
}

/** Writes `chunks` to `target` atomically and durably (synchronous: SAVE, SHUTDOWN). */
export function writeFileAtomicSync(target: string, chunks: readonly Buffer[], tag = 'save'): void {
  const tmp = tempPathFor(target, tag);
  const fd = fs.openSync(tmp, 'w');
  try {
    for (const c of chunks) writeAllSync(fd, c);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, target);
  fsyncDir(path.dirname(target));
}

export function writeAllSync(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
}

/**
 * A sink writing to an open fd with asynchronous writes (one at a time), so a snapshot streamed
 * into it yields to the event loop while the kernel copies bytes.
 */
export class FdSink extends Writable {
  constructor(readonly fd: number) {
    super({ highWaterMark: 1 << 20 });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    const loop = (off: number): void => {
      if (off >= chunk.length) return cb();
      fs.write(this.fd, chunk, off, chunk.length - off, null, (err, n) => (err ? cb(err) : loop(off + n)));
    };
    loop(0);
  }
}

export function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));
}

export interface StreamedWrite {
  /** Produces the file's bulk (a snapshot job) through the sink; resolves when all is handed over. */
  fill(sink: FdSink): Promise<void>;
  /**
   * Runs synchronously after the bulk is on disk, right before the rename (nothing else runs in
   * between): the AOF rewrite appends the writes it buffered meanwhile and switches files here.
   */
  beforeRename?(fd: number): void;
}

/** Streams a file into a temp file, fsyncs, renames it over `target` atomically. */
export async function writeFileStreamed(target: string, tag: string, w: StreamedWrite): Promise<void> {
  const tmp = tempPathFor(target, tag);
  const fd = fs.openSync(tmp, 'w');
  const sink = new FdSink(fd);
  try {
    await w.fill(sink);
    sink.end();
    await finished(sink);
    await fsyncAsync(fd);
    w.beforeRename?.(fd);
  } catch (e) {
    sink.destroy();
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, target);
  fsyncDir(path.dirname(target));
}
