import path from 'node:path';
import winston from 'winston';
import type { LogReader } from '../automation/automation-contracts.js';
import type { EventSink } from '../backup/backup-events.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { describeBackupEvent } from './event-messages.js';
import { createLogReader } from './log-file-reader.js';
import { LOG_FILE_NAME, formatLogLine } from './log-line.js';
import { createRedactor } from './redact.js';

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
  /** Flushes what was written and closes the file; later writes are dropped. */
  close(): Promise<void>;
}

const CLOSE_TIMEOUT_MS = 5000;

/** auto_backup.log: one line per event, rotated by size so it cannot fill the disk. */
export function createEventLog(options: EventLogOptions): EventLog {
  const clock = options.clock ?? systemClock;
  const redact = createRedactor(options.secrets);
  const filePath = path.join(options.logDir, LOG_FILE_NAME);
  const file = new winston.transports.File({
    dirname: options.logDir,
    filename: LOG_FILE_NAME,
    maxsize: options.maxBytes ?? 5 * 1024 * 1024,
    maxFiles: options.maxFiles ?? 5,
    tailable: true,
  });
  const logger = winston.createLogger({
    level: 'info',
    format: winston.format.printf((info) => String(info.message)),
    transports: [file],
    exitOnError: false,
  });
  // A broken disk must not take the app down; the line is lost, the app goes on.
  logger.on('error', () => undefined);
  file.on('error', () => undefined);

  let closed: Promise<void> | undefined;
  const write = (message: string): void => {
    if (closed) return;
    const line = formatLogLine(clock.now(), options.timeZone, redact(message));
    logger.info(line);
    options.echo?.(line);
  };

  return {
    path: filePath,
    write,
    sink: (event) => {
      const message = describeBackupEvent(event);
      if (message) write(message);
    },
    reader: createLogReader(filePath),
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
        file.once('finish', () => {
          clearTimeout(timer);
          resolve();
        });
        logger.end();
      })),
  };
}
