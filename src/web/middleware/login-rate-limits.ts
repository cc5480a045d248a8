import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Db } from 'mongodb';
import { MongoRateLimitStore } from '../http/mongo-rate-limit-store.js';
import { parseLoginBody } from '../http/request-input.js';

export interface LoginRateLimit {
  /** Failed logins per client address and window. */
  readonly limit: number;
  readonly windowMs: number;
  /** Failed logins per account (the address typed) and window, from any number of addresses; default twice `limit`. */
  readonly accountLimit?: number;
}

const ADDRESS_COUNT = 'loginAttemptsFromAddress';
const ACCOUNT_COUNT = 'loginAttemptsForAccount';

export const DEFAULT_LOGIN_LIMIT: LoginRateLimit = { limit: 10, windowMs: 15 * 60 * 1000, accountLimit: 20 };

/** Answers a refused attempt (429) in the form the client asked for. */
export type RefuseLogin = (req: Request, res: Response, message: string) => void;

export interface LoginRateLimits {
  /** Before the login: counts the attempt and refuses it (429) beyond a limit. */
  readonly check: RequestHandler[];
  /** After a successful login, before answering: the attempt is taken off both counts again. */
  succeeded(req: Request): Promise<void>;
}

/**
 * Two limits on failed logins, counted in MongoDB (shared by every process):
 * per client address (as Express sees it through TRUST_PROXY) and per account,
 * so that rotating addresses does not buy more guesses at one password.
 * A successful login is uncounted before its answer goes out (express-rate-limit's
 * skipSuccessfulRequests would do it only after, racing the client's next request).
 */
export function loginRateLimits(db: Db, settings: LoginRateLimit, refuse: RefuseLogin): LoginRateLimits {
  const { limit, windowMs } = settings;
  const minutes = Math.ceil(windowMs / 60_000);
  const common = { windowMs, standardHeaders: 'draft-8', legacyHeaders: false } as const;
  const addressStore = new MongoRateLimitStore(db, 'address:');
  const accountStore = new MongoRateLimitStore(db, 'account:');
  const perAddress = rateLimit({
    ...common,
    limit,
    store: addressStore,
    requestPropertyName: ADDRESS_COUNT,
    handler: (req, res) => refuse(req, res, `Zu viele fehlgeschlagene Anmeldeversuche. Bitte in ${minutes} Minuten erneut versuchen.`),
  });
  const perAccount = rateLimit({
    ...common,
    limit: settings.accountLimit ?? 2 * limit,
    store: accountStore,
    requestPropertyName: ACCOUNT_COUNT,
    keyGenerator: (req) => accountKey(parseLoginBody(req.body).email),
    skip: (req) => parseLoginBody(req.body).email === '',
    handler: (req, res) =>
      refuse(req, res, `Zu viele fehlgeschlagene Anmeldeversuche für dieses Konto. Bitte in ${minutes} Minuten erneut versuchen.`),
  });
  return {
    check: [perAddress, perAccount],
    async succeeded(req) {
      const counted = req as Request & Partial<Record<string, { key?: string }>>;
      const addressKey = counted[ADDRESS_COUNT]?.key;
      const accountKeyOfRequest = counted[ACCOUNT_COUNT]?.key;
      await Promise.all([
        addressKey === undefined ? undefined : addressStore.decrement(addressKey),
        accountKeyOfRequest === undefined ? undefined : accountStore.decrement(accountKeyOfRequest),
      ]);
    },
  };
}

/** The address typed, normalized and hashed: no e-mail addresses in the counters. */
function accountKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}
