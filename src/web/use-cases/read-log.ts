import type { AppDependencies } from '../app-dependencies.js';

export const DEFAULT_LOG_LINES = 200;
export const MAX_LOG_LINES = 2000;

/** The newest lines of auto_backup.log, oldest first. */
export async function readLog(deps: Pick<AppDependencies, 'logReader'>, requested: number | undefined): Promise<{ lines: string[] }> {
  const lines = Math.min(Math.max(Math.trunc(requested ?? DEFAULT_LOG_LINES), 1), MAX_LOG_LINES);
  return { lines: await deps.logReader.tail(lines) };
}
