import { lineSizeProblem } from './archive-format.js';

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines (bytes, not yet decoded) without ever
 * holding more than the archive's line limit of one line, so a huge single
 * line cannot exhaust memory.
 */
export async function* splitLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of chunks) {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      const part = chunk.subarray(start, newline);
      checkLineSize(pendingBytes + part.length);
      const bytes = pendingBytes === 0 ? part : Buffer.concat([...pending, part]);
      pending = [];
      pendingBytes = 0;
      yield bytes;
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      pendingBytes += rest.length;
      checkLineSize(pendingBytes);
      pending.push(rest);
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}

function checkLineSize(bytes: number): void {
  const problem = lineSizeProblem(bytes);
  if (problem) throw new Error(`eine Zeile ist ${problem}`);
}
