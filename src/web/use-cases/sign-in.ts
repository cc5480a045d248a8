import { authenticate } from '../../auth/authenticate.js';
import type { AccountView } from '../../auth/user-accounts.js';
import type { AppDependencies } from '../app-dependencies.js';
import { logText } from './log-text.js';

/** Checks the credentials and writes the attempt into the log (never the password). */
export async function signIn(deps: Pick<AppDependencies, 'db' | 'audit'>, email: string, password: string): Promise<AccountView | undefined> {
  const account = email && password ? await authenticate(deps.db, email, password) : undefined;
  if (account) deps.audit(`Anmeldung: ${account.email} (${account.role || 'ohne Rolle'})`);
  else deps.audit(`Fehlgeschlagene Anmeldung für „${logText(email, 80)}“`);
  return account;
}
