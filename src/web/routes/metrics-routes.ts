import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import type { AppDependencies } from '../app-dependencies.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * GET /metrics in the Prometheus text format, without a session: with
 * METRICS_TOKEN only for `Authorization: Bearer <token>`, otherwise only for
 * loopback clients. The socket's address decides, never X-Forwarded-For.
 */
export function metricsRoutes(deps: Pick<AppDependencies, 'metrics' | 'disk' | 'config'>): Router {
  const router = express.Router();
  router.get('/metrics', async (req, res) => {
    const { metrics } = deps;
    if (!metrics) {
      res.status(404).json({ error: { code: 'NOT_FOUND', message: 'Metriken sind in diesem Prozess nicht eingerichtet' } });
      return;
    }
    const refusal = refusalFor(req, deps.config.metricsToken);
    if (refusal) {
      res.status(refusal.status).json({ error: refusal });
      return;
    }
    const disk = await deps.disk?.assess().catch(() => undefined);
    if (disk) metrics.setDiskSpace(disk);
    res.status(200).setHeader('Cache-Control', 'no-store').type(metrics.contentType).send(await metrics.text());
  });
  return router;
}

function refusalFor(req: Request, token: string | undefined): { status: number; code: string; message: string } | undefined {
  if (token) {
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    return given !== undefined && sameSecret(given, token)
      ? undefined
      : { status: 401, code: 'UNAUTHENTICATED', message: 'Für /metrics ist "Authorization: Bearer METRICS_TOKEN" nötig' };
  }
  return LOOPBACK.has(req.socket.remoteAddress ?? '')
    ? undefined
    : { status: 403, code: 'FORBIDDEN', message: '/metrics antwortet ohne METRICS_TOKEN nur auf Anfragen vom selben Rechner' };
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
