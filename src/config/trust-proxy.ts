import { isIP } from 'node:net';
import { z } from 'zod';

/** Express's names for address ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, an address/prefix (CIDR), or one of Express's named ranges. */
export function isProxyAddress(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: unset or `false` (no proxy), a hop count, or the proxies'
 * addresses. `true` is refused: Express would then take the left-most
 * X-Forwarded-For entry, which any client writes itself, and the login rate
 * limit could be passed by sending a new address with every attempt.
 */
export const trustProxyVariable = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z
    .string()
    .trim()
    .optional()
    .superRefine((value, context) => {
      if (value === undefined || value === 'false' || /^\d{1,3}$/.test(value)) return;
      if (value === 'true') {
        context.addIssue({
          code: 'custom',
          message:
            'darf nicht true sein (dann gibt jeder Client mit X-Forwarded-For eine beliebige Adresse vor); die Anzahl der Proxys vor der App (z. B. 1) oder ihre Adressen angeben',
        });
      } else if (!value.split(',').every((entry) => isProxyAddress(entry.trim()))) {
        context.addIssue({ code: 'custom', message: 'muss false, die Anzahl der Proxys (z. B. 1) oder ihre Adressen/Netze sein (z. B. 10.0.0.1, 172.16.0.0/12, loopback)' });
      }
    })
    .transform((value): false | number | string => {
      if (value === undefined || value === 'false') return false;
      return /^\d+$/.test(value) ? Number(value) : value.split(',').map((entry) => entry.trim()).join(', ');
    }),
);
