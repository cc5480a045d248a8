import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BSON, MongoClient, MongoServerError, ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { withArchive } from '../../src/archive/archive-reader.js';
import { readCollectionDocuments } from '../../src/archive/collection-reader.js';
import type { BackupContext, Failpoints } from '../../src/backup/backup-context.js';
import { createBackupContext } from '../../src/app/compose.js';
import type { BackupEvent } from '../../src/backup/backup-events.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { listBackups } from '../../src/backup/list-backups.js';
import { verifyBackup } from '../../src/backup/verify-backup.js';
import type { ServerCapabilities } from '../../src/db/server-capabilities.js';
import { createEventLog } from '../../src/log/event-log.js';
import { useTestDatabase } from '../helpers/database.js';
import { snapshot, type CollectionSnapshot } from '../helpers/snapshot.js';
import { useTempDir } from '../helpers/temp-dir.js';

/** No replica set runs here: the test claims snapshot reads (FerretDB ignores the session) and injects the server's error. */
const t = useTestDatabase();
const backupDir = useTempDir();
const logDir = useTempDir('scandy-snapshot-log-');
const collections = ['tools', 'workers', 'settings'];
const REPLICA_SET: ServerCapabilities = { isFerretDb: true, snapshotReads: true, version: 'test' };

function context(events: BackupEvent[], failpoints?: Failpoints, capabilities: ServerCapabilities = REPLICA_SET): BackupContext {
  const log = createEventLog({ logDir, timeZone: 'UTC', secrets: [] });
  return createBackupContext({ backupDir, backupCollections: collections, backupKeep: 20 }, t.db, {
    emit: (event) => {
      events.push(event);
      log.sink(event);
    },
    capabilities,
    ...(failpoints ? { failpoints } : {}),
  });
}

function snapshotTooOld(): MongoServerError {
  return new MongoServerError({
    ok: 0,
    code: 239,
    codeName: 'SnapshotTooOld',
    errmsg: 'Read timestamp Timestamp(1764626400, 1) is older than the oldest available timestamp.',
  });
}

/** Raw BSON of every document in the archive, per collection, keyed like the database snapshot. */
async function archived(file: string): Promise<Map<string, Map<string, Buffer>>> {
  return withArchive(file, async (archive) => {
    const result = new Map<string, Map<string, Buffer>>();
    for (const entry of archive.manifest.collections) {
      const documents = new Map<string, Buffer>();
      let count = 0;
      for await (const batch of readCollectionDocuments(archive, entry)) {
        for (const doc of batch) {
          count++;
          documents.set(BSON.EJSON.stringify(doc._id, { relaxed: false }), Buffer.from(BSON.serialize(doc)));
        }
      }
      expect(documents.size, `${entry.name}: each _id once`).toBe(count);
      result.set(entry.name, documents);
    }
    return result;
  });
}

function expectSameDocuments(database: Map<string, CollectionSnapshot>, archive: Map<string, Map<string, Buffer>>): void {
  for (const name of collections) {
    const expected = database.get(name)!.documents;
    const actual = archive.get(name)!;
    expect(actual.size, name).toBe(expected.size);
    for (const [id, bytes] of expected) expect(actual.get(id)?.equals(bytes), `${name} ${id}`).toBe(true);
  }
}

let before: Map<string, CollectionSnapshot>;

beforeAll(async () => {
  // 2,500 tools: three read batches, so the error can strike after documents of the collection were written.
  await t.db.collection('tools').insertMany(
    Array.from({ length: 2500 }, (_, i) => ({ _id: new ObjectId(), name: `Hammer ${i}`, barcode: `T${String(i).padStart(5, '0')}` })),
  );
  await t.db.collection('workers').insertMany([{ _id: new ObjectId(), firstname: 'Jürgen' }, { _id: new ObjectId(), firstname: 'Anna' }]);
  await t.db.collection('settings').insertOne({ _id: new ObjectId(), key: 'categories', value: ['Elektro'] });
  before = await snapshot(t.db, collections);
});

