/**
 * An unbounded-looking but capped FIFO between a fast producer (the socket's `data` handler,
 * which must never wait: the daemon skips a subscriber that takes over 100 ms per event) and a
 * consumer that may be slow. Past `capacity` the queue fails instead of blocking or silently
 * dropping, so the caller reconnects with `since` and reconciles.
 */
export class EventQueue<T> implements AsyncIterable<T> {
  readonly #capacity: number;
  readonly #items: T[] = [];
  #head = 0;
  #ended = false;
  #failure: { readonly error: unknown } | undefined;
  #wake: (() => void) | undefined;

  constructor(options: { readonly capacity: number }) {
    this.#capacity = options.capacity;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  /** False when the queue is full (and from then on failed) or already closed. */
  push(item: T): boolean {
    if (this.#ended || this.#failure !== undefined) return false;
    if (this.size >= this.#capacity) return false;
    this.#items.push(item);
    this.#notify();
    return true;
  }

  /** Ends the iteration after the queued items have been read. */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** Throws `error` from the iteration after the queued items have been read; first failure wins. */
  fail(error: unknown): void {
    if (this.#failure === undefined && !this.#ended) this.#failure = { error };
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    while (true) {
      if (this.size > 0) {
        const item = this.#items[this.#head] as T;
        // A consumed event is not kept: up to 1,024 of them (a storm's worth, with their labels)
        // stayed reachable until the next compaction.
        this.#items[this.#head] = undefined as T;
        this.#head += 1;
        if (this.#head === this.#items.length) {
          // Caught up (nearly always): start the array over.
          this.#items.length = 0;
          this.#head = 0;
        } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
          // Compact now and then so a long-lived stream does not keep every event it ever saw.
          this.#items.splice(0, this.#head);
          this.#head = 0;
        }
        yield item;
        continue;
      }
      if (this.#failure !== undefined) throw this.#failure.error;
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
