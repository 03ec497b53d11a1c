// A bounded channel between async tasks on one event loop, the Node counterpart of Python's
// queue.Queue(C) in the /overhead experiment: send() waits while `capacity` items are queued,
// receive() waits while none is; after close() receivers get undefined once the queue is empty.
// No locks: every touch happens between awaits, on the one thread.

export class BoundedChannel<T> {
  private readonly items: T[] = [];
  private readonly receivers: Array<(item: T | undefined) => void> = [];
  private readonly senders: Array<() => void> = [];
  private closed = false;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be an integer >= 1, got ${capacity}`);
  }

  get size(): number {
    return this.items.length;
  }

  /** Resolves once the item is queued or handed to a waiting receiver. */
  async send(item: T): Promise<void> {
    if (this.closed) throw new Error('send on a closed channel');
    const receiver = this.receivers.shift();
    if (receiver) return receiver(item);
    while (this.items.length >= this.capacity) await new Promise<void>((resolve) => this.senders.push(resolve));
    this.items.push(item);
  }

  /** The next item; undefined once the channel is closed and drained. */
  receive(): Promise<T | undefined> {
    if (this.items.length > 0) {
      const item = this.items.shift() as T;
      this.senders.shift()?.();
      return Promise.resolve(item);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.receivers.push(resolve));
  }

  /** No more sends; every waiting receiver gets undefined. */
  close(): void {
    this.closed = true;
    for (const receiver of this.receivers.splice(0)) receiver(undefined);
  }
}
