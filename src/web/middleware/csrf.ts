import { createHmac } from 'node:crypto';
import { doubleCsrf, type DoubleCsrfUtilities } from 'csrf-csrf';
import { csrfSync } from 'csrf-sync';
import type { Request, RequestHandler, Response } from 'express';

/**
 * Two kinds of CSRF token, so that nobody gets a session before login:
 * - signed in: a synchronizer token kept in the session (csrf-sync);
 * - anonymous (the login form, GET /api/session): a signed double-submit
 *   cookie (csrf-csrf), HttpOnly and SameSite=Strict, nothing stored.
 * Both are sent the same way: header x-csrf-token or form field _csrf.
 */
export const CSRF_COOKIE = 'scandy_backup.csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const tokenFromRequest = (req: Request): string | undefined => {
  const header = req.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const field = (req.body as Record<string, unknown> | undefined)?._csrf;
  return typeof field === 'string' ? field : undefined;
};

const synchronizer = csrfSync({ getTokenFromRequest: tokenFromRequest });

/** The double-submit helpers of this request's app, set by prepareCsrf. */
const anonymousCsrf = new WeakMap<Request, DoubleCsrfUtilities>();

function isSignedIn(req: Request): boolean {
  return req.session?.account !== undefined;
}

/**
 * Readies the anonymous tokens of one app; its key is derived from the
 * session secret, which may first have to be read from the database.
 * Needs cookie-parser before it.
 */
export function prepareCsrf(sessionSecret: () => Promise<string>): RequestHandler {
  let ready: Promise<DoubleCsrfUtilities> | undefined;
  const build = async (): Promise<DoubleCsrfUtilities> => {
    const key = createHmac('sha256', await sessionSecret()).update('scandy-backup anonymous csrf').digest('hex');
    return doubleCsrf({
      getSecret: () => key,
      getSessionIdentifier: () => 'anonymous',
      cookieName: CSRF_COOKIE,
      cookieOptions: { sameSite: 'strict', httpOnly: true, path: '/', secure: false },
      getCsrfTokenFromRequest: tokenFromRequest,
    });
  };
  return (req, _res, next) => {
    ready ??= build().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    ready.then((utils) => {
      anonymousCsrf.set(req, utils);
      next();
    }, next);
  };
}

/** Refuses POST, PUT, PATCH and DELETE without the right token (header x-csrf-token or form field _csrf). */
export const csrfProtection: RequestHandler = (req, res, next) => {
  if (isSignedIn(req)) {
    synchronizer.csrfSynchronisedProtection(req, res, next);
    return;
  }
  const utils = anonymousUtils(req);
  if (SAFE_METHODS.has(req.method) || utils.validateRequest(req)) next();
  else next(utils.invalidCsrfTokenError);
};

/**
 * The token to put into a page or an answer: the session's once signed in
 * (`renew` after login replaces any earlier one), else the anonymous one,
 * whose cookie is set on `res` (Secure over HTTPS).
 */
export function csrfToken(req: Request, res: Response, renew = false): string {
  if (isSignedIn(req)) return synchronizer.generateToken(req, renew);
  return anonymousUtils(req).generateCsrfToken(req, res, { overwrite: renew, cookieOptions: { secure: req.secure } });
}

export function isCsrfError(error: unknown): boolean {
  return error === synchronizer.invalidCsrfTokenError || (error as { code?: unknown } | undefined)?.code === 'EBADCSRFTOKEN';
}

function anonymousUtils(req: Request): DoubleCsrfUtilities {
  const utils = anonymousCsrf.get(req);
  if (!utils) throw new Error('prepareCsrf must run before CSRF tokens are used');
  return utils;
}
