import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { formatCount } from '../shared/human-units.js';
import { contentDifference, type MeasuredContent } from './storage-error.js';
import type { ExpectedContent, StoragePlace } from './storage-place.js';

export interface MeteredContent extends MeasuredContent {
  /** SHA-256 digests of consecutive `partSize` slices (the last may be shorter); empty without partSize. */
  readonly partSha256s: readonly Buffer[];
}

export interface ContentMeterOptions {
  /** Checked when the stream ends (size also on the way): a difference fails the stream. */
  readonly expected?: ExpectedContent;
  /** Also hash each slice of this many bytes, as a multipart upload cuts them. */
  readonly partSize?: number;
  /** Turns a difference (German) into the error the stream fails with. */
  readonly onDifference: (difference: string) => Error;
}

/**
 * A pass-through stream that counts and hashes what flows through it and
 * fails at its end, before the consumer sees the end, when the bytes are not
 * the expected ones.
 */
export class ContentMeter extends Transform {
  private readonly whole: Hash = createHash('sha256');
  private readonly partDigests: Buffer[] = [];
  private part: Hash | undefined;
  private partBytes = 0;
  /** Not `size`: lib-storage reads a body's `size` as its length. */
  private byteCount = 0;
  private result: MeteredContent | undefined;

  constructor(private readonly options: ContentMeterOptions) {
    super();
  }

  /** What passed through; only after the stream has ended. */
  measured(): MeteredContent {
    if (!this.result) throw new Error('ContentMeter: the stream has not ended');
    return this.result;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.byteCount += chunk.length;
    const limit = this.options.expected?.size;
    if (limit !== undefined && this.byteCount > limit) {
      callback(this.options.onDifference(`mehr als ${formatCount(limit)} Bytes`));
      return;
    }
    this.whole.update(chunk);
    if (this.options.partSize) this.hashParts(chunk, this.options.partSize);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.part || this.partDigests.length === 0) this.partDigests.push((this.part ?? createHash('sha256')).digest());
    this.part = undefined;
    this.result = { size: this.byteCount, sha256: this.whole.digest('hex'), partSha256s: this.options.partSize ? this.partDigests : [] };
    const difference = this.options.expected ? contentDifference(this.result, this.options.expected) : undefined;
    callback(difference === undefined ? null : this.options.onDifference(difference));
  }

  private hashParts(chunk: Buffer, partSize: number): void {
    let offset = 0;
    while (offset < chunk.length) {
      this.part ??= createHash('sha256');
      const take = Math.min(partSize - this.partBytes, chunk.length - offset);
      this.part.update(chunk.subarray(offset, offset + take));
      this.partBytes += take;
      offset += take;
      if (this.partBytes === partSize) {
        this.partDigests.push(this.part.digest());
        this.part = undefined;
        this.partBytes = 0;
      }
    }
  }
}

/**
 * Pipes `source` into `meter` and returns the meter. An error of the source
 * fails the meter as `translate` words it; a meter closed early (its reader
 * gave up) stops the source.
 */
export function meterStream(source: Readable, meter: ContentMeter, translate: (error: unknown) => Error): ContentMeter {
  source.once('error', (error) => meter.destroy(translate(error)));
  meter.once('close', () => source.destroy());
  return source.pipe(meter);
}

const FILE_READ_BYTES = 1024 * 1024;

/**
 * Size and SHA-256 of a file, read through one buffer: a stream would leave
 * a new Buffer per chunk for the collector, the whole file (34 MB for a
 * million documents) on top of a backup's or restore's peak.
 */
export async function measureFile(filePath: string): Promise<MeasuredContent> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafeSlow(FILE_READ_BYTES);
  let size = 0;
  const file = await open(filePath, 'r');
  try {
    for (let read = await file.read(buffer, 0, buffer.length, null); read.bytesRead > 0; read = await file.read(buffer, 0, buffer.length, null)) {
      hash.update(buffer.subarray(0, read.bytesRead));
      size += read.bytesRead;
    }
  } finally {
    await file.close();
  }
  return { size, sha256: hash.digest('hex') };
}

/** Reads a stream to its end, discarding the bytes; fails with the stream's error. */
export async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _chunk of stream) {
    // Only the end (or the failure) matters.
  }
}

/**
 * Reads a stored backup completely; fails (reason `changed`) when its bytes
 * differ from `expected` or from what the place recorded at write time.
 */
export async function verifyStored(place: StoragePlace, name: string, expected?: ExpectedContent): Promise<void> {
  await drain(await place.openRead(name, expected));
}
