import { Transform, pipeline, type Readable, type TransformCallback } from 'node:stream';
import yauzl from 'yauzl';
import { AppError } from '../shared/app-error.js';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_LIMITS,
  ARCHIVE_VERSION,
  entrySizeProblem,
  type Manifest,
  MANIFEST_FILE,
  manifestSchema,
} from './archive-format.js';

export interface OpenedArchive {
  readonly manifest: Manifest;
  readonly fileSize: number;
  /**
   * Decompressed bytes of one entry. Its size in the zip headers equals the
   * manifest's `bytes`; reading stops with an error as soon as more comes out.
   */
  openEntry(fileName: string): Promise<Readable>;
  close(): void;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function invalid(message: string, cause?: unknown): AppError {
  return new AppError('ARCHIVE_INVALID', `Ungültiges Backup-Archiv: ${message}`, cause === undefined ? undefined : { cause });
}

/**
 * Opens a backup archive and reads its manifest. Nothing but the central
 * directory and the manifest is read, so this is cheap for a large archive.
 * Refuses anything that is not exactly what the format allows.
 */
export async function openArchive(filePath: string): Promise<OpenedArchive> {
  const zip = await openZip(filePath);
  try {
    const entries = await readEntries(zip);
    const manifestEntry = entries.get(MANIFEST_FILE);
    if (!manifestEntry) throw invalid('manifest.json fehlt');
    if (manifestEntry.uncompressedSize > ARCHIVE_LIMITS.maxManifestBytes) throw invalid('manifest.json ist zu groß');
    const manifest = parseManifest(await readWhole(zip, manifestEntry));
    checkEntriesMatchManifest(entries, manifest);
    return {
      manifest,
      fileSize: zip.fileSize,
      openEntry: async (fileName) => {
        const entry = entries.get(fileName);
        if (!entry) throw invalid(`${fileName} fehlt`);
        return openEntryStream(zip, entry);
      },
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/** Opens, hands the archive to `use`, and always closes it. */
export async function withArchive<T>(filePath: string, use: (archive: OpenedArchive) => Promise<T>): Promise<T> {
  const archive = await openArchive(filePath);
  try {
    return await use(archive);
  } finally {
    archive.close();
  }
}

function openZip(filePath: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(filePath, { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: false }, (error, zip) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') reject(new AppError('BACKUP_NOT_FOUND', `Backup-Datei nicht gefunden: ${filePath}`));
        else reject(invalid(`keine lesbare ZIP-Datei (${error.message})`, error));
      } else resolve(zip);
    });
  });
}

function readEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  return new Promise((resolve, reject) => {
    if (zip.entryCount > ARCHIVE_LIMITS.maxEntries) {
      reject(invalid(`zu viele Einträge (${zip.entryCount})`));
      return;
    }
    const entries = new Map<string, yauzl.Entry>();
    zip.on('entry', (entry: yauzl.Entry) => {
      const problem = entryProblem(entry, entries);
      if (problem) {
        zip.removeAllListeners('entry');
        reject(invalid(problem));
        return;
      }
      entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', (error: Error) => reject(invalid(`beschädigtes Inhaltsverzeichnis (${error.message})`, error)));
    zip.readEntry();
  });
}

function entryProblem(entry: yauzl.Entry, seen: Map<string, yauzl.Entry>): string | undefined {
  const name = entry.fileName;
  if (seen.has(name)) return `Eintrag doppelt vorhanden: ${name}`;
  if (name.endsWith('/')) return `unerwartetes Verzeichnis: ${name}`;
  if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) return `symbolischer Link nicht erlaubt: ${name}`;
  if (entry.isEncrypted()) return `verschlüsselter Eintrag: ${name}`;
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) return `unbekannte Kompression bei ${name}`;
  if (entry.compressionMethod === 0 && entry.compressedSize !== entry.uncompressedSize) return `Größenangaben von ${name} widersprechen sich`;
  const tooLarge = entrySizeProblem(entry.uncompressedSize);
  return tooLarge ? `${name}: ${tooLarge}` : undefined;
}

function parseManifest(bytes: Buffer): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw invalid(`manifest.json ist kein gültiges JSON (${(error as Error).message})`, error);
  }
  const header = raw as { format?: unknown; version?: unknown } | null;
  if (header?.format === ARCHIVE_FORMAT && typeof header.version === 'number' && header.version > ARCHIVE_VERSION) {
    throw new AppError(
      'ARCHIVE_UNSUPPORTED',
      `Archivformat Version ${header.version} ist neuer als diese Programmversion (unterstützt: 1 bis ${ARCHIVE_VERSION})`,
    );
  }
  const result = manifestSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'manifest';
    throw invalid(`manifest.json: ${where}: ${issue?.message ?? 'ungültig'}`);
  }
  return result.data;
}

function checkEntriesMatchManifest(entries: Map<string, yauzl.Entry>, manifest: Manifest): void {
  const expected = new Set([MANIFEST_FILE, ...manifest.collections.map((c) => c.file)]);
  for (const name of entries.keys()) {
    if (!expected.has(name)) throw invalid(`unerwarteter Eintrag: ${name}`);
  }
  for (const collection of manifest.collections) {
    const entry = entries.get(collection.file);
    if (!entry) throw invalid(`${collection.file} fehlt`);
    if (entry.uncompressedSize !== collection.bytes) {
      throw invalid(`${collection.file}: Größe ${entry.uncompressedSize} Bytes, laut Manifest ${collection.bytes}`);
    }
  }
}

function openEntryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) reject(invalid(`${entry.fileName} lässt sich nicht lesen (${error?.message ?? 'kein Stream'})`, error));
      else resolve(pipeline(stream, new DeclaredSizeGuard(entry), () => undefined));
    });
  });
}

/**
 * Passes exactly the declared number of bytes and fails the moment more come
 * out, so that an entry whose headers and manifest understate its size (a zip
 * bomb) is stopped after one chunk, not inflated to the end.
 */
class DeclaredSizeGuard extends Transform {
  private seen = 0;

  constructor(private readonly entry: yauzl.Entry) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    const declared = this.entry.uncompressedSize;
    if (this.seen > declared) {
      done(invalid(`${this.entry.fileName} entpackt sich zu mehr als den angegebenen ${declared} Bytes; Lesen abgebrochen (ZIP-Bombe oder beschädigt)`));
    } else done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const declared = this.entry.uncompressedSize;
    if (this.seen < declared) done(invalid(`${this.entry.fileName} ist abgeschnitten (${this.seen} von ${declared} Bytes)`));
    else done();
  }
}

async function readWhole(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const stream = await openEntryStream(zip, entry);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (error) {
    throw invalid(`${entry.fileName} ist beschädigt (${(error as Error).message})`, error);
  }
  return Buffer.concat(chunks);
}
