import { randomBytes } from 'node:crypto';

export function randomToken(bytes = 6): string {
  return randomBytes(bytes).toString('hex');
}
