import { nextTurn } from '../shared/event-loop-turn.js';

/**
 * Joins slices of parsed documents into insert batches of `slicesPerBatch`
 * slices (the last one may be smaller), giving the event loop a turn after
 * each slice: parsing stays in short steps while the server gets batches
 * large enough to be cheap per document.
 */
export async function* joinSlices<T>(slices: AsyncIterable<T[]>, slicesPerBatch: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  let joined = 0;
  for await (const slice of slices) {
    batch = joined === 0 ? slice : batch.concat(slice);
    joined++;
    if (joined >= slicesPerBatch) {
      yield batch;
      batch = [];
      joined = 0;
    }
    await nextTurn();
  }
  if (joined > 0) yield batch;
}
