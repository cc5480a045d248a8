import { TextDecoder } from 'node:util';

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into UTF-8 lines without ever holding more than
 * `maxLineBytes` of one line, so a huge single line cannot exhaust memory.
 */
export async function* splitLines(chunks: AsyncIterable<Buffer>, maxLineBytes: number): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of chunks) {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      const part = chunk.subarray(start, newline);
      if (pendingBytes + part.length > maxLineBytes) throw lineTooLong(maxLineBytes);
      const bytes = pendingBytes === 0 ? part : Buffer.concat([...pending, part]);
      pending = [];
      pendingBytes = 0;
      yield decode(decoder, bytes);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      pendingBytes += rest.length;
      if (pendingBytes > maxLineBytes) throw lineTooLong(maxLineBytes);
      pending.push(rest);
    }
  }
  if (pendingBytes > 0) yield decode(decoder, Buffer.concat(pending));
}

function decode(decoder: TextDecoder, bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new Error('ungültiges UTF-8');
  }
}

function lineTooLong(max: number): Error {
  return new Error(`eine Zeile ist länger als ${Math.round(max / 1024 / 1024)} MiB`);
}
