export const LOG_FILE_NAME = 'auto_backup.log';

/** One line of auto_backup.log: `[YYYY-MM-DD HH:MM:SS] message`. */
export const LOG_LINE_PATTERN = /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] \S.*$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** `YYYY-MM-DD HH:MM:SS` of `at` on the wall clock of `timeZone`. */
export function formatLocalTimestamp(at: Date, timeZone: string): string {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(at)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
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
