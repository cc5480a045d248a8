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

/** Checks the framing line by line and hands out the document text of each line. */
export class CollectionFileParser {
  private state: 'start' | 'documents' | 'ended' = 'start';
  private previousHadComma = false;
  private documents = 0;
  private lineNumber = 0;

  /** Returns the document text of the line, or undefined for a framing line. */
  line(text: string): string | undefined {
    this.lineNumber++;
    if (this.state === 'start') {
      if (text !== '[') this.fail('erwartet "[" in der ersten Zeile');
      this.state = 'documents';
      return undefined;
    }
    if (this.state === 'ended') {
      if (text !== '') this.fail('Text nach dem Ende des Arrays');
      return undefined;
    }
    if (text === ']') {
      if (this.previousHadComma) this.fail('Komma nach dem letzten Dokument');
      this.state = 'ended';
      return undefined;
    }
    if (this.documents > 0 && !this.previousHadComma) this.fail('fehlendes Komma zwischen zwei Dokumenten');
    this.previousHadComma = text.endsWith(',');
    this.documents++;
    return this.previousHadComma ? text.slice(0, -1) : text;
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
