import type { AgeIdentities } from '../../crypto/age-identities.js';
import { DecryptionError } from '../../crypto/decryption-error.js';
import { describeError, isAppError } from '../../shared/app-error.js';
import type { AppDependencies } from '../app-dependencies.js';

export interface VerifyOutcome {
  readonly name: string;
  readonly ok: true;
  readonly documents: number;
  readonly collections: readonly { readonly name: string; readonly count: number }[];
  readonly checkedAt: Date;
  /** False: encrypted and checked without key (size and SHA-256 only). */
  readonly contentChecked: boolean;
}

/**
 * Reads every line of the archive against its manifest (the engine remembers the result); logs it either way.
 * `identities`: the key an admin gave for this one request (an encrypted backup); used here, kept nowhere.
 */
export async function verifyStoredBackup(
  deps: Pick<AppDependencies, 'manager' | 'audit'>,
  name: string,
  actor: string,
  identities?: AgeIdentities,
): Promise<VerifyOutcome> {
  try {
    const report = await deps.manager.verifyAndRecord(name, actor, identities);
    deps.audit(`Prüfung von ${name} durch ${actor}: in Ordnung (${report.documents} Dokumente${report.contentChecked ? '' : '; Inhalt ohne Schlüssel nicht geprüft'})`);
    return {
      name,
      ok: true,
      documents: report.documents,
      collections: report.collections,
      contentChecked: report.contentChecked,
      checkedAt: report.checkedAt,
    };
  } catch (error) {
    const keyProblem = error instanceof DecryptionError && (error.failure === 'wrong-key' || error.failure === 'no-identity');
    if (!keyProblem && (!isAppError(error) || error.code !== 'BACKUP_NOT_FOUND')) deps.audit(`Prüfung von ${name} durch ${actor}: FEHLER – ${describeError(error)}`);
    throw error;
  }
}
