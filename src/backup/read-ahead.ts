/**
 * Runs an async producer ahead of its consumer, holding at most `capacity`
 * items. Used to read the next collection while the current one is written,
 * so that the database works on two cursors at once.
 */
export class ReadAhead<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private done = false;
  private failure: { error: unknown } | undefined;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;
  private cancelled = false;

  constructor(
    private readonly source: AsyncIterable<T>,
    private readonly capacity: number,
  ) {}

  /** Starts reading in the background; errors are kept for the consumer. */
  start(): this {
    void this.pump();
    return this;
  }

  /** Stops the producer (closing its source) when nobody will consume it. */
  cancel(): void {
    this.cancelled = true;
    this.wakeProducer?.();
  }

  private async pump(): Promise<void> {
    try {
      for await (const item of this.source) {
        if (this.cancelled) return;
        this.items.push(item);
        this.wakeConsumer?.();
        while (this.items.length >= this.capacity && !this.cancelled) {
          await new Promise<void>((resolve) => (this.wakeProducer = resolve));
        }
        if (this.cancelled) return;
      }
    } catch (error) {
      this.failure = { error };
    } finally {
      this.done = true;
      this.wakeConsumer?.();
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    try {
      for (;;) {
        const item = this.items.shift();
        if (item !== undefined) {
          this.wakeProducer?.();
          yield item;
          continue;
        }
        if (this.failure) throw this.failure.error;
        if (this.done) return;
        await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
      }
    } finally {
      this.cancel();
    }
  }
}
