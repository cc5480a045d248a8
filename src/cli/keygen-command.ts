import { writeFile } from 'node:fs/promises';
import { KEYGEN_WARNING, generateKeyPair } from '../crypto/age-keys.js';
import { AppError } from '../shared/app-error.js';

/**
 * `scandy-backup keygen [--json]`: a new age key pair, without configuration
 * or database. As with age-keygen, stdout is exactly the key file
 * (`scandy-backup keygen > key.txt`); the public key and the warning go to
 * stderr. `--json` prints `{publicKey, secretKeyFile}` instead. `-o FILE`
 * (as age-keygen -o) writes the key file instead, created 0600 and never
 * over an existing file.
 */
export async function keygenCommand(args: readonly string[], json: boolean, output?: string): Promise<number> {
  if (args.length > 0) throw new AppError('INVALID_INPUT', 'keygen erwartet keine Argumente');
  const pair = await generateKeyPair();
  if (output !== undefined) {
    await writeFile(output, pair.secretKeyFile, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      throw new AppError('INVALID_INPUT', error.code === 'EEXIST' ? `${output} gibt es schon; ein Schlüssel wird nie überschrieben` : `${output} kann nicht angelegt werden (${error.code ?? error.message})`);
    });
  } else {
    process.stdout.write(json ? JSON.stringify({ publicKey: pair.publicKey, secretKeyFile: pair.secretKeyFile }, null, 2) + '\n' : pair.secretKeyFile);
  }
  process.stderr.write(`Öffentlicher Schlüssel (für BACKUP_ENCRYPTION_RECIPIENTS): ${pair.publicKey}\n\n${KEYGEN_WARNING}\n`);
  return 0;
}
