import { z } from 'zod';

/**
 * Validators shared by the environment (config.ts, strings) and the admin's
 * settings (settings-schema.ts, JSON): one rule and one German message per
 * value, whichever way it arrives.
 */

export const emptyToUndefined = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

export const DEFAULT_BACKUP_TIMES = '06:00,18:00';
export const DEFAULT_TIMEZONE = 'Europe/Berlin';
/** BACKUP_MIN_FREE_MB: a backup starts only with at least this many MB free (and twice the newest archive). */
export const DEFAULT_MIN_FREE_MB = 100;
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;
export const TIMES_MESSAGE = 'muss eine kommagetrennte Liste von Uhrzeiten HH:MM sein (00:00 bis 23:59)';
const TIMEZONE_MESSAGE = 'muss eine IANA-Zeitzone wie Europe/Berlin sein';
const POSITIVE_MESSAGE = 'muss eine positive Zahl sein';
export const EMAIL_MESSAGE = 'muss eine E-Mail-Adresse sein';

const wholeMessage = (min: number, max: number) => `muss eine ganze Zahl von ${min} bis ${max} sein`;

/** An integer from `min` to `max`. */
export const wholeNumberIn = (min: number, max: number) =>
  z
    .number(wholeMessage(min, max))
    .int(wholeMessage(min, max))
    .min(min, `muss mindestens ${min} sein`)
    .max(max, `darf höchstens ${max} sein`);

/** A number above zero. */
export const positiveNumberValue = z.number(POSITIVE_MESSAGE).positive(POSITIVE_MESSAGE).finite(POSITIVE_MESSAGE);

/** Times of day "HH:MM", at least one; sorted, each once. */
export const backupTimeList = z
  .array(z.string(TIMES_MESSAGE).trim(), TIMES_MESSAGE)
  .refine((times) => times.length > 0 && times.every((t) => TIME_OF_DAY.test(t)), { message: TIMES_MESSAGE })
  .transform((times) => [...new Set(times)].sort());

export const splitList = (raw: string): string[] => raw.split(',').map((part) => part.trim());

export const timeZoneName = z.string(TIMEZONE_MESSAGE).refine(isKnownTimeZone, { message: TIMEZONE_MESSAGE });

/** Restore drill schedule (BACKUP_DRILL). */
export const DRILL_SCHEDULES = ['daily', 'weekly', 'off'] as const;
export type DrillSchedule = (typeof DRILL_SCHEDULES)[number];
export const drillSchedule = z.enum(DRILL_SCHEDULES, { message: 'muss daily, weekly oder off sein' });

export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// --- The same rules for environment variables (strings; empty means unset) ---

export const wholeNumber = (min: number, max: number, fallback: number) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d+$/, wholeMessage(min, max))
      .transform(Number)
      .pipe(wholeNumberIn(min, max))
      .default(fallback),
  );

export const positiveNumber = (fallback: number) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?$/, POSITIVE_MESSAGE)
      .transform(Number)
      .pipe(positiveNumberValue)
      .default(fallback),
  );

export const backupTimes = z.preprocess(emptyToUndefined, z.string().default(DEFAULT_BACKUP_TIMES).transform(splitList).pipe(backupTimeList));

export const timezone = z.preprocess(emptyToUndefined, z.string().default(DEFAULT_TIMEZONE).pipe(timeZoneName));
