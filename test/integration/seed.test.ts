import { ObjectId, type Document } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCANDY_COLLECTIONS } from '../../src/config/collections.js';
import { demoDataPlan, generateCollection, type CollectionName } from '../../src/seed/demo-data.js';
import { isDatabaseEmpty, seedDatabase } from '../../src/seed/seed-database.js';
import { useTestDatabase } from '../helpers/database.js';

const first = (name: CollectionName, docs: number, seed?: number, n = 5): Document[] => {
  const out: Document[] = [];
  for (const doc of generateCollection(name, { docs, seed })) {
    out.push(doc);
    if (out.length === n) break;
  }
  return out;
};

/** Values FerretDB cannot store: nested arrays, `$`/dotted keys, NaN/Infinity. */
function ferretDbProblems(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => (Array.isArray(v) ? [`${path}.${i}`] : ferretDbProblems(v, `${path}.${i}`)));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).flatMap(([k, v]) => (k.startsWith('$') || k.includes('.') ? [`${path}.${k}`] : ferretDbProblems(v, `${path}.${k}`)));
  }
  return [];
}

describe('demoDataPlan', () => {
  it.each([0, 1, 9, 10, 15, 19, 20, 21, 100, 2000, 12_345, 1_000_000])('sums to %i', (docs) => {
    const plan = demoDataPlan(docs);
    expect(Object.keys(plan).sort()).toEqual([...SCANDY_COLLECTIONS].sort());
    expect(Object.values(plan).reduce((a, b) => a + b, 0)).toBe(docs);
    if (docs >= 20) for (const count of Object.values(plan)) expect(count).toBeGreaterThanOrEqual(1);
  });

  it('roughly follows the documented shares', () => {
    const plan = demoDataPlan(1_000_000);
    expect(plan.settings).toBe(10);
    expect(plan.lendings / 1_000_000).toBeCloseTo(0.44, 2);
    expect(plan.workers / 1_000_000).toBeCloseTo(0.02, 2);
  });

  it('never plans references without targets, even for tiny totals', () => {
    for (let docs = 0; docs < 20; docs++) {
      const plan = demoDataPlan(docs);
      if (plan.lendings > 0) expect(plan.tools * plan.workers).toBeGreaterThan(0);
      if (plan.ticket_messages > 0) expect(plan.tickets).toBeGreaterThan(0);
    }
  });

  it('rejects a negative or fractional total', () => {
    expect(() => demoDataPlan(-1)).toThrow(/docs/);
    expect(() => demoDataPlan(1.5)).toThrow(/docs/);
  });
});

describe('generateCollection', () => {
  it('is deterministic per seed', () => {
    for (const name of SCANDY_COLLECTIONS) {
      expect(first(name, 2000, 7)).toEqual(first(name, 2000, 7));
    }
    expect(first('tools', 2000, 7)).not.toEqual(first('tools', 2000, 8));
    expect(first('lendings', 2000, 7)).not.toEqual(first('lendings', 2000, 8));
  });

  it('yields lazily: the first 10 of 1,000,000 lendings come at once', () => {
    const docs = 2_300_000;
    expect(demoDataPlan(docs).lendings).toBeGreaterThanOrEqual(1_000_000);
    const started = performance.now();
    const iterator = generateCollection('lendings', { docs, seed: 3 });
    const taken = Array.from({ length: 10 }, () => iterator.next().value as Document);
    expect(performance.now() - started).toBeLessThan(500);
    expect(taken.every((d) => typeof d.tool_barcode === 'string')).toBe(true);
  });

  it('produces nothing FerretDB rejects', () => {
    for (const name of SCANDY_COLLECTIONS) {
      for (const doc of generateCollection(name, { docs: 2000, seed: 11 })) expect(ferretDbProblems(doc)).toEqual([]);
    }
  });
});

