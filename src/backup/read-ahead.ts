import type { FindCursor } from 'mongodb';

/**
 * Asks a cursor for its batches ahead of the code converting them, until
 * `budgetBytes` of raw BSON wait: the server reads on while this process
 * converts, and reads the next collection while this one is converted (as
 * mongodump reads several collections at once; FerretDB serves two cursors
 * at once about 1.4 times as fast as one).
 */
export class ReadAhead {
  private readonly waiting: Uint8Array[][] = [];
  private waitingBytes = 0;
  private exhausted = false;
  private stopped = false;
  private failure: { readonly error: unknown } | undefined;
  private wakeReader: (() => void) | undefined;
  private wakeConsumer: (() => void) | undefined;
  private readonly reading: Promise<void>;
  /** Whether every batch was read (false: the cursor failed or the read was closed); settles when no request is on its way. */
  readonly finished: Promise<boolean>;

  constructor(
    private readonly cursor: FindCursor<Uint8Array>,
    private readonly budgetBytes: number,
  ) {
    this.reading = this.read();
    this.finished = this.reading.then(() => this.exhausted);
  }

  /** The batches in the server's order; throws the cursor's error once the batches before it are taken. */
  async *batches(): AsyncGenerator<Uint8Array[]> {
    for (;;) {
      const batch = this.waiting.shift();
      if (batch) {
        this.waitingBytes -= bytesOf(batch);
        this.wakeReader?.();
        yield batch;
      } else if (this.failure) {
        throw this.failure.error;
      } else if (this.exhausted) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
      }
    }
  }

  /** Stops reading and closes the cursor; waits until no request of it is on its way. */
  async close(): Promise<void> {
    this.stopped = true;
    this.wakeReader?.();
    // After the request on its way: before its reply the driver may not know the server's cursor to kill.
    await this.reading;
    await this.cursor.close().catch(() => undefined);
  }

  private async read(): Promise<void> {
    try {
      while (!this.stopped && (await this.cursor.hasNext())) {
        const batch = this.cursor.readBufferedDocuments();
        this.waiting.push(batch);
        this.waitingBytes += bytesOf(batch);
        this.wakeConsumer?.();
        while (!this.stopped && this.waitingBytes >= this.budgetBytes) await new Promise<void>((resolve) => (this.wakeReader = resolve));
      }
      if (this.stopped) this.failure = { error: new Error('Lesen abgebrochen') };
      else this.exhausted = true;
    } catch (error) {
      this.failure = { error };
    } finally {
      this.wakeConsumer?.();
    }
  }
}

function bytesOf(batch: readonly Uint8Array[]): number {
  let bytes = 0;
  for (const doc of batch) bytes += doc.byteLength;
  return bytes;
}
