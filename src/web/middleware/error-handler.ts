import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import multer from 'multer';
import { AppError, describeError, isAppError } from '../../shared/app-error.js';
import { formatBytes } from '../../shared/human-units.js';
import { csrfToken, isCsrfError } from './csrf.js';

/** What an error becomes on the wire: a status and `{error: {code, message}}`. */
export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export function toProblem(error: unknown, limits: { uploadMaxBytes: number }): Problem {
  if (isAppError(error)) return { status: error.httpStatus, code: error.code, message: error.message };
  if (isCsrfError(error)) {
    return { status: 403, code: 'CSRF_INVALID', message: 'Sicherheits-Token fehlt oder ist ungültig. Bitte die Seite neu laden.' };
  }
  if (error instanceof multer.MulterError) {
    if (error.code === 'LIMIT_FILE_SIZE') {
      return { status: 413, code: 'UPLOAD_TOO_LARGE', message: `Die Datei ist größer als erlaubt (${formatBytes(limits.uploadMaxBytes)}, UPLOAD_MAX_MB)` };
    }
    return { status: 400, code: 'INVALID_INPUT', message: `Upload abgelehnt: ${error.message}` };
  }
  const type = (error as { type?: unknown } | undefined)?.type;
  if (type === 'entity.parse.failed') return { status: 400, code: 'INVALID_INPUT', message: 'Der Inhalt ist kein gültiges JSON' };
  if (type === 'entity.too.large') return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Die Anfrage ist zu groß' };
  return { status: 500, code: 'INTERNAL', message: 'Interner Fehler' };
}

/** JSON for the API (and for clients asking for JSON), an error page for the browser. */
export function wantsJson(req: Request): boolean {
  const url = req.originalUrl;
  if (url.startsWith('/admin/api/') || url.startsWith('/api/') || url.startsWith('/healthz')) return true;
  return req.is('application/json') === 'application/json' || req.accepts(['html', 'json']) === 'json';
}

export function errorHandler(limits: { uploadMaxBytes: number }): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const problem = toProblem(error, limits);
    if (problem.status === 500 && !isAppError(error)) console.error(`Web: ${req.method} ${req.path}: ${describeError(error)}`, error);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(problem.status);
    if (wantsJson(req)) res.json({ error: { code: problem.code, message: problem.message } });
    // The token only serves the logout button of a signed-in admin: an anonymous 404 sets no cookie and saves no session.
    else res.render('error', { title: `Fehler ${problem.status}`, problem, csrfToken: req.session?.account ? csrfToken(req, res) : undefined });
  };
}

export const notFound: RequestHandler = () => {
  throw new AppError('NOT_FOUND', 'Diese Seite gibt es nicht');
};
