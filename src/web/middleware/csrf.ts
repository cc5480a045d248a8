import { csrfSync } from 'csrf-sync';
import type { Request } from 'express';

const { csrfSynchronisedProtection, generateToken, invalidCsrfTokenError } = csrfSync({
  getTokenFromRequest: (req) => {
    const header = req.headers['x-csrf-token'];
    if (typeof header === 'string') return header;
    const field = (req.body as Record<string, unknown> | undefined)?._csrf;
    return typeof field === 'string' ? field : undefined;
  },
});

/** Refuses POST, PUT, PATCH and DELETE without the session's token (header x-csrf-token or form field _csrf). */
export const csrfProtection = csrfSynchronisedProtection;

/** The session's token, created on first use; `renew` after login replaces the anonymous one. */
export function csrfToken(req: Request, renew = false): string {
  return generateToken(req, renew);
}

export function isCsrfError(error: unknown): boolean {
  return error === invalidCsrfTokenError || (error as { code?: unknown } | undefined)?.code === 'EBADCSRFTOKEN';
}
