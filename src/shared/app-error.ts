/**
 * The one error type of the product. Web, scheduler and CLI all turn it into
 * their own answer (HTTP status + JSON, log line, exit code + stderr line).
 */
export type ErrorCode =
  | 'SETTINGS_CONFLICT'
  | 'MAIL_OFF'
  | 'CONFIG_INVALID'
  | 'ARCHIVE_INVALID'
  | 'ARCHIVE_UNSUPPORTED'
  | 'BACKUP_NOT_FOUND'
  | 'BACKUP_FAILED'
  | 'RESTORE_FAILED'
  | 'OPERATION_RUNNING'
  | 'SAFETY_BACKUP_PENDING'
  | 'DATABASE_UNAVAILABLE'
  | 'STORAGE_UNAVAILABLE'
  | 'INVALID_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INTERNAL';

const httpStatusByCode: Record<ErrorCode, number> = {
  SETTINGS_CONFLICT: 409,
  MAIL_OFF: 409,
  CONFIG_INVALID: 500,
  ARCHIVE_INVALID: 422,
  ARCHIVE_UNSUPPORTED: 422,
  BACKUP_NOT_FOUND: 404,
  BACKUP_FAILED: 500,
  RESTORE_FAILED: 500,
  OPERATION_RUNNING: 409,
  SAFETY_BACKUP_PENDING: 409,
  DATABASE_UNAVAILABLE: 503,
  STORAGE_UNAVAILABLE: 503,
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INTERNAL: 500,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options?.details;
  }

  get httpStatus(): number {
    return httpStatusByCode[this.code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** One line for humans, with secrets in connection strings and document values blanked. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return withoutDocumentValues(redactSecrets(message.split('\n')[0] ?? message));
}

/** MongoDB's duplicate-key errors quote the values (`dup key: { email: "…" }`); logs and mails must not. */
export function withoutDocumentValues(text: string): string {
  return text.replace(/dup key: \{.*?\}( |$|\))/g, 'dup key: { … }$1');
}

/** Removes credentials from URLs (scheme://user:pass@host) in free text. */
export function redactSecrets(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]+)(:[^\s/@]*)?@/gi, '$1***@');
}
