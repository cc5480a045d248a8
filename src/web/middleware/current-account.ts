import type { Request, RequestHandler, Response } from 'express';
import type { SessionData } from 'express-session';
import type { Db } from 'mongodb';
import { accountForSession } from '../../auth/authenticate.js';
import { ADMIN_ROLE, type AccountView } from '../../auth/user-accounts.js';
import { AppError } from '../../shared/app-error.js';
import { SESSION_COOKIE, SESSION_LIFETIME_MS, destroySession } from './session.js';

/**
 * Puts the signed-in admin into res.locals.account. A session ends (its
 * document is removed) once its account is gone, has a new password, is no
 * longer an admin, or the login is older than the absolute lifetime.
 */
export function currentAccount(db: Db): RequestHandler {
  return async (req, res, next) => {
    if (!req.session?.account) {
      next();
      return;
    }
    const account = await sessionAccount(db, req.session.account);
    if (account) {
      res.locals.account = account;
    } else {
      await destroySession(req);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
    }
    next();
  };
}

/** The admin a stored session stands for, or undefined once that session must end. */
export async function sessionAccount(db: Db, ref: NonNullable<SessionData['account']>, now = Date.now()): Promise<AccountView | undefined> {
  if (typeof ref.since !== 'number' || now - ref.since > SESSION_LIFETIME_MS) return undefined;
  const account = await accountForSession(db, ref.id, ref.stamp);
  return account && isAdmin(account) ? account : undefined;
}

/**
 * Whether the request's session, as stored now, still stands for an admin
 * (for long-lived answers such as the event stream); one that must end is
 * removed, as currentAccount would on the next request.
 */
export async function sessionStillValid(db: Db, req: Request): Promise<boolean> {
  const store = req.sessionStore;
  const stored = await new Promise<SessionData | null | undefined>((resolve, reject) =>
    store.get(req.sessionID, (error: unknown, session?: SessionData | null) => (error ? reject(error) : resolve(session))),
  );
  if (stored?.account !== undefined && (await sessionAccount(db, stored.account)) !== undefined) return true;
  if (stored) await new Promise<void>((resolve) => store.destroy(req.sessionID, () => resolve()));
  return false;
}

export function signedInAccount(res: Response): AccountView | undefined {
  return res.locals.account as AccountView | undefined;
}

export function isAdmin(account: AccountView | undefined): boolean {
  return account?.role === ADMIN_ROLE;
}

/** The admin's e-mail address, written into the log as the actor. */
export function adminActor(res: Response): string {
  const account = signedInAccount(res);
  if (!account || !isAdmin(account)) throw new AppError('FORBIDDEN', 'Nur Administratoren haben hier Zugriff');
  return account.email;
}
