import express, { type Router } from 'express';
import type { AppDependencies } from '../app-dependencies.js';
import { backupNameParam, identityFromBody, parseCreateBackupBody, parseRestoreBody } from '../http/request-input.js';
import { sendBackupFile } from '../http/send-backup-file.js';
import { uploadSingleFile, uploadedFile } from '../http/upload-file.js';
import { adminActor } from '../middleware/current-account.js';
import { acceptUploadedBackup } from '../use-cases/accept-uploaded-backup.js';
import { listBackupRows } from '../use-cases/backup-rows.js';
import { deleteStoredBackup } from '../use-cases/delete-stored-backup.js';
import { openBackupDownload } from '../use-cases/open-backup-download.js';
import { loadRestorePreview } from '../use-cases/page-models.js';
import { startManualBackup } from '../use-cases/start-backup.js';
import { startRestore } from '../use-cases/start-restore.js';
import { verifyStoredBackup } from '../use-cases/verify-stored-backup.js';

/** /admin/api/backups…: behind requireAdmin('api') and the CSRF check. */
export function backupApiRoutes(deps: AppDependencies): Router {
  const router = express.Router();

  router.get('/backups', async (_req, res) => {
    res.json({ backups: await listBackupRows(deps) });
  });

  router.post('/backups', async (req, res) => {
    const operation = await startManualBackup(deps, adminActor(res), parseCreateBackupBody(req.body));
    res.status(202).location('/admin/api/status').json({ operation });
  });

  router.post('/backups/upload', uploadSingleFile(deps.config.uploadMaxBytes, deps.manager.backupDir), async (req, res) => {
    res.status(201).json(await acceptUploadedBackup(deps, uploadedFile(req), adminActor(res), () => identityFromBody(req.body)));
  });

  router.get('/backups/:name/download', async (req, res) => {
    sendBackupFile(res, await openBackupDownload(deps, backupNameParam(req), adminActor(res)));
  });

  router.post('/backups/:name/verify', async (req, res) => {
    res.json(await verifyStoredBackup(deps, backupNameParam(req), adminActor(res), await identityFromBody(req.body)));
  });

  router.get('/backups/:name/restore-preview', async (req, res) => {
    res.json(await loadRestorePreview(deps, backupNameParam(req)));
  });

  // POST: the key of an encrypted backup travels in the body, never in a URL.
  router.post('/backups/:name/restore-preview', async (req, res) => {
    res.json(await loadRestorePreview(deps, backupNameParam(req), await identityFromBody(req.body)));
  });

  router.post('/backups/:name/restore', async (req, res) => {
    const request = { ...parseRestoreBody(req.body), identities: await identityFromBody(req.body) };
    const operation = await startRestore(deps, backupNameParam(req), request, adminActor(res));
    res.status(202).location('/admin/api/status').json({ operation });
  });

  router.delete('/backups/:name', async (req, res) => {
    res.json(await deleteStoredBackup(deps, backupNameParam(req), adminActor(res), req.query.places));
  });

  return router;
}
