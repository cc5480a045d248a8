import express, { type Router } from 'express';
import type { AppDependencies } from '../app-dependencies.js';
import { backupNameParam } from '../http/request-input.js';
import { sendBackupFile } from '../http/send-backup-file.js';
import { csrfToken } from '../middleware/csrf.js';
import { adminActor } from '../middleware/current-account.js';
import { openBackupDownload } from '../use-cases/open-backup-download.js';
import { loadDiskView } from '../use-cases/disk-view.js';
import { loadSettingsView } from '../use-cases/settings-view.js';
import { loadAutoBackupPage, loadBackupsPage, loadDashboard, loadRestorePage } from '../use-cases/page-models.js';

/** The admin pages under /admin, behind requireAdmin('page'). Their buttons call the JSON API. */
export function pageRoutes(deps: AppDependencies): Router {
  const router = express.Router();

  router.use((req, res, next) => {
    res.locals.csrfToken = csrfToken(req, res);
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.get('/', async (_req, res) => {
    res.render('dashboard', { title: 'Übersicht', page: 'dashboard', ...(await loadDashboard(deps)), disk: await loadDiskView(deps) });
  });

  router.get('/backups', async (_req, res) => {
    res.render('backups', { title: 'Alle Backups', page: 'backups', ...(await loadBackupsPage(deps)) });
  });

  router.get('/backups/:name/restore', async (req, res) => {
    res.render('restore', { title: 'Wiederherstellen', page: 'backups', ...(await loadRestorePage(deps, backupNameParam(req))) });
  });

  router.get('/backups/:name/download', async (req, res) => {
    sendBackupFile(res, await openBackupDownload(deps, backupNameParam(req), adminActor(res)));
  });

  router.get('/auto-backup', async (_req, res) => {
    res.render('auto-backup', {
      title: 'Automatisches Backup',
      page: 'auto-backup',
      ...(await loadAutoBackupPage(deps)),
      disk: await loadDiskView(deps),
      settings: await loadSettingsView(deps),
    });
  });

  return router;
}
