import express, { type Express } from 'express';
import type { BackupContext } from '../backup/backup-context.js';

export interface AppDependencies {
  readonly backup: BackupContext;
}

/** The Express app; the admin pages and the JSON API mount here. */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', async (_req, res) => {
    const [latest] = await deps.backup.store.list();
    const ageSeconds = latest ? Math.round((deps.backup.clock.now().getTime() - latest.createdAt.getTime()) / 1000) : null;
    res.json({ status: 'ok', lastBackup: latest?.name ?? null, lastBackupAgeSeconds: ageSeconds });
  });
  return app;
}
