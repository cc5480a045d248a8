import express, { type Router } from 'express';
import type { AppDependencies } from '../app-dependencies.js';
import { checkHealth } from '../use-cases/check-health.js';

/** GET /healthz, without login. */
export function healthRoutes(deps: AppDependencies): Router {
  const router = express.Router();
  router.get('/healthz', async (_req, res) => {
    const health = await checkHealth(deps);
    res.status(health.status === 'ok' ? 200 : 503).setHeader('Cache-Control', 'no-store').json(health);
  });
  return router;
}
