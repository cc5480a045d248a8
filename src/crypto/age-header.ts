import { DecryptionError } from './decryption-error.js';

const MAGIC = Buffer.from('age-encryption.org/v1\n');
const ARMOR_BEGIN = Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----');
const MAC_LINE_START = Buffer.from('\n--- ');

/** A header this long is not one (an X25519 stanza takes about 110 bytes). */
export const MAX_HEADER_BYTES = 256 * 1024;

export interface AgeHeader {
  /** Everything read so far: the whole header, perhaps followed by the start of the payload. */
  readonly bytes: Buffer;
  /** The stanza types of the header, e.g. `X25519` or `scrypt`. */
  readonly stanzaTypes: readonly string[];
}

/** True when the bytes begin like an age v1 file (binary, not armored). */
export function startsWithAgeMagic(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.equals(bytes.subarray(0, MAGIC.length));
}

/**
 * Reads the header of an age file in bounded memory and refuses anything
 * else before a single byte is decrypted. The iterator is left positioned
 * after `bytes`.
 */
export async function readAgeHeader(chunks: AsyncIterator<Uint8Array>): Promise<AgeHeader> {
  let buffered = Buffer.alloc(0);
  for (;;) {
    refuseForeignStart(buffered);
    const end = headerEnd(buffered);
    if (end !== undefined) return { bytes: buffered, stanzaTypes: stanzaTypes(buffered.subarray(0, end)) };
    if (buffered.length > MAX_HEADER_BYTES) throw new DecryptionError('damaged', { detail: 'Kopf der age-Datei zu lang' });
    const next = await chunks.next();
    if (next.done) {
      throw buffered.length === 0 ? new DecryptionError('not-age', { detail: 'leere Datei' }) : new DecryptionError('damaged', { detail: 'endet im Kopf der age-Datei' });
    }
    buffered = Buffer.concat([buffered, next.value]);
  }
}

function refuseForeignStart(bytes: Buffer): void {
  const length = Math.min(bytes.length, MAGIC.length);
  if (MAGIC.subarray(0, length).equals(bytes.subarray(0, length))) return;
  const armorLength = Math.min(bytes.length, ARMOR_BEGIN.length);
  if (ARMOR_BEGIN.subarray(0, armorLength).equals(bytes.subarray(0, armorLength))) {
    throw new DecryptionError('unsupported', { detail: 'Textformat „age -a“; Backups werden im Binärformat verschlüsselt: ohne -a verschlüsseln' });
  }
  throw new DecryptionError('not-age');
}

/** The offset just after the MAC line (`--- …\n`), or undefined while it has not been read. */
function headerEnd(bytes: Buffer): number | undefined {
  const macLine = bytes.indexOf(MAC_LINE_START, MAGIC.length - 1);
  if (macLine < 0) return undefined;
  const newline = bytes.indexOf(0x0a, macLine + MAC_LINE_START.length);
  return newline < 0 ? undefined : newline + 1;
}

function stanzaTypes(header: Buffer): string[] {
  return header
    .toString('latin1')
    .split('\n')
    .filter((line) => line.startsWith('-> '))
    .map((line) => line.split(' ')[1] ?? '');
}
