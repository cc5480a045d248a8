/**
 * Runs `work` for each item, at most `limit` at a time. After the first
 * failure no further item starts and `signal` is aborted for those still
 * running; the first failure is thrown once every started item has ended, so
 * nothing is still writing when the caller cleans up.
 */
export async function atMostAtOnce<T>(items: readonly T[], limit: number, work: (item: T, signal: AbortSignal) => Promise<void>): Promise<void> {
  const stop = new AbortController();
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item, stop.signal);
      } catch (error) {
        failure ??= { error };
        stop.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
}
