import path from 'node:path';
import type { EventSink } from '../backup/backup-events.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { describeBackupEvent } from './event-messages.js';
import { createLogReader, type LogReader } from './log-file-reader.js';
import { LOG_FILE_NAME, formatLogLine } from './log-line.js';
import { createRedactor } from './redact.js';
import { RotatingLogFile } from './rotating-log-file.js';

export interface EventLogOptions {
  readonly logDir: string;
  readonly timeZone: string;
  /** Literal values that must never appear (passwords, secrets); URL credentials are always blanked. */
  readonly secrets: readonly (string | undefined)[];
  readonly clock?: Clock;
  /** Rotate when the file reaches this size (default 5 MiB). */
  readonly maxBytes?: number;
  /** How many files to keep, the current one included (default 5). */
  readonly maxFiles?: number;
  /** Also hand every finished line to this function (e.g. console.log). */
  readonly echo?: (line: string) => void;
}

export interface EventLog {
  readonly path: string;
  /** Writes one line `[YYYY-MM-DD HH:MM:SS] message`, secrets blanked. */
  write(message: string): void;
  /** Engine events as German log lines. */
  readonly sink: EventSink;
  readonly reader: LogReader;
  /** Later writes are dropped. (Every line is on disk once `write` returns.) */
  close(): Promise<void>;
}

/**
 * auto_backup.log: one line per event, rotated by size so it cannot fill the
 * disk. Several processes (app instances, the CLI) may write to it at once.
 */
export function createEventLog(options: EventLogOptions): EventLog {
  const clock = options.clock ?? systemClock;
  const redact = createRedactor(options.secrets);
  const filePath = path.join(options.logDir, LOG_FILE_NAME);
  const maxFiles = options.maxFiles ?? 5;
  const file = new RotatingLogFile({ path: filePath, maxBytes: options.maxBytes ?? 5 * 1024 * 1024, maxFiles });

  let closed = false;
  const write = (message: string): void => {
    if (closed) return;
    const line = formatLogLine(clock.now(), options.timeZone, redact(message));
    try {
      file.append(line);
    } catch {
      // A broken disk must not take the app down; the line is lost, the app goes on.
    }
    options.echo?.(line);
  };

  return {
    path: filePath,
    write,
    sink: (event) => {
      const message = describeBackupEvent(event);
      if (message) write(message);
    },
    reader: createLogReader(filePath, maxFiles),
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
}
