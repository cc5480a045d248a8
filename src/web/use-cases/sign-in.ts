import { authenticate } from '../../auth/authenticate.js';
import { ADMIN_ROLE, type AccountView } from '../../auth/user-accounts.js';
import type { AppDependencies } from '../app-dependencies.js';
import { logText } from './log-text.js';

/**
 * Checks the credentials and writes the attempt into the log (never the
 * password). Only admins get in: any other account is refused exactly like a
 * wrong password (the same check of the hash ran, the same answer follows).
 */
export async function signIn(deps: Pick<AppDependencies, 'db' | 'audit'>, email: string, password: string): Promise<AccountView | undefined> {
  const account = email && password ? await authenticate(deps.db, email, password) : undefined;
  if (account?.role === ADMIN_ROLE) {
    deps.audit(`Anmeldung: ${account.email} (${account.role})`);
    return account;
  }
  deps.audit(`Fehlgeschlagene Anmeldung für „${logText(email, 80)}“${account ? ' (kein Admin-Konto)' : ''}`);
  return undefined;
}
