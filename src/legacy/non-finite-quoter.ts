import { randomUUID } from 'node:crypto';

/**
 * Python writes non-finite floats as bare NaN/Infinity (not JSON); they are
 * quoted behind this marker before parsing. The random part makes a clash
 * with a real string impossible.
 */
export const NON_FINITE_MARKER = `\u0000scandy-non-finite-${randomUUID()}:`;

const NON_FINITE = ['NaN', 'Infinity', '-Infinity'];

/** Replaces bare NaN / Infinity / -Infinity outside strings by marked strings, piece by piece. */
export class NonFiniteQuoter {
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
