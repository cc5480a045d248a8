import { formatWallTime } from '../shared/wall-clock.js';

export const LOG_FILE_NAME = 'auto_backup.log';

/** One line of auto_backup.log: `[YYYY-MM-DD HH:MM:SS] message`. */
export const LOG_LINE_PATTERN = /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] \S.*$/;

/** `YYYY-MM-DD HH:MM:SS` of `at` on the wall clock of `timeZone`. */
export function formatLocalTimestamp(at: Date, timeZone: string): string {
  return formatWallTime(at, timeZone);
}

/** `YYYY-MM-DD HH:MM` of `at` in `timeZone`, for texts people read. */
export function formatLocalMinute(at: Date, timeZone: string): string {
  return formatLocalTimestamp(at, timeZone).slice(0, 16);
}

/** The message squeezed onto one line, so that every event is exactly one line. */
export function oneLine(message: string): string {
  const flat = message.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return flat === '' ? '(leer)' : flat;
}

export function formatLogLine(at: Date, timeZone: string, message: string): string {
  return `[${formatLocalTimestamp(at, timeZone)}] ${oneLine(message)}`;
}
