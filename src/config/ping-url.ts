import { AppError } from '../shared/app-error.js';

const VARIABLE = 'BACKUP_PING_URL';

/** Reads BACKUP_PING_URL; a bad value throws one German line that never repeats the value (it may hold a token). */
export function parsePingUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new AppError('CONFIG_INVALID', `Ungültige Konfiguration: ${VARIABLE} ist keine gültige URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('CONFIG_INVALID', `Ungültige Konfiguration: ${VARIABLE} muss mit http:// oder https:// beginnen`);
  }
  return url;
}
