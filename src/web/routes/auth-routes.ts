import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { AccountView } from '../../auth/user-accounts.js';
import type { AppDependencies } from '../app-dependencies.js';
import { parseLoginBody, safeNextPath } from '../http/request-input.js';
import { CSRF_COOKIE, csrfProtection, csrfToken } from '../middleware/csrf.js';
import { isAdmin, signedInAccount } from '../middleware/current-account.js';
import { DEFAULT_LOGIN_LIMIT, loginRateLimits } from '../middleware/login-rate-limits.js';
import { wantsJson } from '../middleware/error-handler.js';
import { SESSION_COOKIE, destroySession, regenerateSession, saveSession } from '../middleware/session.js';
import { signIn } from '../use-cases/sign-in.js';

/** /login, /logout and GET /api/session (the CSRF token for scripts). */
export function authRoutes(deps: AppDependencies): Router {
  const router = express.Router();
  const loginLimits = loginRateLimits(deps.db, deps.loginRateLimit ?? DEFAULT_LOGIN_LIMIT, (req, res, message) => {
    const { email, next } = parseLoginBody(req.body);
    refuseLogin(req, res, 429, 'RATE_LIMITED', message, email, next);
  });

  router.get('/login', (req, res) => {
    const next = safeNextPath(req.query.next);
    if (isAdmin(signedInAccount(res))) {
      res.redirect(next);
      return;
    }
    renderLogin(req, res, 200, { next });
  });

  router.post('/login', ...loginLimits.check, csrfProtection, async (req, res) => {
    const input = parseLoginBody(req.body);
    const account = await signIn(deps, input.email, input.password);
    if (!account) {
      refuseLogin(req, res, 401, 'UNAUTHENTICATED', 'E-Mail-Adresse oder Passwort ist falsch.', input.email, input.next);
      return;
    }
    await loginLimits.succeeded(req);
    await regenerateSession(req);
    req.session.account = { id: account.id, stamp: account.stamp, since: Date.now() };
    const token = csrfToken(req, res, true);
    await saveSession(req);
    res.clearCookie(CSRF_COOKIE, { path: '/' });
    if (wantsJson(req)) res.json({ account: publicAccount(account), csrfToken: token });
    else res.redirect(303, input.next);
  });

  // Without a session there is nothing to end (nor a token to check): the answer is the same.
  const csrfIfSignedIn: RequestHandler = (req, res, next) => (req.session?.account ? csrfProtection(req, res, next) : next());
  router.post('/logout', csrfIfSignedIn, async (req, res) => {
    const account = signedInAccount(res);
    if (account) deps.audit(`Abmeldung: ${account.email}`);
    if (req.session) await destroySession(req);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    if (wantsJson(req)) res.status(204).end();
    else res.redirect(303, '/login');
  });

  router.get('/api/session', (req, res) => {
    const account = signedInAccount(res);
    res.json({ account: account ? publicAccount(account) : null, csrfToken: csrfToken(req, res) });
  });

  return router;
}

function publicAccount(account: AccountView) {
  return { email: account.email, name: account.name, role: account.role, admin: isAdmin(account) };
}

function renderLogin(req: Request, res: Response, status: number, view: { next: string; email?: string; message?: string }): void {
  res.status(status).render('login', { title: 'Anmelden', csrfToken: csrfToken(req, res), email: '', message: undefined, ...view });
}

function refuseLogin(req: Request, res: Response, status: number, code: string, message: string, email = '', next = '/admin'): void {
  if (wantsJson(req)) res.status(status).json({ error: { code, message } });
  else renderLogin(req, res, status, { next, email, message });
}
