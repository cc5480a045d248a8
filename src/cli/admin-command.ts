import { setAdminAccount } from '../auth/set-admin-account.js';
import { AppError } from '../shared/app-error.js';
import type { CommandInput, CommandOutput } from './cli-commands.js';

/** `scandy-backup admin EMAIL [--password P]`: adds an admin, or resets an account's password and makes it an admin. */
export async function adminCommand(_manager: unknown, input: CommandInput): Promise<CommandOutput> {
  const [email, ...rest] = input.args;
  if (!email || rest.length > 0) throw new AppError('INVALID_INPUT', 'admin erwartet genau eine E-Mail-Adresse');
  const result = await setAdminAccount(input.db, { email, password: input.password });
  const what = result.created ? `Admin angelegt: ${result.email}` : `Passwort neu gesetzt, Rolle admin: ${result.email}`;
  const password = result.generatedPassword ? `\nPasswort (wird nur jetzt angezeigt): ${result.generatedPassword}` : '';
  return {
    json: { email: result.email, created: result.created, ...(result.generatedPassword ? { password: result.generatedPassword } : {}) },
    text: what + password,
  };
}
