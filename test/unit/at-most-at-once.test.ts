import { describe, expect, it } from 'vitest';
import { atMostAtOnce } from '../../src/shared/at-most-at-once.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('atMostAtOnce', () => {
  it('runs every item, never more than the limit at the same time', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await atMostAtOnce([1, 2, 3, 4, 5], 2, async (item) => {
      running++;
      most = Math.max(most, running);
      for (let i = 0; i < item; i++) await tick();
      running--;
      done.push(item);
    });
    expect(most).toBe(2);
    expect([...done].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('after a failure starts nothing more, tells the running item to stop, waits for it, and throws the first failure', async () => {
    const started: string[] = [];
    let slowEnded = false;
    let slowSawStop = false;
    const run = atMostAtOnce(['slow', 'fails', 'never'], 2, async (item, stop) => {
      started.push(item);
      if (item === 'fails') {
        await tick();
        throw new Error('insert failed');
      }
      for (let i = 0; i < 20; i++) {
        await tick();
        if (stop.aborted) {
          slowSawStop = true;
          break;
        }
      }
      slowEnded = true;
      stop.throwIfAborted();
    });
    await expect(run).rejects.toThrow('insert failed');
    expect(started).toEqual(['slow', 'fails']);
    expect(slowSawStop).toBe(true);
    expect(slowEnded).toBe(true);
  });

  it('with one lane works strictly in order', async () => {
    const order: number[] = [];
    await atMostAtOnce([3, 1, 2], 1, async (item) => {
      await tick();
      order.push(item);
    });
    expect(order).toEqual([3, 1, 2]);
  });
});
