import { inspect } from 'node:util';
import { recipientOfSecretKey } from './age-keys.js';

/**
 * Validated X25519 secret keys for one decryption. The secret keys sit in a
 * private field: JSON, `util.inspect`, `console.log` and string conversion
 * show only the public keys, so an identity that slips into a log line or an
 * answer gives nothing away.
 */
export class AgeIdentities {
  readonly #secretKeys: readonly string[];
  /** The public keys (`age1…`) belonging to the secret keys, in the same order; safe to show. */
  readonly publicKeys: readonly string[];

  private constructor(secretKeys: readonly string[], publicKeys: readonly string[]) {
    this.#secretKeys = Object.freeze([...secretKeys]);
    this.publicKeys = Object.freeze([...publicKeys]);
  }

  /**
   * Checks each secret key (`AGE-SECRET-KEY-1…`, checksum included).
   * Throws a plain error naming the position of the first bad key, never the key.
   */
  static async fromSecretKeys(secretKeys: readonly string[]): Promise<AgeIdentities> {
    const publicKeys: string[] = [];
    for (const [index, secretKey] of secretKeys.entries()) {
      const publicKey = await recipientOfSecretKey(secretKey);
      if (publicKey === undefined) throw new Error(`Schlüssel ${index + 1} ist kein geheimer X25519-Schlüssel von age`);
      publicKeys.push(publicKey);
    }
    return new AgeIdentities(secretKeys, publicKeys);
  }

  get size(): number {
    return this.#secretKeys.length;
  }

  /** The secret keys themselves: only for handing to the decrypter. */
  secretKeys(): readonly string[] {
    return this.#secretKeys;
  }

  toJSON(): { publicKeys: readonly string[] } {
    return { publicKeys: this.publicKeys };
  }

  toString(): string {
    return `AgeIdentities(${this.publicKeys.join(', ')})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
