import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/local-ferretdb.js';
import { createS3Client } from '../../src/storage/s3-client.js';
import { S3Place } from '../../src/storage/s3-place.js';
import { S3Target } from '../../src/storage/s3-target.js';
import type { StoragePlace } from '../../src/storage/storage-place.js';
import { TestS3Server } from '../helpers/s3-server.js';
import { chunked, failureOf, nextName, readAll } from '../helpers/storage-place-suite.js';

const MiB = 1024 * 1024;
const PART_SIZE = 5 * MiB;
const PREFIX = 'werkstatt';
const WRONG_SECRET = 'falsch-' + randomBytes(12).toString('hex');
/** Every message a fault produced; none may quote a key. */
const messages: string[] = [];

async function failure(operation: Promise<unknown>) {
  const result = await failureOf(operation);
  messages.push(result.message);
  return result;
}

function placeFor(server: TestS3Server, options: { credentials?: { accessKeyId: string; secretAccessKey: string }; bucket?: string; port?: number } = {}): StoragePlace {
  const config = server.clientConfig(options.credentials);
  if (options.port) config.endpoint = `http://127.0.0.1:${options.port}`;
  return new S3Place(new S3Target(createS3Client({ forcePathStyle: true }, config), options.bucket ?? server.bucket!, PREFIX), undefined, {
    partSize: PART_SIZE,
  });
}

