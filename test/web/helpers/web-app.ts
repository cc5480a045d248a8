import type { Express } from 'express';
import { ObjectId, type Db } from 'mongodb';
import request from 'supertest';
import { afterAll, beforeAll } from 'vitest';
import { hashPassword } from '../../../src/auth/password-hash.js';
import { setAdminAccount } from '../../../src/auth/set-admin-account.js';
import { usersCollection } from '../../../src/auth/user-accounts.js';
import { composeBackupSystem, webDependencies, type BackupSystem } from '../../../src/app/compose.js';
import type { Failpoints } from '../../../src/backup/backup-context.js';
import type { OperationLock } from '../../../src/backup/operation-lock.js';
import type { AgeIdentities } from '../../../src/crypto/age-identities.js';
import { OperationTracker } from '../../../src/backup/operation-tracker.js';
import { loadConfig, type Config } from '../../../src/config/config.js';
import type { EventLog } from '../../../src/log/event-log.js';
import type { Mailer } from '../../../src/mail/mailer.js';
import type { BackupManager } from '../../../src/manager/backup-manager.js';
import type { DiskSpace } from '../../../src/storage/disk-space.js';
import type { BackupScheduler } from '../../../src/scheduler/backup-scheduler.js';
import type { AppDependencies } from '../../../src/web/app-dependencies.js';
import { createApp } from '../../../src/web/create-app.js';
import type { LoginRateLimit } from '../../../src/web/middleware/login-rate-limits.js';
import { useTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { useTempDir } from '../../helpers/temp-dir.js';

export const ADMIN = { email: 'admin@example.org', password: 'Admin-Passwort-1' } as const;
export const STAFF = { email: 'lager@example.org', password: 'Lager-Passwort-1' } as const;

export interface WebTestApp {
  readonly t: TestDatabase;
  readonly backupDir: string;
  app: Express;
  deps: AppDependencies;
  config: Config;
  /** The backup engine the app uses. */
  manager: BackupManager;
  tracker: OperationTracker;
  /** The real scheduler (src/scheduler), without its minute ticker. */
  scheduler: BackupScheduler;
  /** The real auto_backup.log (src/log) in a temporary LOG_DIR. */
  log: EventLog;
  automatic: BackupSystem;
  /** Lines passed to the app's audit function. */
  audit: string[];
  /** Another app on the same database and store, as after a restart or in a second process. */
  secondApp(): Express;
}

export interface WebAppOptions {
  readonly env?: Record<string, string>;
  readonly loginRateLimit?: LoginRateLimit;
  readonly lock?: (db: Db) => OperationLock;
  /** Default: no SMTP, mail off. */
  readonly mailer?: Mailer;
  /** The server's own secret keys, as read from BACKUP_ENCRYPTION_IDENTITY_FILE at start; default none. */
  readonly identities?: AgeIdentities;
  /** Test-only: failures injected at precise points of a backup or restore. */
  readonly failpoints?: Failpoints;
  /** Default: statfs of the temporary backup folder. */
  readonly readDiskSpace?: (dir: string) => Promise<DiskSpace>;
}

/** A real app on a fresh test database, with an admin and a non-admin account. */
export function useWebApp(options: WebAppOptions = {}): WebTestApp {
  const t = useTestDatabase();
  const backupDir = useTempDir('scandy-web-backups-');
  const logDir = useTempDir('scandy-web-logs-');
  const handle = { t, backupDir } as WebTestApp;
  beforeAll(async () => {
    const config = loadConfig({
      MONGODB_URI: t.uri,
      MONGODB_DB: t.dbName,
      BACKUP_DIR: backupDir,
      LOG_DIR: logDir,
      BACKUP_KEEP: '100',
      SESSION_SECRET: 'test-secret-test-secret-test-secret',
      ...options.env,
    });
    const automatic = composeBackupSystem({
      config,
      db: t.db,
      mailer: options.mailer,
      lock: options.lock?.(t.db),
      failpoints: options.failpoints,
      ticker: false,
      readDiskSpace: options.readDiskSpace,
      identities: options.identities,
    });
    const { log, manager, tracker, scheduler } = automatic;
    const audit: string[] = [];
    await manager.ensureDir();
    const deps: AppDependencies = {
      ...webDependencies(automatic, config, t.db),
      audit: (message) => {
        audit.push(message);
        log.write(message);
      },
      loginRateLimit: options.loginRateLimit,
    };
    await setAdminAccount(t.db, ADMIN);
    await usersCollection(t.db).insertOne({
      _id: new ObjectId(),
      email: STAFF.email,
      name: 'Lager',
      role: 'mitarbeiter',
      password_hash: await hashPassword(STAFF.password),
      created_at: new Date(),
      updated_at: new Date(),
    });
    Object.assign(handle, {
      app: createApp(deps),
      deps,
      config,
      manager,
      tracker,
      scheduler,
      log,
      automatic,
      audit,
      secondApp: () => createApp({ ...deps, tracker: new OperationTracker() }),
    });
  });
  afterAll(async () => {
    await handle.automatic?.close();
  });
  return handle;
}

/** Waits until auto_backup.log (written asynchronously) holds a line containing `text`. */
export async function logLine(w: WebTestApp, text: string, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = (await w.log.reader.tail(1000)).find((l) => l.includes(text));
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no log line with "${text}"`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface SignedIn {
  readonly agent: request.Agent;
  readonly csrf: string;
}

/** Logs in through the JSON login and returns the cookie-keeping agent and the session's CSRF token. */
export async function signIn(app: Express, account: { email: string; password: string }): Promise<SignedIn> {
  const agent = request.agent(app);
  const session = await agent.get('/api/session').expect(200);
  const login = await agent
    .post('/login')
    .set('x-csrf-token', (session.body as { csrfToken: string }).csrfToken)
    .send({ email: account.email, password: account.password });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return { agent, csrf: (login.body as { csrfToken: string }).csrfToken };
}

/** The agent's cookies as a Cookie header, for requests made without supertest (or to another app). */
export function agentCookies(agent: request.Agent): string {
  return (agent as unknown as { jar: { getCookies(o: object): { name: string; value: string }[] } }).jar
    .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
}

/** Waits until the tracker has no running operation and returns the last one. */
export async function waitForIdle(tracker: OperationTracker, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (tracker.state().running) {
    if (Date.now() > deadline) throw new Error('operation did not finish');
    await new Promise((r) => setTimeout(r, 20));
  }
  return tracker.state().last;
}
