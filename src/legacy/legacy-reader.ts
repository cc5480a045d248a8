import { randomUUID } from 'node:crypto';
import { getManyValues, isMany, none } from 'stream-chain/defs.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { jsonVerifier } from 'stream-json/core/utils/verifier.js';
import { isSafeCollectionName } from '../config/collections.js';
import { AppError } from '../shared/app-error.js';

/** One document of the old format is a few KiB; more than this is refused rather than held. */
export const MAX_LEGACY_DOCUMENT_CHARS = 16 * 1024 * 1024;

/**
 * Python writes non-finite floats as bare NaN/Infinity (not JSON); they are
 * quoted behind this marker before parsing. The random part makes a clash
 * with a real string impossible.
 */
export const NON_FINITE_MARKER = `\u0000scandy-non-finite-${randomUUID()}:`;

export type LegacyEvent =
  | { readonly type: 'collection'; readonly name: string }
  | { readonly type: 'document'; readonly document: Record<string, unknown> }
  | { readonly type: 'end-collection' };

type Container = { readonly entries: [string, unknown][]; key: string } | { readonly items: unknown[] };

/**
 * Reads an old Scandy backup (`{"collection": [documents], …}`) piece by
 * piece: text goes in, collections and documents come out as they complete,
 * so that memory holds one document at a time, never the file. Numbers stay
 * their literal text (`parseNumber` decides their type), and keys keep their
 * order. Structure errors say where, in German; JSON syntax errors are
 * located by a SyntaxErrorLocator reading the same text again.
 */
export class LegacyReader {
  private readonly parse = jsonParser({ packValues: false, streamValues: true });
  private readonly quoter = new NonFiniteQuoter();
  private readonly stack: Container[] = [];
  private depth = 0;
  private collection = '';
  private index = 0;
  private documentChars = 0;
  private text: string | undefined;
  private events: LegacyEvent[] = [];
  private readonly seen = new Set<string>();
  private started = false;

  constructor(
    private readonly parseNumber: (literal: string) => unknown,
    private readonly describe: (value: unknown) => string,
  ) {}

  push(text: string): LegacyEvent[] {
    return this.feed(this.quoter.push(text));
  }

  end(): LegacyEvent[] {
    this.feed(this.quoter.end());
    this.tokens(this.parse(none as unknown as string));
    if (this.depth !== 0 || !this.started) throw new SyntaxError('Parser has expected a value');
    return this.take();
  }

  private feed(text: string): LegacyEvent[] {
    if (text) this.tokens(this.parse(text));
    return this.take();
  }

  private take(): LegacyEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  private tokens(result: unknown): void {
    if (isMany(result)) for (const token of getManyValues(result) as Token[]) this.token(token);
  }

  private token(token: Token): void {
    switch (token.name) {
      case 'startKey':
      case 'startString':
      case 'startNumber':
        this.text = '';
        return;
      case 'stringChunk':
      case 'numberChunk':
        this.text += token.value;
        return this.count(token.value.length);
      case 'endKey':
        return this.key(this.takeText());
      case 'endString':
        return this.value(this.takeText());
      case 'endNumber':
        return this.value(this.parseNumber(this.takeText()));
      case 'nullValue':
      case 'trueValue':
      case 'falseValue':
        return this.value(token.value);
      case 'startObject':
      case 'startArray':
        return this.open(token.name === 'startObject');
      case 'endObject':
      case 'endArray':
        return this.close();
      default:
        return;
    }
  }

  private takeText(): string {
    const text = this.text ?? '';
    this.text = undefined;
    return text;
  }

  private count(chars: number): void {
    if (this.depth < 3) return;
    this.documentChars += chars;
    if (this.documentChars > MAX_LEGACY_DOCUMENT_CHARS) {
      throw invalid(`Sammlung "${this.collection}", Eintrag ${this.index} (ab 0 gezählt): größer als 16 MiB`, { collection: this.collection, index: this.index });
    }
  }

  private key(name: string): void {
    if (this.depth === 1) return this.startCollection(name);
    const top = this.stack.at(-1);
    if (top && 'entries' in top) top.key = name;
  }

  private startCollection(name: string): void {
    if (!isSafeCollectionName(name)) throw invalid(`Ungültiger Sammlungsname ${JSON.stringify(name)} in der alten Sicherungsdatei.`, { collection: name });
    if (this.seen.has(name)) throw invalid(`Sammlung "${name}" kommt in der alten Sicherungsdatei doppelt vor.`, { collection: name });
    this.seen.add(name);
    this.collection = name;
    this.index = 0;
  }

