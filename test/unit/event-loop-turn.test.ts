import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { nextTurn } from '../../src/shared/event-loop-turn.js';

describe('nextTurn', () => {
  it('gives other callbacks a turn', async () => {
    let ran = false;
    setImmediate(() => (ran = true));
    await nextTurn();
    expect(ran).toBe(true);
  });

  it('collects the garbage of a long operation once the heap grew past its budget', async () => {
    await nextTurn();
    const before = getHeapStatistics().used_heap_size;
    expect(allocateAndDrop() - before).toBeGreaterThan(48 * 1024 * 1024);
    await nextTurn();
    expect(getHeapStatistics().used_heap_size - before).toBeLessThan(24 * 1024 * 1024);
  });
});

/** About 100 MiB of short-lived strings, alive long enough to reach the old generation; returns the heap used while they were. */
function allocateAndDrop(): number {
  const garbage = Array.from({ length: 200 }, (_, i) => Array.from({ length: 4000 }, (_, j) => `${i}:${j}:`.padEnd(100, 'x')));
  return garbage.length > 0 ? getHeapStatistics().used_heap_size : 0;
}
