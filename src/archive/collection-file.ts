/**
 * The framing of `collections/NAME.json`: one JSON array, one document per
 * line, so that the file is valid JSON and can still be read line by line.
 *
 *     [
 *     {"_id":...},
 *     {"_id":...}
 *     ]
 */
export const COLLECTION_FILE_START = '[\n';

export function collectionFileEnd(count: number): string {
  return count === 0 ? ']\n' : '\n]\n';
}

export function documentSeparator(index: number): string {
  return index === 0 ? '' : ',\n';
}

const OPEN = 0x5b;
const CLOSE = 0x5d;
const COMMA = 0x2c;

/** Checks the framing line by line and hands out the document bytes of each line. */
export class CollectionFileParser {
  private state: 'start' | 'documents' | 'ended' = 'start';
  private previousHadComma = false;
  private documents = 0;
  private lineNumber = 0;

  /** Returns the document bytes of the line (without its comma), or undefined for a framing line. */
  line(bytes: Buffer): Buffer | undefined {
    this.lineNumber++;
    if (this.state === 'start') {
      if (!isOnly(bytes, OPEN)) this.fail('erwartet "[" in der ersten Zeile');
      this.state = 'documents';
      return undefined;
    }
    if (this.state === 'ended') {
      if (bytes.length > 0) this.fail('Text nach dem Ende des Arrays');
      return undefined;
    }
    if (isOnly(bytes, CLOSE)) {
      if (this.previousHadComma) this.fail('Komma nach dem letzten Dokument');
      this.state = 'ended';
      return undefined;
    }
    if (this.documents > 0 && !this.previousHadComma) this.fail('fehlendes Komma zwischen zwei Dokumenten');
    this.previousHadComma = bytes.at(-1) === COMMA;
    this.documents++;
    return this.previousHadComma ? bytes.subarray(0, -1) : bytes;
  }

  /** Call after the last line; throws unless the array was closed. */
  end(): number {
    if (this.state !== 'ended') this.fail('Datei endet vor dem schließenden "]" (abgeschnitten?)');
    return this.documents;
  }

  get currentLine(): number {
    return this.lineNumber;
  }

  private fail(reason: string): never {
    throw new Error(`Zeile ${this.lineNumber}: ${reason}`);
  }
}

function isOnly(bytes: Buffer, byte: number): boolean {
  return bytes.length === 1 && bytes[0] === byte;
}
