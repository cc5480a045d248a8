import express, { type Router } from 'express';
import type { AppDependencies } from '../app-dependencies.js';
import { backupNameParam } from '../http/request-input.js';
import { adminActor } from '../middleware/current-account.js';
import { pinBackup, unpinBackup } from '../use-cases/pin-backup.js';

/** /admin/api/backups/:name/pin ("Behalten"): behind requireAdmin('api') and the CSRF check. */
export function pinApiRoutes(deps: Pick<AppDependencies, 'manager' | 'audit'>): Router {
  const router = express.Router();
  router.post('/backups/:name/pin', async (req, res) => {
    res.json({ pin: await pinBackup(deps, backupNameParam(req), adminActor(res)) });
  });
  router.delete('/backups/:name/pin', async (req, res) => {
    res.json(await unpinBackup(deps, backupNameParam(req), adminActor(res)));
  });
  return router;
}
