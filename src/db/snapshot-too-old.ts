/** MongoDB's error code for a read whose snapshot is older than the history the server keeps. */
export const SNAPSHOT_TOO_OLD = 239;

/** Whether the error, or any error it was wrapped around, is SnapshotTooOld. */
export function isSnapshotTooOld(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const { code, codeName } = current as { code?: unknown; codeName?: unknown };
    if (code === SNAPSHOT_TOO_OLD || codeName === 'SnapshotTooOld') return true;
  }
  return false;
}