describe('a backup whose snapshot expires (SnapshotTooOld) on a replica set', () => {
  it('reads under one snapshot and says so when the snapshot holds', async () => {
    const events: BackupEvent[] = [];
    const result = await createBackup(context(events), { kind: 'manual' });
    expect(result.manifest.consistency).toBe('snapshot');
    expect(events.map((e) => e.type)).not.toContain('backup.snapshot-expired');
  });

  it('uses the snapshot session for one command at a time (a session is not for concurrent operations), yet reads ahead on each cursor', async () => {
    const client = new MongoClient(t.uri, { monitorCommands: true });
    try {
      const db = client.db(t.dbName);
      const running = new Map<number, string>();
      const overlaps: string[] = [];
      let getMores = 0;
      client.on('commandStarted', (event) => {
        const lsid = (event.command as { lsid?: { id?: { toString(encoding: string): string } } }).lsid?.id?.toString('hex');
        if (!lsid || !['find', 'getMore'].includes(event.commandName)) return;
        if (event.commandName === 'getMore') getMores++;
        for (const [other, session] of running) if (session === lsid) overlaps.push(`${event.commandName} while request ${other} ran`);
        running.set(event.requestId, lsid);
      });
      const ended = (event: { requestId: number }) => running.delete(event.requestId);
      client.on('commandSucceeded', ended);
      client.on('commandFailed', ended);
      const ctx = createBackupContext({ backupDir, backupCollections: collections, backupKeep: 20 }, db, { capabilities: REPLICA_SET });
      const result = await createBackup(ctx, { kind: 'manual' });
      expect(result.manifest.consistency).toBe('snapshot');
      expect(getMores).toBeGreaterThan(0);
      expect(overlaps).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('continues without the snapshot: complete, byte-identical, no duplicates, and it says per-collection', async () => {
    const events: BackupEvent[] = [];
    const reads: string[] = [];
    const failpoints: Failpoints = {
      afterReadBatch(collection, consistency) {
        reads.push(`${collection}:${consistency}`);
        // The second batch of tools: 1000 of its documents are already in the zip entry.
        if (consistency === 'snapshot' && collection === 'tools' && reads.filter((r) => r === 'tools:snapshot').length === 2) {
          throw snapshotTooOld();
        }
      },
    };
    const result = await createBackup(context(events, failpoints), { kind: 'manual' });

    expect(reads.filter((r) => r.endsWith(':snapshot'))).toEqual(['tools:snapshot', 'tools:snapshot']);
    expect(result.manifest.consistency).toBe('per-collection');
    expect(result.documents).toBe(2503);
    await expect(verifyBackup(context([]), { name: result.backup.name })).resolves.toMatchObject({ documents: 2503 });
    expectSameDocuments(before, await archived(result.backup.path));

    expect(events.map((e) => e.type)).toEqual(['backup.started', 'backup.snapshot-expired', 'backup.succeeded']);
    const log = readFileSync(path.join(logDir, 'auto_backup.log'), 'utf8');
    expect(log).toMatch(/\] Snapshot abgelaufen \(Collection "tools" konnte nicht gelesen werden: Read timestamp .*\); das Backup liest die Daten erneut ohne Snapshot, jede Collection für sich\n/);

    const listed = (await listBackups(context([]))).find((b) => b.name === result.backup.name);
    expect(listed?.consistency).toBe('per-collection');
  });

  it('fails as before on any other read error, without a second attempt', async () => {
    const events: BackupEvent[] = [];
    const failpoints: Failpoints = {
      afterReadBatch(collection) {
        if (collection === 'workers') throw new MongoServerError({ ok: 0, code: 13, codeName: 'Unauthorized', errmsg: 'not authorized' });
      },
    };
    await expect(createBackup(context(events, failpoints), { kind: 'manual' })).rejects.toThrow(/not authorized/);
    expect(events.map((e) => e.type)).toEqual(['backup.started', 'backup.failed']);
  });

  it('reads per collection without trying a snapshot where the server offers none', async () => {
    const reads = new Set<string>();
    const standalone = { ...REPLICA_SET, snapshotReads: false };
    const result = await createBackup(context([], { afterReadBatch: (c, consistency) => void reads.add(consistency) }, standalone), {
      kind: 'manual',
    });
    expect([...reads]).toEqual(['per-collection']);
    expect(result.manifest.consistency).toBe('per-collection');
  });
});
