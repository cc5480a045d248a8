import { Double, ObjectId, type Document } from 'mongodb';
import { SCANDY_COLLECTIONS } from '../config/collections.js';
import { AppError } from '../shared/app-error.js';
import { mulberry32, type Rng } from '../shared/seeded-random.js';

export type CollectionName = (typeof SCANDY_COLLECTIONS)[number];

export interface DemoDataOptions {
  docs: number;
  seed?: number;
}

export const DEFAULT_SEED = 1;

/** Share of the non-settings documents per collection (sums to 100). */
const WEIGHTS: Readonly<Record<Exclude<CollectionName, 'settings'>, number>> = {
  tools: 8,
  consumables: 4,
  workers: 2,
  lendings: 44,
  consumable_usages: 28,
  tickets: 5,
  ticket_messages: 6,
  ticket_notes: 3,
};

/** Order in which a very small total is handed out, so every reference has a target. */
const SMALL_ORDER = ['tools', 'workers', 'consumables', 'tickets', 'lendings', 'consumable_usages', 'ticket_messages', 'ticket_notes'] as const;

const TOOL_CATEGORIES = ['Elektrowerkzeug', 'Handwerkzeug', 'Messwerkzeug', 'Gartengeräte', 'Schweißtechnik', 'Druckluft'];
const LOCATIONS = ['Werkstatt 1', 'Werkstatt 2', 'Lager Nord', 'Lager Süd', 'Halle 3', 'Büro Erdgeschoss', 'Außenlager'];
const DEPARTMENTS = ['Holzwerkstatt', 'Metallbau', 'Elektrotechnik', 'Garten- und Landschaftsbau', 'Malerei', 'Verwaltung', 'Hauswirtschaft'];
const CONSUMABLE_CATEGORIES = ['Befestigung', 'Schleifmittel', 'Arbeitsschutz', 'Elektromaterial', 'Klebstoffe', 'Farben'];
const TICKET_CATEGORIES = ['Reparatur', 'Bestellung', 'IT-Support', 'Gebäude', 'Sonstiges'];

