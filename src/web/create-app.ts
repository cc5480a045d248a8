import path from 'node:path';
import cookieParser from 'cookie-parser';
import ejs from 'ejs';
import express, { type Express } from 'express';
import { projectRoot } from '../shared/project.js';
import type { AppDependencies } from './app-dependencies.js';
import { csrfProtection, prepareCsrf } from './middleware/csrf.js';
import { currentAccount } from './middleware/current-account.js';
import { errorHandler, notFound } from './middleware/error-handler.js';
import { requireAdmin } from './middleware/require-admin.js';
import { securityHeaders } from './middleware/security-headers.js';
import { sessionMiddleware, sessionSecretLoader } from './middleware/session.js';
import { authRoutes } from './routes/auth-routes.js';
import { automationApiRoutes } from './routes/automation-api-routes.js';
import { backupApiRoutes } from './routes/backup-api-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { mailApiRoutes } from './routes/mail-api-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import { pinApiRoutes } from './routes/pin-api-routes.js';
import { settingsApiRoutes } from './routes/settings-api-routes.js';
import { pageRoutes } from './routes/page-routes.js';
import { viewFormat } from './views/view-format.js';

export type { AppDependencies } from './app-dependencies.js';

/** The Express app: login, the admin pages, the JSON API under /admin/api and /healthz. */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.engine('ejs', ejs.renderFile);
  app.set('view engine', 'ejs');
  app.set('views', path.join(projectRoot, 'views'));
  app.locals.fmt = viewFormat(deps.config.backupTimezone);
  app.locals.timeZone = deps.config.backupTimezone;

  app.use(securityHeaders());
  app.use('/static', express.static(path.join(projectRoot, 'public'), { index: false, maxAge: '1h' }));
  app.use(healthRoutes(deps));
  app.use(metricsRoutes(deps));

  const sessionSecret = sessionSecretLoader(deps);
  app.use(sessionMiddleware(deps, sessionSecret));
  app.use(cookieParser());
  app.use(express.json({ limit: '100kb' }));
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  app.use(currentAccount(deps.db));
  app.use(prepareCsrf(sessionSecret));

  app.use(authRoutes(deps));
  app.use('/admin/api', requireAdmin('api'), csrfProtection, backupApiRoutes(deps), automationApiRoutes(deps), mailApiRoutes(deps), pinApiRoutes(deps), settingsApiRoutes(deps));
  app.use('/admin', requireAdmin('page'), pageRoutes(deps));
  app.get('/', (_req, res) => res.redirect('/admin'));

  app.use(notFound);
  app.use(errorHandler({ uploadMaxBytes: deps.config.uploadMaxBytes }));
  return app;
}
