import type { Request } from 'express';
import { z } from 'zod';
import { parseBackupName } from '../../archive/backup-name.js';
import { parseIdentityText, userInput } from '../../config/encryption-config.js';
import type { AgeIdentities } from '../../crypto/age-identities.js';
import { AppError } from '../../shared/app-error.js';
import { isControlCharacter } from '../use-cases/log-text.js';
import type { RestoreRequest } from '../use-cases/start-restore.js';

/** The :name of a backup route; anything parseBackupName refuses (`..`, slashes, other files) is a 400. */
export function backupNameParam(req: Request): string {
  const name = req.params.name;
  if (typeof name !== 'string' || !parseBackupName(name)) throw new AppError('INVALID_INPUT', 'Kein gültiger Backup-Name');
  return name;
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown, message: string): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
    throw new AppError('INVALID_INPUT', `${message}${where}`);
  }
  return result.data;
}

const createBackupBody = z.object({ mail: z.boolean().optional() });

export function parseCreateBackupBody(body: unknown): { mail: boolean } {
  return { mail: parseBody(createBackupBody, body, 'Ungültige Anfrage: erwartet {mail?: boolean}').mail ?? false };
}

const restoreBody = z.object({
  collections: z.array(z.string().min(1).max(120)).max(200).optional(),
  confirm: z.literal(true, { message: 'Die Wiederherstellung ersetzt Daten und muss bestätigt werden (confirm: true)' }),
  confirmIndexes: z.boolean().optional(),
});

/** The one confirmation check of a restore from the web: without `confirm: true` it is refused here. */
export function parseRestoreBody(body: unknown): RestoreRequest {
  const data = parseBody(restoreBody, body, 'Ungültige Anfrage: erwartet {collections?: string[], confirm: true, confirmIndexes?: boolean}');
  return { collections: data.collections, confirmIndexes: data.confirmIndexes ?? false };
}

const drillBody = z.object({
  name: z.string().refine((name) => parseBackupName(name) !== undefined, 'kein gültiger Backup-Name').optional(),
});

/** POST /admin/api/drill: `{name?}`, without a name the newest backup. */
export function parseDrillBody(body: unknown): { name: string | undefined } {
  return { name: parseBody(drillBody, body, 'Ungültige Anfrage: erwartet {name?: Backup-Name}').name };
}

/** A pasted or uploaded key file is a few lines; anything larger is the wrong text. */
const MAX_IDENTITY_CHARS = 64 * 1024;

/**
 * `identity` of a JSON body: the text of an age key file (`AGE-SECRET-KEY-1…`
 * lines), pasted or read from a file by the page, for this one request. Absent
 * or blank: undefined. A bad text is a 400 that names the line, never repeats it.
 */
export async function identityFromBody(body: unknown): Promise<AgeIdentities | undefined> {
  const text = (body as { identity?: unknown } | undefined)?.identity;
  if (text === undefined || text === null) return undefined;
  if (typeof text !== 'string' || text.length > MAX_IDENTITY_CHARS) throw new AppError('INVALID_INPUT', 'Der Schlüssel (identity) muss der Text einer age-Schlüsseldatei sein');
  if (text.trim() === '') return undefined;
  return parseIdentityText(text.replace(/\r\n?/g, '\n'), userInput('Schlüssel'));
}

export function parseLogLines(query: Request['query']): number | undefined {
  const raw = query.lines;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,6}$/.test(raw)) throw new AppError('INVALID_INPUT', 'lines muss eine ganze Zahl sein');
  return Number(raw);
}

export function parseLoginBody(body: unknown): { email: string; password: string; next: string } {
  const fields = (body ?? {}) as Record<string, unknown>;
  const text = (value: unknown, max: number) => (typeof value === 'string' ? value.slice(0, max) : '');
  return { email: text(fields.email, 254).trim(), password: text(fields.password, 1024), next: safeNextPath(fields.next) };
}

/** Where to go after login: an admin page of this site only, never `//other.host`, a URL or /login itself. */
export function safeNextPath(value: unknown): string {
  if (typeof value !== 'string' || !/^\/admin(\/|\?|$)/.test(value)) return '/admin';
  if (value.length > 500 || value.includes('\\') || [...value].some(isControlCharacter)) return '/admin';
  return value;
}
