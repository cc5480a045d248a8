import { describe, expect, it } from 'vitest';
import { joinSlices } from '../../src/restore/insert-batches.js';

async function* from<T>(slices: T[][]): AsyncGenerator<T[]> {
  yield* slices;
}

async function collect<T>(batches: AsyncIterable<T[]>): Promise<T[][]> {
  const seen: T[][] = [];
  for await (const batch of batches) seen.push(batch);
  return seen;
}

describe('joinSlices', () => {
  it.each([
    ['none', [], 4, []],
    ['fewer slices than a batch', [[1, 2], [3]], 4, [[1, 2, 3]]],
    ['exactly one batch', [[1], [2], [3], [4]], 4, [[1, 2, 3, 4]]],
    ['a batch and a rest', [[1], [2, 3], [4], [5], [6]], 2, [[1, 2, 3], [4, 5], [6]]],
    ['one slice per batch', [[1, 2], [3]], 1, [[1, 2], [3]]],
  ])('%s', async (_, slices: number[][], perBatch: number, expected: number[][]) => {
    expect(await collect(joinSlices(from(slices), perBatch))).toEqual(expected);
  });

  it('gives the event loop a turn after each slice', async () => {
    const order: string[] = [];
    async function* slices() {
      for (const n of [1, 2, 3]) {
        order.push(`slice ${n}`);
        setImmediate(() => order.push(`turn after ${n}`));
        yield [n];
      }
    }
    await collect(joinSlices(slices(), 3));
    expect(order).toEqual(['slice 1', 'turn after 1', 'slice 2', 'turn after 2', 'slice 3', 'turn after 3']);
  });
});
