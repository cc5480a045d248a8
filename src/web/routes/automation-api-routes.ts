import express, { type Router } from 'express';
import type { AppDependencies } from '../app-dependencies.js';
import { streamOperationEvents } from '../http/operation-events.js';
import { parseDrillBody, parseLogLines } from '../http/request-input.js';
import { adminActor, sessionStillValid } from '../middleware/current-account.js';
import { loadStatus } from '../use-cases/load-status.js';
import { readLog } from '../use-cases/read-log.js';
import { loadDrillView, runDrillNow } from '../use-cases/restore-drill.js';
import { switchScheduler } from '../use-cases/switch-scheduler.js';

/** How often a live event stream asks whether its session still stands. */
const SESSION_CHECK_MS = 5000;

/** /admin/api status, progress events, scheduler and log: behind requireAdmin('api') and the CSRF check. */
export function automationApiRoutes(deps: AppDependencies): Router {
  const router = express.Router();

  router.get('/status', async (_req, res) => {
    res.json(await loadStatus(deps));
  });

  router.get('/operations/events', (req, res) => {
    const guard = { stillAllowed: () => sessionStillValid(deps.db, req), checkMs: deps.sessionCheckMs ?? SESSION_CHECK_MS };
    streamOperationEvents(req, res, deps.tracker, guard);
  });

  router.post('/scheduler/start', async (_req, res) => {
    res.json({ scheduler: await switchScheduler(deps, true, adminActor(res)) });
  });

  router.post('/scheduler/stop', async (_req, res) => {
    res.json({ scheduler: await switchScheduler(deps, false, adminActor(res)) });
  });

  router.get('/drill', async (_req, res) => {
    res.json(await loadDrillView(deps));
  });

  router.post('/drill', async (req, res) => {
    res.json({ drill: await runDrillNow(deps, parseDrillBody(req.body).name, adminActor(res)) });
  });

  router.get('/log', async (req, res) => {
    res.json(await readLog(deps, parseLogLines(req.query)));
  });

  return router;
}