/** [name, category]; categories are the `categories` setting. */
const TOOL_KINDS: ReadonlyArray<readonly [string, string]> = [
  ['Akkuschrauber', 'Elektrowerkzeug'], ['Bohrhammer', 'Elektrowerkzeug'], ['Winkelschleifer', 'Elektrowerkzeug'],
  ['Stichsäge', 'Elektrowerkzeug'], ['Kreissäge', 'Elektrowerkzeug'], ['Schlagbohrmaschine', 'Elektrowerkzeug'],
  ['Exzenterschleifer', 'Elektrowerkzeug'], ['Oberfräse', 'Elektrowerkzeug'], ['Bandschleifer', 'Elektrowerkzeug'],
  ['Heißluftgebläse', 'Elektrowerkzeug'], ['Nass-Trockensauger', 'Elektrowerkzeug'], ['Wasserwaage', 'Messwerkzeug'],
  ['Multimeter', 'Messwerkzeug'], ['Zollstock', 'Messwerkzeug'], ['Laser-Entfernungsmesser', 'Messwerkzeug'],
  ['Drehmomentschlüssel', 'Handwerkzeug'], ['Rohrzange', 'Handwerkzeug'], ['Hobel', 'Handwerkzeug'],
  ['Steckschlüsselsatz', 'Handwerkzeug'], ['Schraubstock', 'Handwerkzeug'], ['Fliesenschneider', 'Handwerkzeug'],
  ['Tacker', 'Handwerkzeug'], ['Kettensäge', 'Gartengeräte'], ['Heckenschere', 'Gartengeräte'],
  ['Rasenmäher', 'Gartengeräte'], ['Schweißgerät', 'Schweißtechnik'], ['Lötstation', 'Schweißtechnik'],
  ['Kompressor', 'Druckluft'], ['Druckluftnagler', 'Druckluft'],
];
const BRANDS = ['Bosch', 'Makita', 'Metabo', 'Festool', 'Hilti', 'Knipex', 'Wera', 'Stabila', 'Fein', 'Gedore'];
const CONSUMABLE_KINDS: ReadonlyArray<readonly [string, string]> = [
  ['Holzschrauben 4x40', 'Befestigung'], ['Spanplattenschrauben 5x60', 'Befestigung'], ['Dübel 8 mm', 'Befestigung'],
  ['Unterlegscheiben M8', 'Befestigung'], ['Gewindestangen M10', 'Befestigung'], ['Schleifpapier K120', 'Schleifmittel'],
  ['Schleifpapier K240', 'Schleifmittel'], ['Trennscheiben 125 mm', 'Schleifmittel'], ['Arbeitshandschuhe Gr. 9', 'Arbeitsschutz'],
  ['Schutzbrille', 'Arbeitsschutz'], ['Gehörschutzstöpsel', 'Arbeitsschutz'], ['Isolierband schwarz', 'Elektromaterial'],
  ['Wago-Klemmen 3-fach', 'Elektromaterial'], ['Kabelbinder 200 mm', 'Elektromaterial'], ['Lötzinn 1 mm', 'Elektromaterial'],
  ['Holzleim D3', 'Klebstoffe'], ['Silikon transparent', 'Klebstoffe'], ['Malerkrepp 30 mm', 'Farben'],
  ['Abdeckfolie', 'Farben'], ['Dispersionsfarbe weiß 10 l', 'Farben'],
];
const FIRST_NAMES = [
  'Jürgen', 'Müslüm', 'Özlem', 'Björn', 'Jörg', 'Sören', 'Käthe', 'Hans-Peter', 'Anna', 'Lena', 'Lukas', 'Jonas',
  'Maximilian', 'Sophie', 'Marie', 'Günther', 'Ursula', 'Renée', 'Çağla', 'Zoë', 'Tobias', 'Katharina', 'Fynn', 'Mia',
];
const LAST_NAMES = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weiß', 'Groß', 'Schäfer', 'Köhler', 'Bäcker', 'Hoffmann', 'Krüger',
  'Meißner', 'Wagner', 'Becker', 'Schulz', 'Jäger', 'Strauß', 'Böhm', 'Lößner', 'Yılmaz', 'Nowak', 'Öztürk', 'Fuß',
];
const USERS = ['admin', 'mwerner', 'skoehler', 'werkstatt', 'lager', 'jmueller', 'verwaltung'];
const TICKET_TITLES = [
  'Akkuschrauber lädt nicht mehr', 'Bohrhammer macht Geräusche', 'Neue Schutzbrillen bestellen', 'Drucker im Büro defekt',
  'Heizung in Halle 3 ausgefallen', 'Kabelbinder fast aufgebraucht', 'Zugang zum Lager Süd klemmt', 'Laptop startet nicht',
  'Kreissäge: Sägeblatt stumpf', 'Licht in Werkstatt 2 flackert',
];
const MESSAGES = [
  'Habe mir das angeschaut, Ersatzteil ist bestellt.', 'Wann kann ich das Gerät wieder abholen?',
  'Bitte bis Freitag erledigen, danke!', 'Ist erledigt, bitte prüfen.', 'Rückfrage: welches Modell genau?',
  'Grüße aus der Werkstatt – läuft wieder.', 'Lieferung verzögert sich um eine Woche.',
];
const NOTES = [
  'Garantie prüfen (Kaufdatum 2022).', 'Kosten ca. 45 € – Freigabe Verwaltung nötig.', 'Hersteller-Service angerufen.',
  'Intern: nicht an Externe weitergeben.', 'Altgerät entsorgt.',
];
const USAGE_REASONS = ['Projekt Gartenhaus', 'Reparatur Werkbank', 'Inventur', 'Nachlieferung', 'Ausbildung', 'Schulung Arbeitsschutz'];
const REMARKS = ['Schlüssel Spind 12', 'nur vormittags', 'Praktikum bis Ende Juli', 'Führerschein Klasse B'];

