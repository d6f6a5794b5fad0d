/**
 * A persistent watch built from "something may have changed" triggers: re-reads on every trigger,
 * never more than one read in flight (a trigger during a read schedules exactly one more), and
 * delivers only values that differ from the last one delivered. Reads are therefore delivered in
 * order and the last delivery always reflects a read started after the last trigger.
 */
export class Refresher<T> {
  private running = false;
  private dirty = false;
  private closed = false;
  private delivered = false;
  private last: T | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly same: (a: T, b: T) => boolean,
    private readonly deliver: (value: T) => void,
    /** Read failures are retried on the next trigger (reconnect, poll); this only reports them. */
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  trigger(): void {
    if (this.closed) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    void this.run();
  }

  close(): void {
    this.closed = true;
  }

  private async run(): Promise<void> {
    this.running = true;
    do {
      this.dirty = false;
      try {
        const value = await this.read();
        if (this.closed) break;
        this.offer(value);
      } catch (err) {
        if (!this.closed) this.onError(err);
      }
    } while (this.dirty && !this.closed);
    this.running = false;
  }

  private offer(value: T): void {
    if (this.delivered && this.same(this.last as T, value)) return;
    this.delivered = true;
    this.last = value;
    this.deliver(value);
  }
}

export function sameVersioned(
  a: { version: number; data: Buffer } | null,
  b: { version: number; data: Buffer } | null,
): boolean {
  // Data is compared too: a node deleted and re-created can come back with the same version.
  if (a === null || b === null) return a === b;
  return a.version === b.version && a.data.equals(b.data);
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
