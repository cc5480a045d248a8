import type { RequestHandler, Response } from 'express';
import type { Db } from 'mongodb';
import { accountForSession } from '../../auth/authenticate.js';
import { ADMIN_ROLE, type AccountView } from '../../auth/user-accounts.js';
import { AppError } from '../../shared/app-error.js';

/** Puts the signed-in account into res.locals.account; forgets a session whose account is gone or has a new password. */
export function currentAccount(db: Db): RequestHandler {
  return async (req, res, next) => {
    const ref = req.session?.account;
    if (ref) {
      const account = await accountForSession(db, ref.id, ref.stamp);
      if (account) res.locals.account = account;
      else delete req.session.account;
    }
    next();
  };
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