const TIME_START = Date.UTC(2023, 0, 1);
const TIME_END = Date.UTC(2025, 5, 30);
const TIME_SPAN = TIME_END - TIME_START;
const DAY = 86_400_000;

export interface DemoSetting {
  readonly key: string;
  readonly value: string | string[] | Document;
}

export const DEMO_SETTINGS: readonly DemoSetting[] = [
  { key: 'system_name', value: 'Scandy' },
  { key: 'admin_email', value: 'admin@example.org' },
  { key: 'categories', value: TOOL_CATEGORIES },
  { key: 'consumable_categories', value: CONSUMABLE_CATEGORIES },
  { key: 'locations', value: LOCATIONS },
  { key: 'departments', value: DEPARTMENTS },
  { key: 'ticket_categories', value: TICKET_CATEGORIES },
  { key: 'label_tools', value: { name: 'Werkzeuge', icon: 'fas fa-tools' } },
  { key: 'label_consumables', value: { name: 'Verbrauchsgüter', icon: 'fas fa-box-open' } },
  { key: 'email_config', value: { enabled: true, smtp_server: 'smtp.example.org', smtp_port: 587, use_tls: true, sender: 'scandy@example.org' } },
];

/** How many documents each collection gets; the values always sum to `docs`. */
export function demoDataPlan(docs: number): Record<CollectionName, number> {
  assertDocs(docs);
  const plan = Object.fromEntries(SCANDY_COLLECTIONS.map((name) => [name, 0])) as Record<CollectionName, number>;
  plan.settings = Math.min(DEMO_SETTINGS.length, docs);
  const rest = docs - plan.settings;
  if (rest < SMALL_ORDER.length) {
    SMALL_ORDER.slice(0, rest).forEach((name) => (plan[name] = 1));
    return plan;
  }
  // One each, then the remainder by weight (largest-remainder rounding).
  const extra = rest - SMALL_ORDER.length;
  const shares = SMALL_ORDER.map((name) => ({ name, exact: (extra * WEIGHTS[name]) / 100 }));
  let handedOut = 0;
  for (const { name, exact } of shares) {
    plan[name] = 1 + Math.floor(exact);
    handedOut += Math.floor(exact);
  }
  shares.sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)));
  for (let i = 0; i < extra - handedOut; i++) plan[shares[i % shares.length]!.name] += 1;
  return plan;
}

/** Yields the documents of one collection lazily; the same options give the same documents. */
export function* generateCollection(name: CollectionName, options: DemoDataOptions): Generator<Document, void, undefined> {
  const ctx = context(options);
  const count = ctx.plan[name];
  const build = BUILDERS[name];
  for (let i = 0; i < count; i++) yield build(ctx, i);
}

export function toolBarcode(i: number): string {
  return `T${String(i + 1).padStart(5, '0')}`;
}

export function consumableBarcode(i: number): string {
  return `C${10001 + i}`;
}

export function workerBarcode(i: number): string {
  return `W${50001 + i}`;
}

interface Context {
  readonly seed: number;
  readonly plan: Record<CollectionName, number>;
}


function context(options: DemoDataOptions): Context {
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed)) throw new AppError('INVALID_INPUT', `seed must be an integer, got ${seed}`);
  return { seed: seed >>> 0, plan: demoDataPlan(options.docs) };
}

function assertDocs(docs: number): void {
  if (!Number.isSafeInteger(docs) || docs < 0) throw new AppError('INVALID_INPUT', `docs must be a non-negative integer, got ${docs}`);
}

