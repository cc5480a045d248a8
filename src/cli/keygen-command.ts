import { KEYGEN_WARNING, generateKeyPair } from '../crypto/age-keys.js';
import { AppError } from '../shared/app-error.js';

/**
 * `scandy-backup keygen [--json]`: a new age key pair, without configuration
 * or database. As with age-keygen, stdout is exactly the key file
 * (`scandy-backup keygen > key.txt`); the public key and the warning go to
 * stderr. `--json` prints `{publicKey, secretKeyFile}` instead.
 */
export async function keygenCommand(args: readonly string[], json: boolean): Promise<number> {
  if (args.length > 0) throw new AppError('INVALID_INPUT', 'keygen erwartet keine Argumente');
  const pair = await generateKeyPair();
  process.stdout.write(json ? JSON.stringify({ publicKey: pair.publicKey, secretKeyFile: pair.secretKeyFile }, null, 2) + '\n' : pair.secretKeyFile);
  process.stderr.write(`Öffentlicher Schlüssel (für BACKUP_ENCRYPTION_RECIPIENTS): ${pair.publicKey}\n\n${KEYGEN_WARNING}\n`);
  return 0;
}
