import type { FindCursor } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { ReadAhead } from '../../src/backup/read-ahead.js';

/** A cursor over batches of 10-byte documents; `fail` after that many batches; counts what it was asked. */
function fakeCursor(batches: number, options: { fail?: number } = {}) {
  let served = 0;
  let buffered: Uint8Array[] = [];
  const state = { requests: 0, closed: false };
  const cursor = {
    async hasNext() {
      if (state.closed) return false;
      if (buffered.length > 0) return true;
      state.requests++;
      await new Promise((resolve) => setImmediate(resolve));
      if (options.fail !== undefined && served === options.fail) throw new Error('Lesefehler');
      if (served === batches) return false;
      buffered = [Uint8Array.of(served, 1, 2, 3, 4, 5, 6, 7, 8, 9), Uint8Array.of(served, 0, 0, 0, 0, 0, 0, 0, 0, 0)];
      served++;
      return true;
    },
    readBufferedDocuments() {
      const taken = buffered;
      buffered = [];
      return taken;
    },
    async close() {
      state.closed = true;
    },
  };
  return { cursor: cursor as unknown as FindCursor<Uint8Array>, state };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('ReadAhead', () => {
  it('yields every batch in the order of the cursor, then ends', async () => {
    const { cursor } = fakeCursor(5);
    const seen: number[] = [];
    for await (const batch of new ReadAhead(cursor, 1000).batches()) seen.push(batch[0]![0]!);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('reads ahead without being asked, but stops once the budget of raw bytes waits', async () => {
    const { cursor, state } = fakeCursor(50);
    const reader = new ReadAhead(cursor, 60); // three batches of 20 bytes
    await settle();
    expect(state.requests).toBe(3);
    const batches = reader.batches();
    await batches.next();
    await settle();
    expect(state.requests).toBe(4);
    await reader.close();
  });

  it('throws the cursor error only after the batches read before it', async () => {
    const { cursor } = fakeCursor(5, { fail: 2 });
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const batch of new ReadAhead(cursor, 1000).batches()) seen.push(batch[0]![0]!);
      })(),
    ).rejects.toThrow('Lesefehler');
    expect(seen).toEqual([0, 1]);
  });

  it('does not end as if the collection were complete when it was closed', async () => {
    const { cursor } = fakeCursor(50);
    const reader = new ReadAhead(cursor, 20);
    const batches = reader.batches();
    await batches.next();
    await reader.close();
    const rest = async () => {
      while (!(await batches.next()).done) {
        // The batches read before the close still come.
      }
    };
    await expect(rest()).rejects.toThrow('Lesen abgebrochen');
  });

  it('closes the cursor and stops reading when closed while it waits for room', async () => {
    const { cursor, state } = fakeCursor(50);
    const reader = new ReadAhead(cursor, 20);
    await settle();
    await reader.close();
    const requests = state.requests;
    await settle();
    expect(state.closed).toBe(true);
    expect(state.requests).toBe(requests);
  });
});
