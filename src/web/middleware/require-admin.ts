import type { RequestHandler } from 'express';
import { AppError } from '../../shared/app-error.js';
import { isAdmin, signedInAccount } from './current-account.js';

/** Pages send an anonymous visitor to the login page; the JSON API answers 401. Other roles get 403. */
export function requireAdmin(kind: 'page' | 'api'): RequestHandler {
  return (req, res, next) => {
    const account = signedInAccount(res);
    if (!account) {
      if (kind === 'page' && (req.method === 'GET' || req.method === 'HEAD')) {
        res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      throw new AppError('UNAUTHENTICATED', 'Bitte zuerst anmelden');
    }
    if (!isAdmin(account)) throw new AppError('FORBIDDEN', 'Nur Administratoren haben hier Zugriff');
    next();
  };
}
