import type { Config } from '../config/config.js';
import { redactSecrets } from '../shared/app-error.js';

export const REDACTED = '***';

/** age secret keys (X25519 and post-quantum), in either case, wherever they appear. */
const AGE_SECRET_KEY = /AGE-SECRET-KEY-(?:PQ-)?1[0-9A-Z]+/gi;

/**
 * A function that blanks credentials in URLs, age secret keys and every
 * literal secret (longest first, so that a secret containing another is
 * blanked whole).
 */
export function createRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const literals = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  return (text) => {
    let result = redactSecrets(text).replace(AGE_SECRET_KEY, REDACTED);
    for (const secret of literals) result = result.split(secret).join(REDACTED);
    return result;
  };
}

/** The literal secret values of a configuration that must never reach a log or a mail. */
export function secretsFromConfig(
  config: Pick<Config, 'mongodbUri' | 'smtp' | 'adminPassword' | 'sessionSecret'> & Partial<Pick<Config, 'backupPingUrl' | 'metricsToken'>>,
): string[] {
  return [
    config.backupPingUrl,
    config.metricsToken,
    config.smtp?.pass,
    config.adminPassword,
    config.sessionSecret,
    ...urlCredentials(config.mongodbUri),
    ...urlCredentials(config.smtp?.url),
  ].filter((s): s is string => typeof s === 'string' && s.length > 0);
}

/** The `user:password` part of a connection string, and the password alone, raw and decoded. */
function urlCredentials(uri: string | undefined): string[] {
  if (!uri) return [];
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^@/]*)@/i.exec(uri);
  const userInfo = match?.[1];
  if (!userInfo?.includes(':')) return [];
  const password = userInfo.slice(userInfo.indexOf(':') + 1);
  return [userInfo, password, safeDecode(userInfo), safeDecode(password)];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
