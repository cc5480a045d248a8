import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { nextTurn } from '../../src/shared/event-loop-turn.js';

const MiB = 1024 * 1024;
const inUse = () => getHeapStatistics().used_heap_size + getHeapStatistics().external_memory;

describe('nextTurn', () => {
  it('gives other callbacks a turn', async () => {
    let ran = false;
    setImmediate(() => (ran = true));
    await nextTurn();
    expect(ran).toBe(true);
  });

  it('collects the garbage of a long operation once the heap grew past its budget', async () => {
    await nextTurn();
    const before = inUse();
    expect(allocateStringsAndDrop() - before).toBeGreaterThan(48 * MiB);
    await nextTurn();
    expect(inUse() - before).toBeLessThan(24 * MiB);
  });

  it('counts Buffers outside the heap too: 64 MiB of them make the next turn a full collection', async () => {
    await nextTurn();
    const collected = allocateBuffersAndDrop();
    await nextTurn();
    expect(collected.deref()).toBeUndefined();
  });
});

/** About 100 MiB of short-lived strings, alive long enough to reach the old generation; returns what was in use while they were. */
function allocateStringsAndDrop(): number {
  const garbage = Array.from({ length: 200 }, (_, i) => Array.from({ length: 4000 }, (_, j) => `${i}:${j}:`.padEnd(100, 'x')));
  return garbage.length > 0 ? inUse() : 0;
}

/** 64 MiB in Buffers of 1 MiB (outside the JS heap), dropped; the WeakRef tells whether a collection has run since. */
function allocateBuffersAndDrop(): WeakRef<object> {
  const garbage = Array.from({ length: 64 }, () => Buffer.alloc(MiB, 1));
  expect(garbage).toHaveLength(64);
  return new WeakRef({ garbage: garbage.length });
}
