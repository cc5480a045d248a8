import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFolderPlace } from '../../src/storage/local-folder-place.js';
import { parseS3Config } from '../../src/config/s3-config.js';
import { S3Place, createS3Place } from '../../src/storage/s3-place.js';
import { S3Target } from '../../src/storage/s3-target.js';
import { verifyStored } from '../../src/storage/content-check.js';
import { TestS3Server } from '../helpers/s3-server.js';
import { chunked, describeStoragePlace, failureOf, nextName, readAll, sha256, type PlaceFixture } from '../helpers/storage-place-suite.js';

const MiB = 1024 * 1024;
const PART_SIZE = 5 * MiB;

async function localFixture(): Promise<PlaceFixture & { dir: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'scandy-test-place-'));
  const dir = path.join(root, 'backups');
  const place = new LocalFolderPlace(dir);
  const put = (relative: string, bytes: Buffer) => {
    mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    writeFileSync(path.join(dir, relative), bytes);
  };
  return {
    dir,
    place,
    bigSize: 3 * MiB,
    putRaw: async (relative, bytes) => put(relative, bytes),
    rawExists: async (relative) => existsSync(path.join(dir, relative)),
    overwrite: async (name, bytes) => put(name, bytes),
    leaveHalfWritten: async (name, bytes) => put(`${name}.tmp`, bytes),
    unfinishedWrites: async () => (existsSync(dir) ? readdirSync(dir) : []).filter((n) => n.endsWith('.tmp')).map((n) => n.slice(0, -4)),
    close: () => rm(root, { recursive: true, force: true }),
  };
}

async function s3Fixture(prefix = 'werkstatt/scandy'): Promise<PlaceFixture & { server: TestS3Server }> {
  const server = await TestS3Server.start();
  const client = server.client();
  const bucket = server.bucket!;
  const target = new S3Target(client, bucket, prefix);
  const key = (relative: string) => target.key(relative);
  return {
    server,
    place: new S3Place(target, undefined, { partSize: PART_SIZE }),
    bigSize: 2 * PART_SIZE + MiB,
    putRaw: async (relative, bytes) => void (await client.send(new PutObjectCommand({ Bucket: bucket, Key: key(relative), Body: bytes }))),
    rawExists: async (relative) =>
      client.send(new HeadObjectCommand({ Bucket: bucket, Key: key(relative) })).then(
        () => true,
        () => false,
      ),
    overwrite: async (name, bytes) => void (await client.send(new PutObjectCommand({ Bucket: bucket, Key: key(name), Body: bytes }))),
    leaveHalfWritten: async (name, bytes) => {
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key(name) }));
      await client.send(new UploadPartCommand({ Bucket: bucket, Key: key(name), UploadId, PartNumber: 1, Body: bytes }));
    },
    unfinishedWrites: async () => {
      const { Uploads = [] } = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: target.listPrefix }));
      return Uploads.map((u) => (u.Key ?? '').slice(target.listPrefix.length));
    },
    close: () => server.stop(),
  };
}

describeStoragePlace('local folder', localFixture);
describeStoragePlace('S3 bucket (versitygw)', () => s3Fixture());
describeStoragePlace('S3 bucket without prefix', () => s3Fixture(''));

