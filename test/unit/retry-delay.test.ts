import { describe, expect, it } from 'vitest';
import { MAX_RETRY_MS, retryDelayMs } from '../../src/offsite/retry-delay.js';

describe('retryDelayMs', () => {
  it.each([
    [1, 30_000],
    [2, 60_000],
    [3, 120_000],
    [7, 1_920_000],
    [8, MAX_RETRY_MS],
    [1000, MAX_RETRY_MS],
    [0, 30_000],
  ])('after attempt %d waits %d ms', (attempt, expected) => {
    expect(retryDelayMs(attempt)).toBe(expected);
  });
});
