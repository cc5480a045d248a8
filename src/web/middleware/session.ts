import { MongoStore } from 'connect-mongo';
import type { Request, RequestHandler } from 'express';
import session, { type Store } from 'express-session';
import type { Db } from 'mongodb';
import { loadSessionSecret } from '../../auth/session-secret.js';
import { keepExpiringBounded } from '../../db/expiring-documents.js';
import type { AppDependencies } from '../app-dependencies.js';

declare module 'express-session' {
  interface SessionData {
    /** The signed-in admin; `since`: the login (ms), for the absolute lifetime. */
    account?: { id: string; stamp: string; since: number };
  }
}

export const SESSION_COOKIE = 'scandy_backup.sid';
export const SESSIONS_COLLECTION = 'scandy_backup_sessions';
/** Idle limit: the cookie and the stored session are renewed with every request. */
const SESSION_MAX_AGE_MS = 8 * 60 * 60 * 1000;
/** Absolute limit from the login, however active the session is. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;

/** SESSION_SECRET, or the one kept in the database: read once, read again after a failure. */
export function sessionSecretLoader(deps: Pick<AppDependencies, 'db' | 'config'>): () => Promise<string> {
  let secret: Promise<string> | undefined;
  return () =>
    (secret ??= loadSessionSecret(deps.db, deps.config.sessionSecret).catch((error: unknown) => {
      secret = undefined;
      throw error;
    }));
}

/**
 * express-session with its store in MongoDB. Built on the first request,
 * because the secret may have to be read from the database first. A session
 * is saved only once something is put into it, which is only done at login:
 * anonymous visitors (login page, 404, /api/session) leave no document.
 */
export function sessionMiddleware(deps: Pick<AppDependencies, 'db' | 'sessionStore'>, sessionSecret: () => Promise<string>): RequestHandler {
  let ready: Promise<RequestHandler> | undefined;
  const build = async (): Promise<RequestHandler> =>
    session({
      name: SESSION_COOKIE,
      secret: await sessionSecret(),
      store: deps.sessionStore ?? mongoSessionStore(deps.db),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: SESSION_MAX_AGE_MS, path: '/' },
    });
  return (req, res, next) => {
    ready ??= build().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    ready.then((handler) => handler(req, res, next), next);
  };
}

/**
 * connect-mongo without its own expiry: FerretDB has no TTL indexes, and the
 * store's interval clean-up writes with w:0, which FerretDB answers anyway and
 * so confuses the shared connection. Expired sessions are never read (the
 * store filters on `expires`); a TTL index on `expires` (MongoDB) and a sweep
 * with acknowledged deletes keep the collection bounded.
 */
function mongoSessionStore(db: Db): Store {
  const store = MongoStore.create({
    client: db.client,
    dbName: db.databaseName,
    collectionName: SESSIONS_COLLECTION,
    stringify: false,
    autoRemove: 'disabled',
    touchAfter: 60,
  });
  keepExpiringBounded(db, SESSIONS_COLLECTION, 'expires');
  return store;
}

/** A new session (new id) for the login; works also when the old one was destroyed in this request. */
export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.sessionStore.regenerate(req, (error: unknown) => (error ? reject(error) : resolve())));
}

export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((error: unknown) => (error ? reject(error) : resolve())));
}

export function destroySession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((error: unknown) => (error ? reject(error) : resolve())));
}
