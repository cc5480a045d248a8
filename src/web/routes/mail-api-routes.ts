import express, { type Router } from 'express';
import type { AppDependencies } from '../app-dependencies.js';
import { adminActor } from '../middleware/current-account.js';
import { sendAdminTestMail } from '../use-cases/send-test-mail.js';

/** POST /admin/api/mail/test: behind requireAdmin('api') and the CSRF check. */
export function mailApiRoutes(deps: Pick<AppDependencies, 'testMail'>): Router {
  const router = express.Router();

  router.post('/mail/test', async (_req, res) => {
    const result = await sendAdminTestMail(deps, adminActor(res));
    if (result.sent) {
      res.json({ sent: true, recipients: result.recipients, subject: result.subject, response: result.response });
      return;
    }
    // Mail off or nobody to send to is the setup's state (409); an SMTP server that failed is a bad gateway (502).
    const status = result.problem === 'mail-off' || result.problem === 'no-recipients' ? 409 : 502;
    res.status(status).json({ error: { code: 'MAIL_FAILED', message: result.message, problem: result.problem, recipients: result.recipients } });
  });

  return router;
}
