import { AppError, describeError } from '../../shared/app-error.js';
import type { AppDependencies } from '../app-dependencies.js';
import type { StartedOperation } from './operation-view.js';

/**
 * Starts a manual backup in the background and resolves once it holds the
 * operation lock; a backup or restore already running refuses it (409).
 */
export async function startManualBackup(
  deps: Pick<AppDependencies, 'manager' | 'tracker' | 'audit' | 'mailBackup' | 'scheduler'>,
  actor: string,
  options: { mail: boolean },
): Promise<StartedOperation> {
  const { mailBackup } = deps;
  if (options.mail && (!mailBackup || !(await deps.scheduler.status()).mail.enabled)) {
    throw new AppError('INVALID_INPUT', 'E-Mail-Versand ist nicht eingerichtet (SMTP_URL oder SMTP_HOST)');
  }
  const launched = deps.tracker.launch({ operation: 'backup', subject: 'manual', actor }, async (hooks) => {
    const result = await deps.manager.create({ kind: 'manual', actor, onProgress: hooks.onProgress, onStarted: hooks.onStarted });
    if (options.mail && mailBackup) {
      await mailBackup(result, actor).catch((error: unknown) =>
        deps.audit(`E-Mail zu ${result.backup.name} konnte nicht gesendet werden: ${describeError(error)}`),
      );
    }
    return result;
  });
  // The outcome reaches the pages through the tracker; nobody awaits `done`.
  launched.done.catch(() => undefined);
  await launched.started;
  return { id: launched.id, operation: 'backup', subject: 'manual', actor };
}
