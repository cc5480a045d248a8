import { CONTENT_NEEDS_KEY, verifyBackup } from '../../backup/verify-backup.js';
import { describeError, isAppError } from '../../shared/app-error.js';
import type { AppDependencies } from '../app-dependencies.js';
import { recordVerification } from './verification-records.js';

export interface VerifyOutcome {
  readonly name: string;
  readonly ok: true;
  readonly documents: number;
  readonly collections: readonly { readonly name: string; readonly count: number }[];
  readonly checkedAt: Date;
  /** False: encrypted and checked without key (size and SHA-256 only). */
  readonly contentChecked: boolean;
}

/** Reads every line of the archive against its manifest; remembers and logs the result either way. */
export async function verifyStoredBackup(deps: Pick<AppDependencies, 'backup' | 'db' | 'audit'>, name: string, actor: string): Promise<VerifyOutcome> {
  const checkedAt = deps.backup.clock.now();
  try {
    const report = await verifyBackup(deps.backup, { name });
    const message = report.contentChecked ? 'vollständig und unverändert' : CONTENT_NEEDS_KEY;
    await recordVerification(deps.db, name, { ok: true, checkedAt, checkedBy: actor, message, documents: report.documents });
    deps.audit(`Prüfung von ${name} durch ${actor}: in Ordnung (${report.documents} Dokumente${report.contentChecked ? '' : '; Inhalt ohne Schlüssel nicht geprüft'})`);
    return {
      name,
      ok: true,
      documents: report.documents,
      collections: report.collections,
      contentChecked: report.contentChecked,
      checkedAt,
    };
  } catch (error) {
    // A backup that is not there has nothing to remember.
    if (!isAppError(error) || error.code !== 'BACKUP_NOT_FOUND') {
      await recordVerification(deps.db, name, { ok: false, checkedAt, checkedBy: actor, message: describeError(error), documents: null });
      deps.audit(`Prüfung von ${name} durch ${actor}: FEHLER – ${describeError(error)}`);
    }
    throw error;
  }
}
