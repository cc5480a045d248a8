import { Binary, Double, Int32, Long, ObjectId, Timestamp, type Document } from 'mongodb';
import type { Rng } from '../../src/shared/seeded-random.js';

/** A random document of the BSON types Scandy's data is made of, nested up to five levels. */
export function randomDocument(rng: Rng, depth: number): Document {
  const doc: Document = {};
  const fields = Math.floor(rng() * 6);
  for (let i = 0; i < fields; i++) doc[`f${i}_${Math.floor(rng() * 100)}x`] = randomValue(rng, depth);
  return doc;
}

function randomValue(rng: Rng, depth: number): unknown {
  const kinds = depth > 3 ? 9 : 11;
  switch (Math.floor(rng() * kinds)) {
    case 0:
      return new Double((rng() - 0.5) * 10 ** Math.floor(rng() * 40 - 20));
    case 1:
      return new Int32(Math.floor((rng() - 0.5) * 2 ** 32));
    case 2:
      return Long.fromNumber(Math.floor((rng() - 0.5) * 2 ** 60));
    case 3:
      return String.fromCodePoint(...Array.from({ length: Math.floor(rng() * 12) }, () => Math.floor(rng() * 0x2fff)));
    case 4:
      return new Date(Math.floor((rng() - 0.5) * 2 ** 45));
    case 5:
      return new Binary(Buffer.from(Array.from({ length: Math.floor(rng() * 20) }, () => Math.floor(rng() * 256))));
    case 6:
      return new ObjectId();
    case 7:
      return rng() < 0.5 ? rng() < 0.5 : null;
    case 8:
      return new Timestamp({ t: Math.floor(rng() * 2 ** 32), i: Math.floor(rng() * 2 ** 32) });
    case 9:
      return randomDocument(rng, depth + 1);
    default:
      return Array.from({ length: Math.floor(rng() * 4) }, () => randomValue(rng, depth + 1));
  }
}
