import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * How far the heap may grow above what was live after the last collection
 * before a long operation asks for a full one. V8 lets a young process's old
 * generation fill with about 128 MiB of short-lived garbage (converted lines,
 * parsed documents) before it collects on its own, which alone would take a
 * backup or restore past 200 MiB of RSS.
 */
const HEAP_GROWTH_BYTES = 48 * 1024 * 1024;

type Collect = (options: { type: 'major'; execution: 'async' }) => Promise<void>;
let collect: Collect | undefined;
let heapCeiling = getHeapStatistics().used_heap_size + HEAP_GROWTH_BYTES;

/**
 * Gives the event loop a turn between two slices of a long operation, so the
 * pages stay responsive; when the heap has grown past its budget, the turn is
 * a full collection run as a task of its own (a few ms), which keeps memory
 * flat while thousands of documents stream through.
 */
export async function nextTurn(): Promise<void> {
  if (getHeapStatistics().used_heap_size < heapCeiling) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return;
  }
  await collector()({ type: 'major', execution: 'async' });
  heapCeiling = getHeapStatistics().used_heap_size + HEAP_GROWTH_BYTES;
}

function collector(): Collect {
  if (!collect) {
    // The same collector `node --expose-gc` offers, reached without a command-line flag.
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as Collect;
  }
  return collect;
}