describe('local folder', () => {
  let fixture: Awaited<ReturnType<typeof localFixture>>;
  beforeAll(async () => (fixture = await localFixture()));
  afterAll(() => fixture.close());

  it('creates its folder 0700 and its files 0600, and leaves no temporary file', async () => {
    const written = await fixture.place.writeNew(nextName(), chunked(Buffer.from('privat')));
    expect(statSync(fixture.dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(fixture.dir, written.name)).mode & 0o777).toBe(0o600);
    expect(readdirSync(fixture.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('lists an empty list for a folder that does not exist yet, and ignores a folder named like a backup', async () => {
    expect(await new LocalFolderPlace(path.join(fixture.dir, 'fehlt')).list()).toEqual([]);
    const name = nextName();
    mkdirSync(path.join(fixture.dir, name));
    expect((await fixture.place.list()).map((f) => f.name)).not.toContain(name);
    expect(await fixture.place.stat(name)).toBeUndefined();
  });

  it('leaves another write of the same name alone: its temporary file stays', async () => {
    const name = nextName();
    await fixture.leaveHalfWritten(name, Buffer.from('läuft noch'));
    const failure = await failureOf(fixture.place.writeNew(name, chunked(Buffer.from('zweiter'))));
    expect(failure.reason).toBe('exists');
    expect(existsSync(path.join(fixture.dir, `${name}.tmp`))).toBe(true);
  });
});

describe('S3 bucket', () => {
  let fixture: Awaited<ReturnType<typeof s3Fixture>>;
  beforeAll(async () => (fixture = await s3Fixture()));
  afterAll(() => fixture.close());

  const objectKey = (name: string) => `werkstatt/scandy/${name}`;

  it('stores a multipart upload with a composite SHA-256 and a single PUT with a full one, and records the expected SHA-256', async () => {
    const client = fixture.server.client();
    const big = Buffer.alloc(2 * PART_SIZE + 123, 1);
    const small = Buffer.from('klein');
    const bigName = nextName();
    const smallName = nextName();
    await fixture.place.writeNew(bigName, chunked(big), { sha256: sha256(big) });
    await fixture.place.writeNew(smallName, chunked(small));
    const bigHead = await client.send(new HeadObjectCommand({ Bucket: fixture.server.bucket, Key: objectKey(bigName), ChecksumMode: 'ENABLED' }));
    expect(bigHead.ChecksumSHA256).toMatch(/-3$/);
    expect(bigHead.Metadata).toEqual({ 'scandy-sha256': sha256(big) });
    const smallHead = await client.send(new HeadObjectCommand({ Bucket: fixture.server.bucket, Key: objectKey(smallName), ChecksumMode: 'ENABLED' }));
    expect(Buffer.from(smallHead.ChecksumSHA256 ?? '', 'base64').toString('hex')).toBe(sha256(small));
    // Both ways the place knows the whole file's SHA-256 without reading it.
    expect((await fixture.place.stat(bigName))?.sha256).toBe(sha256(big));
    expect((await fixture.place.stat(smallName))?.sha256).toBe(sha256(small));
  });

  it('checks by reading back when told to, and the upload still passes', async () => {
    const place = new S3Place(new S3Target(fixture.server.client(), fixture.server.bucket!, 'werkstatt/scandy'), undefined, {
      partSize: PART_SIZE,
      alwaysReadBack: true,
    });
    const bytes = Buffer.alloc(PART_SIZE + 7, 2);
    await expect(place.writeNew(nextName(), chunked(bytes))).resolves.toMatchObject({ sha256: sha256(bytes) });
  });

  it('notices an object overwritten with other bytes even when its metadata was copied along', async () => {
    const client = fixture.server.client();
    const bytes = Buffer.alloc(PART_SIZE + 10, 3);
    const name = nextName();
    await fixture.place.writeNew(name, chunked(bytes), { sha256: sha256(bytes) });
    const forged = Buffer.alloc(bytes.length, 4);
    await client.send(
      new PutObjectCommand({ Bucket: fixture.server.bucket, Key: objectKey(name), Body: forged, Metadata: { 'scandy-sha256': sha256(bytes) } }),
    );
    // Without being told what to expect: the recorded SHA-256 is the reference.
    const failure = await failureOf(verifyStored(fixture.place, name));
    expect(failure.reason).toBe('changed');
    expect(failure.message).toContain('SHA-256-Prüfsumme weicht ab');
  });

  it('notices a copy of another backup put in its place (server-side copy)', async () => {
    const client = fixture.server.client();
    const [first, second] = [nextName(), nextName()];
    const written = await fixture.place.writeNew(first, chunked(Buffer.from('erstes Backup')));
    await fixture.place.writeNew(second, chunked(Buffer.from('zweites Backup')));
    await client.send(
      new CopyObjectCommand({ Bucket: fixture.server.bucket, Key: objectKey(first), CopySource: `${fixture.server.bucket}/${objectKey(second)}` }),
    );
    expect((await failureOf(verifyStored(fixture.place, first, written))).reason).toBe('changed');
  });

  it('takes credentials, region and endpoint from the AWS SDK variables, bucket and prefix from BACKUP_S3_URL', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: fixture.server.accessKeyId,
      AWS_SECRET_ACCESS_KEY: fixture.server.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: fixture.server.endpoint,
    });
    try {
      const config = parseS3Config({ BACKUP_S3_URL: `s3://${fixture.server.bucket}/werkstatt/scandy/`, BACKUP_S3_FORCE_PATH_STYLE: 'true' });
      const place = createS3Place(config!);
      expect(place.where).toBe('S3-Bucket s3://scandy-backups/werkstatt/scandy');
      const name = nextName();
      await place.writeNew(name, chunked(Buffer.from('über die Umgebung')));
      expect((await readAll(await fixture.place.openRead(name))).toString()).toBe('über die Umgebung');
    } finally {
      for (const variable of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'AWS_ENDPOINT_URL_S3']) {
        if (saved[variable] === undefined) delete process.env[variable];
        else process.env[variable] = saved[variable];
      }
    }
  });
});
