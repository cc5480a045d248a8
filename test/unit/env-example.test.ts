import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { projectRoot } from '../../src/shared/project.js';

describe('.env.example', () => {
  const text = readFileSync(path.join(projectRoot, '.env.example'), 'utf8');

  it('is a valid configuration as it stands', () => {
    expect(() => loadConfig(parseEnv(text) as NodeJS.ProcessEnv)).not.toThrow();
  });

  it('lists every variable of the contract', () => {
    const names = Object.keys(parseEnv(text));
    for (const name of [
      'MONGODB_URI', 'MONGODB_DB', 'PORT', 'HOST', 'BACKUP_DIR', 'LOG_DIR', 'BACKUP_TIMES', 'BACKUP_TIMEZONE', 'BACKUP_KEEP',
      'BACKUP_COLLECTIONS', 'SMTP_URL', 'SMTP_HOST', 'SMTP_PORT', 'SMTP_SECURE', 'SMTP_USER', 'SMTP_PASS', 'SMTP_TLS', 'MAIL_FROM', 'BACKUP_ENCRYPTION_RECIPIENTS', 'BACKUP_ENCRYPTION_IDENTITY_FILE',
      'MAIL_ATTACH_MAX_MB', 'BACKUP_MIN_FREE_MB', 'BACKUP_PING_URL', 'METRICS_TOKEN', 'SESSION_SECRET', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'BACKUP_S3_URL', 'BACKUP_S3_KEEP', 'BACKUP_S3_FORCE_PATH_STYLE',
    ]) {
      expect(names).toContain(name);
    }
  });
});