  private open(isObject: boolean): void {
    this.started = true;
    if (this.depth === 0 && !isObject) throw this.notAnObject([]);
    if (this.depth === 1 && isObject) throw this.notAList({});
    if (this.depth === 1) this.events.push({ type: 'collection', name: this.collection });
    if (this.depth === 2 && !isObject) throw this.notADocument([]);
    if (this.depth === 2) this.documentChars = 0;
    if (this.depth >= 2) this.stack.push(isObject ? { entries: [], key: '' } : { items: [] });
    this.depth++;
    this.count(1);
  }

  private close(): void {
    this.depth--;
    if (this.depth === 1) {
      this.events.push({ type: 'end-collection' });
      return;
    }
    if (this.depth < 2) return;
    const container = this.stack.pop()!;
    // Object.fromEntries defines own properties, so even a key "__proto__" stays data.
    const value = 'entries' in container ? Object.fromEntries(container.entries) : container.items;
    if (this.depth > 2) return this.value(value);
    this.events.push({ type: 'document', document: value as Record<string, unknown> });
    this.index++;
  }

  private value(value: unknown): void {
    this.started = true;
    if (this.depth === 0) throw this.notAnObject(value);
    if (this.depth === 1) throw this.notAList(value);
    if (this.depth === 2) throw this.notADocument(value);
    const top = this.stack.at(-1)!;
    if ('entries' in top) top.entries.push([top.key, value]);
    else top.items.push(value);
  }

  private notAnObject(found: unknown): AppError {
    return invalid(`Die alte Sicherungsdatei muss ein JSON-Objekt der Form {"sammlung": [dokumente]} sein; gefunden: ${this.describe(found)}.`);
  }

  private notAList(found: unknown): AppError {
    return invalid(`Sammlung "${this.collection}": erwartet wird eine Liste von Dokumenten; gefunden: ${this.describe(found)}.`, { collection: this.collection });
  }

  private notADocument(found: unknown): AppError {
    return invalid(
      `Sammlung "${this.collection}", Eintrag ${this.index} (ab 0 gezählt): erwartet wird ein Dokument (JSON-Objekt); gefunden: ${this.describe(found)}.`,
      { collection: this.collection, index: this.index },
    );
  }
}

/** Finds where the JSON parser stopped, as "Zeile L, Spalte C", reading the same text again. */
export class SyntaxErrorLocator {
  private readonly quoter = new NonFiniteQuoter();
  private readonly verify = jsonVerifier();

  /** The place, once found. */
  push(piece: string): string | undefined {
    return this.run(() => this.verify(this.quoter.push(piece)));
  }

  end(): string | undefined {
    return this.run(() => {
      this.verify(this.quoter.end());
      this.verify(none as unknown as string);
    });
  }

  private run(step: () => unknown): string | undefined {
    try {
      step();
      return undefined;
    } catch (error) {
      const { line, pos } = error as { line?: number; pos?: number };
      return line !== undefined && pos !== undefined ? `Zeile ${line}, Spalte ${pos}` : 'Stelle unbekannt';
    }
  }
}

const NON_FINITE = ['NaN', 'Infinity', '-Infinity'];

/** Replaces bare NaN / Infinity / -Infinity outside strings by marked strings, piece by piece. */
class NonFiniteQuoter {
  private inString = false;
  private escaped = false;
  private carry = '';

  push(piece: string): string {
    const text = this.carry + piece;
    this.carry = '';
    let result = '';
    let copied = 0;
    for (let i = 0; i < text.length; i++) {
      const char = text[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (char === '\\') this.escaped = true;
        else if (char === '"') this.inString = false;
      } else if (char === '"') {
        this.inString = true;
      } else if (char === 'N' || char === 'I' || char === '-') {
        const rest = text.slice(i, i + 9);
        const token = NON_FINITE.find((t) => rest.startsWith(t));
        if (token) {
          result += text.slice(copied, i) + JSON.stringify(NON_FINITE_MARKER + token);
          i += token.length - 1;
          copied = i + 1;
        } else if (i + 9 > text.length && NON_FINITE.some((t) => t.startsWith(rest))) {
          this.carry = text.slice(i);
          return result + text.slice(copied, i);
        }
      }
    }
    return result + text.slice(copied);
  }

  end(): string {
    const rest = this.carry;
    this.carry = '';
    return rest;
  }
}

export function invalid(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('ARCHIVE_INVALID', message, details === undefined ? undefined : { details });
}
