import express, { type Router } from 'express';
import type { AppDependencies } from '../app-dependencies.js';
import { adminActor } from '../middleware/current-account.js';
import { previewSettings } from '../use-cases/preview-settings.js';
import { requireSettings, saveSettings } from '../use-cases/save-settings.js';
import { settingsView } from '../use-cases/settings-view.js';

/** /admin/api/settings ("Einstellungen"): behind requireAdmin('api') and the CSRF check. */
export function settingsApiRoutes(deps: Pick<AppDependencies, 'settings' | 'audit' | 'manager'>): Router {
  const router = express.Router();
  router.get('/settings', async (_req, res) => {
    res.json({ settings: settingsView(await requireSettings(deps.settings).current()) });
  });
  router.put('/settings', async (req, res) => {
    res.json({ settings: await saveSettings(deps, req.body, adminActor(res)) });
  });
  router.post('/settings/preview', async (req, res) => {
    res.json({ preview: await previewSettings(deps, req.body) });
  });
  return router;
}
