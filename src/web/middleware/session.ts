import { MongoStore } from 'connect-mongo';
import type { Request, RequestHandler } from 'express';
import session, { type Store } from 'express-session';
import type { Db } from 'mongodb';
import { loadSessionSecret } from '../../auth/session-secret.js';
import type { AppDependencies } from '../app-dependencies.js';

declare module 'express-session' {
  interface SessionData {
    account?: { id: string; stamp: string };
  }
}

export const SESSION_COOKIE = 'scandy_backup.sid';
export const SESSIONS_COLLECTION = 'scandy_backup_sessions';
const SESSION_MAX_AGE_MS = 8 * 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 15 * 60 * 1000;

/**
 * express-session with its store in MongoDB. Built on the first request,
 * because the secret may have to be read from the database first.
 */
export function sessionMiddleware(deps: Pick<AppDependencies, 'db' | 'config' | 'sessionStore'>): RequestHandler {
  let ready: Promise<RequestHandler> | undefined;
  const build = async (): Promise<RequestHandler> =>
    session({
      name: SESSION_COOKIE,
      secret: await loadSessionSecret(deps.db, deps.config.sessionSecret),
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
 * store filters on `expires`) and are swept here with acknowledged deletes.
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
  const sweep = setInterval(() => {
    db.collection(SESSIONS_COLLECTION)
      .deleteMany({ expires: { $lt: new Date() } })
      .catch(() => undefined);
  }, SWEEP_INTERVAL_MS);
  sweep.unref();
  return store;
}

export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((error: unknown) => (error ? reject(error) : resolve())));
}

export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((error: unknown) => (error ? reject(error) : resolve())));
}

export function destroySession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((error: unknown) => (error ? reject(error) : resolve())));
}