/** 1 MiB chunks, slowly; calls `atHalf` once when half of them have been taken. */
function slowSource(totalMiB: number, atHalf: () => void): Readable {
  return Readable.from((async function* () {
    for (let i = 0; i < totalMiB; i++) {
      if (i === Math.floor(totalMiB / 2)) atHalf();
      yield randomBytes(MiB);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })());
}

describe('S3 faults', () => {
  let server: TestS3Server;
  beforeAll(async () => {
    server = await TestS3Server.start({ iam: true });
  });
  afterAll(() => server.stop());
  // A test that stopped the server and failed before starting it again must not fail the next ones.
  afterEach(() => server.start());

  it('server stopped in the middle of an upload: a clear German error, and nothing listed once it is back', async () => {
    const place = placeFor(server);
    const name = nextName();
    let killed: Promise<void> | undefined;
    const result = await failure(place.writeNew(name, slowSource(30, () => (killed = server.kill()))));
    await killed;
    expect(result.reason).toBe('unreachable');
    expect(result.message).toMatch(/^(S3-Server nicht erreichbar beim Hochladen|Verbindung zum S3-Server abgebrochen beim Hochladen)/);
    await server.start();
    expect((await place.list()).map((f) => f.name)).not.toContain(name);
    expect(await place.stat(name)).toBeUndefined();
    // What the crash left is at most an unfinished multipart upload, which no listing shows.
    const { Uploads = [] } = await server.client().send(new ListMultipartUploadsCommand({ Bucket: server.bucket, Prefix: `${PREFIX}/` }));
    expect(Uploads.every((u) => u.Key === `${PREFIX}/${name}`)).toBe(true);
  });

  it('server stopped in the middle of a download: the read fails with a clear German error', async () => {
    const place = placeFor(server);
    const name = nextName();
    await place.writeNew(name, chunked(randomBytes(48 * MiB)));
    const stream = await place.openRead(name);
    let read = 0;
    const result = await failure(
      (async () => {
        for await (const chunk of stream) {
          read += (chunk as Buffer).length;
          if (read >= MiB && server.running) await server.kill();
        }
      })(),
    );
    await server.start();
    expect(read).toBeLessThan(48 * MiB);
    expect(result.reason).toBe('unreachable');
    expect(result.message).toMatch(new RegExp(`^Verbindung zum S3-Server abgebrochen beim Lesen von ${name} in S3-Bucket s3://scandy-backups/werkstatt \\(ECONNRESET\\)$`));
    expect((await readAll(await place.openRead(name))).length).toBe(48 * MiB);
  });

  it('wrong keys: every operation names the credentials as the cause', async () => {
    const good = placeFor(server);
    const stored = await good.writeNew(nextName(), chunked(Buffer.from('vorhanden')));
    for (const credentials of [
      { accessKeyId: server.accessKeyId, secretAccessKey: WRONG_SECRET },
      { accessKeyId: 'AKUNBEKANNT0000000', secretAccessKey: WRONG_SECRET },
    ]) {
      const place = placeFor(server, { credentials });
      const operations = [
        () => place.list(),
        () => place.stat(stored.name),
        () => place.openRead(stored.name),
        () => place.writeNew(nextName(), chunked(Buffer.from('x'))),
        () => place.remove(stored.name),
      ];
      for (const operation of operations) {
        const result = await failure(operation());
        expect(result.reason).toBe('credentials');
        expect(result.message).toMatch(/^S3-Zugangsdaten abgelehnt .*\((InvalidAccessKeyId|SignatureDoesNotMatch)\): AWS_ACCESS_KEY_ID und AWS_SECRET_ACCESS_KEY prüfen$/);
      }
    }
    expect(await good.stat(stored.name)).toBeDefined();
  });

  it('a bucket that does not exist is named', async () => {
    const place = placeFor(server, { bucket: 'gibt-es-nicht' });
    for (const operation of [() => place.list(), () => place.writeNew(nextName(), chunked(Buffer.from('x')))]) {
      const result = await failure(operation());
      expect(result.reason).toBe('no-bucket');
      expect(result.message).toContain('S3-Bucket „gibt-es-nicht“ existiert nicht');
    }
  });

  it('an endpoint where nothing listens is unreachable', async () => {
    const place = placeFor(server, { port: await freePort() });
    const result = await failure(place.list());
    expect(result.reason).toBe('unreachable');
    expect(result.message).toMatch(/^S3-Server nicht erreichbar beim Auflisten in S3-Bucket s3:\/\/scandy-backups\/werkstatt \(ECONNREFUSED\)/);
  });

  it('keys without permission: listing, reading, writing and deleting are refused as such', async () => {
    const good = placeFor(server);
    const stored = await good.writeNew(nextName(), chunked(Buffer.from('fremder Zugriff')));
    const credentials = { accessKeyId: 'werkstattleser', secretAccessKey: randomBytes(16).toString('hex') };
    await server.createUser(credentials.accessKeyId, credentials.secretAccessKey);
    const place = placeFor(server, { credentials });
    const cases: [() => Promise<unknown>, string][] = [
      [() => place.list(), 'Auflisten'],
      [() => place.stat(stored.name), 'Prüfen'],
      [() => place.openRead(stored.name), 'Lesen'],
      [() => place.writeNew(nextName(), chunked(Buffer.from('x'))), 'Hochladen'],
      [() => place.remove(stored.name), 'Löschen'],
    ];
    for (const [operation, activity] of cases) {
      const result = await failure(operation());
      expect(result.reason).toBe('forbidden');
      expect(result.message).toMatch(new RegExp(`^Keine Berechtigung zum (${activity}) in S3-Bucket s3://scandy-backups/werkstatt \\(AccessDenied\\)`));
    }
    expect(await good.stat(stored.name)).toBeDefined();
  });

  it('no credentials and no region anywhere: each is named', async () => {
    const saved = { ...process.env };
    for (const variable of Object.keys(process.env)) if (variable.startsWith('AWS_')) delete process.env[variable];
    Object.assign(process.env, {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_CONFIG_FILE: '/nonexistent/config',
    });
    try {
      const noKeys = new S3Place(
        new S3Target(createS3Client({ forcePathStyle: true }, { endpoint: server.endpoint, region: 'us-east-1' }), server.bucket!, PREFIX),
      );
      const missingKeys = await failure(noKeys.list());
      expect(missingKeys.reason).toBe('credentials');
      expect(missingKeys.message).toBe('Keine S3-Zugangsdaten gefunden: AWS_ACCESS_KEY_ID und AWS_SECRET_ACCESS_KEY setzen oder ein AWS-Profil (AWS_PROFILE) einrichten');
      const noRegion = new S3Place(
        new S3Target(
          createS3Client({ forcePathStyle: true }, { endpoint: server.endpoint, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } }),
          server.bucket!,
          PREFIX,
        ),
      );
      const missingRegion = await failure(noRegion.list());
      expect(missingRegion.message).toMatch(/^S3-Region fehlt: AWS_REGION setzen/);
    } finally {
      for (const variable of Object.keys(process.env)) if (!(variable in saved)) delete process.env[variable];
      Object.assign(process.env, saved);
    }
  });

  it('no message quotes a key', () => {
    expect(messages.length).toBeGreaterThan(15);
    for (const message of messages) {
      expect(message).not.toContain(server.secretAccessKey);
      expect(message).not.toContain(WRONG_SECRET);
      expect(message).not.toContain(server.accessKeyId);
      expect(message).not.toContain('AKUNBEKANNT');
      expect(message).not.toContain('\n');
    }
  });
});
