import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * How far the heap and the memory outside it (Buffers, zlib) may grow above
 * what was in use at the first turn or after the last collection before a
 * long operation asks for a full one. V8 lets a young process's old
 * generation fill with about 128 MiB of short-lived garbage (converted lines,
 * parsed documents) before it collects on its own, which alone would take a
 * backup or restore past 200 MiB of RSS.
 */
const GROWTH_BYTES = 48 * 1024 * 1024;

type Collect = (options: { type: 'major'; execution: 'async' }) => Promise<void>;
let collect: Collect | undefined;
let ceiling: number | undefined;

/**
 * Gives the event loop a turn between two slices of a long operation, so the
 * pages stay responsive; when memory has grown past its budget, the turn is
 * a full collection run as a task of its own, which keeps memory flat while
 * thousands of documents stream through.
 */
export async function nextTurn(): Promise<void> {
  ceiling ??= inUse() + GROWTH_BYTES;
  if (inUse() < ceiling) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return;
  }
  await collector()({ type: 'major', execution: 'async' });
  ceiling = inUse() + GROWTH_BYTES;
}

function inUse(): number {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
}

function collector(): Collect {
  if (!collect) {
    // The same collector `node --expose-gc` offers, reached without a command-line flag.
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as Collect;
  }
  return collect;
}
