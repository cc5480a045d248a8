/** The first retry of a failed copy waits this long; each further one twice as long as the one before. */
export const FIRST_RETRY_MS = 30_000;
/** No retry waits longer than this. */
export const MAX_RETRY_MS = 60 * 60_000;

/** How long to wait after the `attempt`-th failed attempt (1, 2, …) before the next one. */
export function retryDelayMs(attempt: number): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** exponent);
}
