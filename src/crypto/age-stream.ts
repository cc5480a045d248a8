import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Decrypter, Encrypter } from 'age-encryption';
import { AppError } from '../shared/app-error.js';
import type { AgeIdentities } from './age-identities.js';
import { readAgeHeader } from './age-header.js';
import { isX25519Recipient } from './age-keys.js';
import { DecryptionError, classifyAgeError } from './decryption-error.js';

/*
 * age-encryption works on web ReadableStreams. Both directions are bridged
 * pull by pull (ReadableStream.from on the source, an async generator under
 * Readable.from on the output), so at most a few 64 KiB chunks are in memory
 * whatever the size of the file, and a consumer that stops early cancels the
 * whole chain down to the source.
 */

/**
 * Encrypts `source` to the X25519 recipients (`age1…`, validated by
 * parseEncryptionRecipients) as an age v1 file that `age -d -i KEYFILE` reads.
 * Errors of the source come out of the returned stream unchanged.
 */
export function encryptStream(source: AsyncIterable<Uint8Array>, recipients: readonly string[]): Readable {
  if (recipients.length === 0) throw new AppError('INTERNAL', 'Verschlüsselung ohne Empfänger');
  const encrypter = new Encrypter();
  for (const [index, recipient] of recipients.entries()) {
    if (!isX25519Recipient(recipient)) throw new AppError('INTERNAL', `Empfänger ${index + 1} ist kein öffentlicher age-Schlüssel`);
    encrypter.addRecipient(recipient);
  }
  return Readable.from(encryptedChunks(encrypter, source), { objectMode: false });
}

async function* encryptedChunks(encrypter: Encrypter, source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* await encrypter.encrypt(ReadableStream.from(source));
}

/**
 * Decrypts an age v1 file with the given identities. Every failure of the
 * file (wrong key, not age, truncated or changed anywhere, the end included)
 * comes out of the returned stream as a DecryptionError; errors of the source
 * itself come out unchanged.
 *
 * age authenticates chunk by chunk, so bytes come out before the end is
 * checked: the output counts only when the stream ended without an error.
 * decryptFile does exactly that for a file.
 */
export function decryptStream(source: AsyncIterable<Uint8Array>, identities: AgeIdentities): Readable {
  return Readable.from(decryptedChunks(source, identities), { objectMode: false });
}

async function* decryptedChunks(source: AsyncIterable<Uint8Array>, identities: AgeIdentities): AsyncGenerator<Uint8Array> {
  const input = source[Symbol.asyncIterator]();
  const sourceErrors = new Set<unknown>();
  const reading: AsyncIterator<Uint8Array> = {
    next: async () => {
      try {
        return await input.next();
      } catch (error) {
        sourceErrors.add(error);
        throw error;
      }
    },
  };
  try {
    if (identities.size === 0) throw new DecryptionError('no-identity');
    const header = await readAgeHeader(reading);
    if (header.stanzaTypes.includes('scrypt')) {
      throw new DecryptionError('unsupported', { detail: 'mit einem Passwort verschlüsselt (age -p); Backups werden für Schlüssel age1… verschlüsselt' });
    }
    const decrypter = new Decrypter();
    for (const secretKey of identities.secretKeys()) decrypter.addIdentity(secretKey);
    yield* await decrypter.decrypt(ReadableStream.from(rejoin(header.bytes, reading)));
  } catch (error) {
    throw sourceErrors.has(error) ? error : classifyAgeError(error);
  } finally {
    await input.return?.();
  }
}

async function* rejoin(first: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/**
 * Decrypts the file at `encryptedPath` into `plainPath` (mode 0600): written
 * as a temporary file beside it and renamed only when the whole file was
 * authenticated. On any error nothing is left at `plainPath` or beside it.
 */
export async function decryptFile(encryptedPath: string, plainPath: string, identities: AgeIdentities): Promise<void> {
  const temporary = `${plainPath}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await pipeline(decryptStream(createReadStream(encryptedPath), identities), createWriteStream(temporary, { flags: 'wx', mode: 0o600 }));
    await rename(temporary, plainPath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