function mix(h: number, value: number): number {
  h = Math.imul(h ^ (value >>> 0), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Independent random stream for document `i` of a collection; `salt` separates derived values. */
function rngFor(ctx: Context, name: CollectionName, i: number, salt = 0): Rng {
  const index = SCANDY_COLLECTIONS.indexOf(name);
  return mulberry32(mix(mix(mix(mix(0x9e3779b9, ctx.seed), index), i), salt));
}

/** Unique per (collection, i): timestamp | collection | seed hash | index. */
function objectIdFor(ctx: Context, name: CollectionName, i: number, at: Date): ObjectId {
  const seconds = Math.floor(at.getTime() / 1000);
  const hex = [
    seconds.toString(16).padStart(8, '0'),
    SCANDY_COLLECTIONS.indexOf(name).toString(16).padStart(2, '0'),
    (mix(0x2545f491, ctx.seed) & 0xffffff).toString(16).padStart(6, '0'),
    (i >>> 0).toString(16).padStart(8, '0'),
  ].join('');
  return new ObjectId(hex);
}

const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const chance = (rng: Rng, p: number) => rng() < p;
const dateIn = (rng: Rng, from = TIME_START, span = TIME_SPAN) => new Date(from + Math.floor(rng() * span));
const after = (rng: Rng, date: Date, maxDays: number) => new Date(date.getTime() + Math.floor(rng() * maxDays * DAY));

/** deleted/deleted_at in the shapes real data has: soft-deleted, null, or missing. */
function deletionFields(rng: Rng, createdAt: Date): Document {
  const roll = rng();
  if (roll < 0.06) return { deleted: true, deleted_at: after(rng, createdAt, 200) };
  if (roll < 0.6) return { deleted: false, deleted_at: null };
  return { deleted: false };
}

function timestamps(rng: Rng, createdAt: Date): Document {
  const updatedAt = chance(rng, 0.5) ? createdAt : after(rng, createdAt, 120);
  return { created_at: createdAt, updated_at: updatedAt };
}

function toolKind(ctx: Context, i: number): { name: string; category: string } {
  const rng = rngFor(ctx, 'tools', i, 1);
  const [name, category] = pick(rng, TOOL_KINDS);
  return { name: `${name} ${pick(rng, BRANDS)}`, category };
}

function workerName(ctx: Context, i: number): { firstname: string; lastname: string } {
  const rng = rngFor(ctx, 'workers', i, 1);
  return { firstname: pick(rng, FIRST_NAMES), lastname: pick(rng, LAST_NAMES) };
}

function emailLocalPart(text: string): string {
  return text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/ı/g, 'i')
    .normalize('NFD')
    .replace(/[^a-z0-9-]/g, '');
}

/** Tickets are spread evenly over time in index order, so ticket numbers per month can be derived. */
function ticketCreatedAt(ctx: Context, i: number): Date {
  const step = TIME_SPAN / ctx.plan.tickets;
  return new Date(Math.floor(TIME_START + (i + rngFor(ctx, 'tickets', i, 1)()) * step));
}

function ticketNumber(ctx: Context, i: number, createdAt: Date): string {
  const monthStart = Date.UTC(createdAt.getUTCFullYear(), createdAt.getUTCMonth(), 1);
  const step = TIME_SPAN / ctx.plan.tickets;
  let first = Math.max(0, Math.floor((monthStart - TIME_START) / step));
  if (ticketCreatedAt(ctx, first).getTime() < monthStart) first += 1;
  const yymm = `${String(createdAt.getUTCFullYear() % 100).padStart(2, '0')}${String(createdAt.getUTCMonth() + 1).padStart(2, '0')}`;
  return `${yymm}-${String(i - first + 1).padStart(3, '0')}`;
}

function ticketId(ctx: Context, i: number): ObjectId {
  return objectIdFor(ctx, 'tickets', i, ticketCreatedAt(ctx, i));
}

function buildTool(ctx: Context, i: number): Document {
  const rng = rngFor(ctx, 'tools', i);
  const createdAt = dateIn(rng);
  const roll = rng();
  const status = roll < 0.7 ? 'verfügbar' : roll < 0.92 ? 'ausgeliehen' : 'defekt';
  const times = timestamps(rng, createdAt);
  return {
    _id: objectIdFor(ctx, 'tools', i, createdAt),
    ...toolKind(ctx, i),
    barcode: toolBarcode(i),
    description: chance(rng, 0.7) ? `Inventar-Nr. ${int(rng, 1000, 9999)}, ${pick(rng, ['neuwertig', 'gebraucht', 'mit Koffer', 'Akku 18 V'])}` : '',
    location: pick(rng, LOCATIONS),
    status,
    ...times,
    modified_at: times.updated_at as Date,
    ...deletionFields(rng, createdAt),
  };
}

function buildConsumable(ctx: Context, i: number): Document {
  const rng = rngFor(ctx, 'consumables', i);
  const createdAt = dateIn(rng);
  const [name, category] = pick(rng, CONSUMABLE_KINDS);
  const doc: Document = {
    _id: objectIdFor(ctx, 'consumables', i, createdAt),
    name,
    barcode: consumableBarcode(i),
    category,
    location: pick(rng, LOCATIONS),
    description: chance(rng, 0.5) ? `${pick(rng, ['Packung', 'Karton', 'Rolle', 'Stück'])} à ${int(rng, 1, 200)}` : '',
    quantity: int(rng, 0, 500),
    min_quantity: int(rng, 0, 50),
  };
  if (chance(rng, 0.6)) doc.price = new Double(int(rng, 10, 9999) / 100);
  return { ...doc, ...timestamps(rng, createdAt), ...deletionFields(rng, createdAt) };
}

function buildWorker(ctx: Context, i: number): Document {
  const rng = rngFor(ctx, 'workers', i);
  const createdAt = dateIn(rng);
  const { firstname, lastname } = workerName(ctx, i);
  const doc: Document = {
    _id: objectIdFor(ctx, 'workers', i, createdAt),
    barcode: workerBarcode(i),
    firstname,
    lastname,
    department: pick(rng, DEPARTMENTS),
    email: chance(rng, 0.8) ? `${emailLocalPart(firstname)}.${emailLocalPart(lastname)}${i}@example.org` : '',
    ...timestamps(rng, createdAt),
    ...deletionFields(rng, createdAt),
  };
  if (chance(rng, 0.25)) {
    doc.Ausweisnummer = `A-${int(rng, 100000, 999999)}`;
    if (chance(rng, 0.7)) doc.Telefon = `0${int(rng, 30, 991)} ${int(rng, 100000, 9999999)}`;
    if (chance(rng, 0.5)) doc.Bemerkung = pick(rng, REMARKS);
    if (chance(rng, 0.3)) doc.Kostenstelle = int(rng, 4000, 4999);
  }
  return doc;
}

function buildLending(ctx: Context, i: number): Document {
  const rng = rngFor(ctx, 'lendings', i);
  const tool = int(rng, 0, ctx.plan.tools - 1);
  const worker = int(rng, 0, ctx.plan.workers - 1);
  const lentAt = dateIn(rng);
  const doc: Document = {
    _id: objectIdFor(ctx, 'lendings', i, lentAt),
    tool_barcode: toolBarcode(tool),
    worker_barcode: workerBarcode(worker),
    lent_at: lentAt,
  };
  const roll = rng();
  if (roll < 0.6) doc.returned_at = after(rng, lentAt, 30);
  else if (roll < 0.8) doc.returned_at = null;
  if (chance(rng, 0.5)) {
    const { firstname, lastname } = workerName(ctx, worker);
    doc.tool_name = toolKind(ctx, tool).name;
    doc.worker_name = `${firstname} ${lastname}`;
  }
  return doc;
}

function buildConsumableUsage(ctx: Context, i: number): Document {
  const rng = rngFor(ctx, 'consumable_usages', i);
  const usedAt = dateIn(rng);
  const doc: Document = {
    _id: objectIdFor(ctx, 'consumable_usages', i, usedAt),
    consumable_barcode: consumableBarcode(int(rng, 0, ctx.plan.consumables - 1)),
    worker_barcode: workerBarcode(int(rng, 0, ctx.plan.workers - 1)),
    quantity: chance(rng, 0.85) ? -int(rng, 1, 20) : int(rng, 1, 100),
    used_at: usedAt,
  };
  if (chance(rng, 0.4)) doc.reason = pick(rng, USAGE_REASONS);
  return doc;
}

function buildSetting(ctx: Context, i: number): Document {
  const rng = rngFor(ctx, 'settings', i);
  const setting = DEMO_SETTINGS[i]!;
  const createdAt = dateIn(rng, TIME_START, 30 * DAY);
  const value = Array.isArray(setting.value) ? [...setting.value] : typeof setting.value === 'string' ? setting.value : { ...setting.value };
  return { _id: objectIdFor(ctx, 'settings', i, createdAt), key: setting.key, value, ...timestamps(rng, createdAt) };
}

function buildTicket(ctx: Context, i: number): Document {
  const rng = rngFor(ctx, 'tickets', i);
  const createdAt = ticketCreatedAt(ctx, i);
  const status = pick(rng, ['offen', 'offen', 'in_bearbeitung', 'erledigt', 'geschlossen'] as const);
  const done = status === 'erledigt' || status === 'geschlossen';
  const doc: Document = {
    _id: ticketId(ctx, i),
    ticket_number: ticketNumber(ctx, i, createdAt),
    title: pick(rng, TICKET_TITLES),
    description: `${pick(rng, MESSAGES)} Standort: ${pick(rng, LOCATIONS)}.`,
    category: pick(rng, TICKET_CATEGORIES),
    priority: pick(rng, ['niedrig', 'normal', 'normal', 'hoch', 'dringend'] as const),
    status,
    created_by: pick(rng, USERS),
    assigned_to: status === 'offen' && chance(rng, 0.5) ? null : pick(rng, USERS),
    resolved_at: done ? after(rng, createdAt, 20) : null,
  };
  const due = rng();
  if (due < 0.4) doc.due_date = after(rng, createdAt, 30);
  else if (due < 0.7) doc.due_date = after(rng, createdAt, 30).toISOString().slice(0, 10);
  return { ...doc, ...timestamps(rng, createdAt), ...deletionFields(rng, createdAt) };
}

function buildTicketMessage(ctx: Context, i: number): Document {
  const rng = rngFor(ctx, 'ticket_messages', i);
  const ticket = int(rng, 0, ctx.plan.tickets - 1);
  const createdAt = after(rng, ticketCreatedAt(ctx, ticket), 14);
  return {
    _id: objectIdFor(ctx, 'ticket_messages', i, createdAt),
    ticket_id: ticketId(ctx, ticket),
    message: pick(rng, MESSAGES),
    sender: pick(rng, USERS),
    created_at: createdAt,
    updated_at: createdAt,
  };
}

function buildTicketNote(ctx: Context, i: number): Document {
  const rng = rngFor(ctx, 'ticket_notes', i);
  const ticket = int(rng, 0, ctx.plan.tickets - 1);
  const createdAt = after(rng, ticketCreatedAt(ctx, ticket), 14);
  return {
    _id: objectIdFor(ctx, 'ticket_notes', i, createdAt),
    ticket_id: ticketId(ctx, ticket),
    note: pick(rng, NOTES),
    created_by: pick(rng, USERS),
    created_at: createdAt,
    updated_at: createdAt,
  };
}

const BUILDERS: Readonly<Record<CollectionName, (ctx: Context, i: number) => Document>> = {
  tools: buildTool,
  consumables: buildConsumable,
  workers: buildWorker,
  lendings: buildLending,
  consumable_usages: buildConsumableUsage,
  settings: buildSetting,
  tickets: buildTicket,
  ticket_messages: buildTicketMessage,
  ticket_notes: buildTicketNote,
};