describe('seedDatabase (FerretDB)', () => {
  const { db } = useTestDatabase();
  const docs = 2000;
  const plan = demoDataPlan(docs);
  const all = {} as Record<CollectionName, Document[]>;
  let counts: Record<string, number>;
  let progressCalls = 0;

  beforeAll(async () => {
    expect(await isDatabaseEmpty(db, SCANDY_COLLECTIONS)).toBe(true);
    counts = await seedDatabase(db, { docs, seed: 42, batchSize: 250, onProgress: () => progressCalls++ });
    for (const name of SCANDY_COLLECTIONS) all[name] = await db.collection(name).find().toArray();
  });

  it('inserts exactly the planned documents', async () => {
    expect(counts).toEqual(plan);
    for (const name of SCANDY_COLLECTIONS) expect(await db.collection(name).countDocuments()).toBe(plan[name]);
    expect(progressCalls).toBeGreaterThanOrEqual(SCANDY_COLLECTIONS.length);
    expect(await isDatabaseEmpty(db, SCANDY_COLLECTIONS)).toBe(false);
  });

  it('keeps every reference pointing at a real document', () => {
    const tools = new Set(all.tools.map((d) => d.barcode as string));
    const workers = new Set(all.workers.map((d) => d.barcode as string));
    const consumables = new Set(all.consumables.map((d) => d.barcode as string));
    const tickets = new Set(all.tickets.map((d) => (d._id as ObjectId).toHexString()));
    for (const l of all.lendings) {
      expect(tools.has(l.tool_barcode as string)).toBe(true);
      expect(workers.has(l.worker_barcode as string)).toBe(true);
    }
    for (const u of all.consumable_usages) {
      expect(consumables.has(u.consumable_barcode as string)).toBe(true);
      expect(workers.has(u.worker_barcode as string)).toBe(true);
    }
    for (const m of [...all.ticket_messages, ...all.ticket_notes]) {
      expect(m.ticket_id).toBeInstanceOf(ObjectId);
      expect(tickets.has((m.ticket_id as ObjectId).toHexString())).toBe(true);
    }
  });

  it('stores unique barcodes and ObjectId _ids', () => {
    for (const [name, pattern] of [['tools', /^T\d{5}$/], ['consumables', /^C\d{5}$/], ['workers', /^W\d{5}$/]] as const) {
      const barcodes = all[name].map((d) => d.barcode as string);
      expect(new Set(barcodes).size).toBe(barcodes.length);
      expect(barcodes.every((b) => pattern.test(b))).toBe(true);
    }
    for (const name of SCANDY_COLLECTIONS) expect(all[name].every((d) => d._id instanceof ObjectId)).toBe(true);
  });

  it('has real dates and the messy shapes of real data', () => {
    expect(all.lendings.every((l) => l.lent_at instanceof Date)).toBe(true);
    expect(all.tools.every((t) => t.created_at instanceof Date && t.updated_at instanceof Date)).toBe(true);
    const returned = all.lendings.map((l) => (!('returned_at' in l) ? 'missing' : l.returned_at === null ? 'null' : l.returned_at instanceof Date ? 'date' : 'other'));
    expect(new Set(returned)).toEqual(new Set(['missing', 'null', 'date']));
    const due = all.tickets.map((t) => (!('due_date' in t) ? 'missing' : t.due_date instanceof Date ? 'date' : typeof t.due_date));
    expect(new Set(due)).toEqual(new Set(['missing', 'date', 'string']));
    expect(all.tickets.filter((t) => typeof t.due_date === 'string').every((t) => /^\d{4}-\d{2}-\d{2}$/.test(t.due_date as string))).toBe(true);
    const deleted = all.tools.map((t) => (t.deleted === true ? (t.deleted_at instanceof Date ? 'deleted' : 'bad') : 'deleted_at' in t ? String(t.deleted_at) : 'missing'));
    expect(new Set(deleted)).toEqual(new Set(['deleted', 'null', 'missing']));
    expect(all.workers.some((w) => 'Ausweisnummer' in w)).toBe(true);
    expect(all.consumable_usages.some((u) => (u.quantity as number) < 0) && all.consumable_usages.some((u) => (u.quantity as number) > 0)).toBe(true);
  });

  it('uses the Scandy vocabularies', () => {
    expect(all.tools.every((t) => ['verfügbar', 'ausgeliehen', 'defekt'].includes(t.status as string))).toBe(true);
    expect(all.tickets.every((t) => ['niedrig', 'normal', 'hoch', 'dringend'].includes(t.priority as string))).toBe(true);
    expect(all.tickets.every((t) => ['offen', 'in_bearbeitung', 'erledigt', 'geschlossen'].includes(t.status as string))).toBe(true);
    const numbers = all.tickets.map((t) => t.ticket_number as string);
    expect(numbers.every((n) => /^\d{4}-\d{3,}$/.test(n))).toBe(true);
    expect(new Set(numbers).size).toBe(numbers.length);
    const settings = new Map(all.settings.map((s) => [s.key as string, s.value as unknown]));
    expect(settings.get('admin_email')).toBe('admin@example.org');
    expect(Array.isArray(settings.get('categories'))).toBe(true);
    expect(settings.get('email_config')).toMatchObject({ smtp_port: 587 });
  });

  it('stores counts as int32 and prices as doubles', async () => {
    const consumables = db.collection('consumables');
    expect(await consumables.countDocuments({ quantity: { $type: 'int' }, min_quantity: { $type: 'int' } })).toBe(plan.consumables);
    const priced = all.consumables.filter((c) => 'price' in c).length;
    expect(priced).toBeGreaterThan(0);
    expect(await consumables.countDocuments({ price: { $type: 'double' } })).toBe(priced);
    expect(await db.collection('consumable_usages').countDocuments({ quantity: { $type: 'int' } })).toBe(plan.consumable_usages);
  });

  it('creates the barcode and reference indexes', async () => {
    const toolIndexes = await db.collection('tools').indexes();
    expect(toolIndexes.some((i) => i.key.barcode === 1 && i.unique === true)).toBe(true);
    expect((await db.collection('lendings').indexes()).some((i) => i.key.tool_barcode === 1)).toBe(true);
    expect((await db.collection('ticket_messages').indexes()).some((i) => i.key.ticket_id === 1)).toBe(true);
  });
});
