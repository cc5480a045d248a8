import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readArchiveSummary } from '../backup/archive-summary.js';
import type { EventSink } from '../backup/backup-events.js';
import type { BackupStore, StoredBackup } from '../backup/backup-store.js';
import { readSidecarSummary } from '../backup/sidecar-check.js';
import { sidecarNameFor } from '../archive/backup-name.js';
import { describeError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import { LocalFolderPlace } from '../storage/local-folder-place.js';
import type { StoragePlace, WrittenFile } from '../storage/storage-place.js';
import { ContentMeter, drain, verifyStored } from '../storage/content-check.js';
import { StorageError } from '../storage/storage-error.js';
import { CopyRecords, type CopyRecord } from './copy-records.js';
import { retryDelayMs } from './retry-delay.js';

export interface OffsiteCopiesOptions {
  /** The bucket. */
  readonly place: StoragePlace;
  readonly store: BackupStore;
  readonly records: CopyRecords;
  readonly clock: Clock;
  readonly emit: EventSink;
  /** Automatic backups kept in the bucket (BACKUP_S3_KEEP); undefined: as many as the retention in force. */
  readonly keep: number | undefined;
  /** Default: this host and the backup folder. */
  readonly origin?: string;
  /** How long a process may copy one backup before another may take it over. */
  readonly leaseMs?: number;
  /** How often due copies are looked for while retrying is on. */
  readonly pollMs?: number;
}

const DEFAULT_LEASE_MS = 30 * 60_000;
const DEFAULT_POLL_MS = 15_000;

/**
 * Copies every new backup to the bucket after it was written locally, and
 * counts it as off-site only once the stored object's size and SHA-256 equal
 * the local file's. A copy that fails is recorded in MongoDB and retried with
 * backoff, by any process of the same backup folder, also after a restart; it
 * never touches the local backup. One event per outage says it began.
 */
export class OffsiteCopies {
  readonly place: StoragePlace;
  readonly records: CopyRecords;
  readonly keep: number | undefined;
  readonly origin: string;
  private readonly local: LocalFolderPlace;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly options: OffsiteCopiesOptions) {
    this.place = options.place;
    this.records = options.records;
    this.keep = options.keep;
    this.origin = options.origin ?? `${os.hostname()}:${path.resolve(options.store.dir)}`;
    this.local = new LocalFolderPlace(options.store.dir);
  }

  /** A new archive in the backup folder: recorded as pending and copied now, in the background. Never throws. */
  archived(backup: StoredBackup, companions: readonly string[] = []): void {
    this.track(this.recordAndCopy(backup.name, [backup.name, ...companions]));
  }

  /** Removes a backup from the bucket, then its sidecar there; either already gone is no error. */
  async removeFromBucket(name: string): Promise<void> {
    await this.place.remove(name);
    await this.place.remove(sidecarNameFor(name));
  }

  /** Copies every due pending copy of this backup folder, one after the other. */
  copyDue(): Promise<void> {
    this.sweeping ??= this.sweep().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  /** Looks for due copies every few seconds until stop(); the first look is now. */
  startRetrying(): void {
    if (this.timer) return;
    this.track(this.copyDue());
    this.timer = setInterval(() => this.track(this.copyDue()), this.options.pollMs ?? DEFAULT_POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Waits until the copies running in this process are done. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch(() => undefined);
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private async recordAndCopy(name: string, files: readonly string[]): Promise<void> {
    const now = this.options.clock.now();
    let record: CopyRecord | undefined;
    try {
      await this.records.addPending(name, files, this.origin, now);
      record = await this.records.claim(this.origin, now, this.leaseMs, name);
    } catch (error) {
      // Without the record nobody would retry: say so; the local backup stays as it is.
      this.options.emit({ type: 'offsite.copy-failed', name, reason: describeError(error), attempt: 1, nextAttemptAt: now, retryInMs: 0, firstOfOutage: false });
      return;
    }
    if (record) await this.copyClaimed(record);
  }

  private async sweep(): Promise<void> {
    for (;;) {
      const record = await this.records.claim(this.origin, this.options.clock.now(), this.leaseMs).catch(() => undefined);
      if (!record) return;
      await this.copyClaimed(record);
    }
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  private async copyClaimed(record: CopyRecord): Promise<void> {
    const { name } = record;
    const { store, emit, clock } = this.options;
    const release = store.markInUse(name);
    const started = performance.now();
    try {
      const local = await store.find(name).catch(() => undefined);
      if (!local) {
        await this.records.forget([name]);
        emit({ type: 'offsite.dropped', name, reason: 'das lokale Backup ist nicht mehr vorhanden' });
        return;
      }
      let archive: WrittenFile | undefined;
      for (const file of record.files) {
        const written = await this.copyFile(file);
        archive ??= written;
      }
      const summary = await (local.encrypted ? readSidecarSummary(store, local) : readArchiveSummary(local.path)).catch(() => undefined);
      await this.records.markCopied(name, { size: archive!.size, sha256: archive!.sha256, summary, at: clock.now() });
      emit({ type: 'offsite.copied', name, size: archive!.size, durationMs: Math.round(performance.now() - started) });
      if (await this.records.endOutage().catch(() => false)) emit({ type: 'offsite.recovered', name });
    } catch (error) {
      await this.failed(record, describeError(error));
    } finally {
      release();
    }
  }

  private async failed(record: CopyRecord, reason: string): Promise<void> {
    const now = this.options.clock.now();
    const attempt = record.attempts + 1;
    const retryInMs = retryDelayMs(attempt);
    const nextAttemptAt = new Date(now.getTime() + retryInMs);
    await this.records.markFailed(record.name, { reason, attempts: attempt, nextAttemptAt }).catch(() => undefined);
    const firstOfOutage = await this.records.beginOutage(now).catch(() => false);
    this.options.emit({ type: 'offsite.copy-failed', name: record.name, reason, attempt, nextAttemptAt, retryInMs, firstOfOutage });
  }

  /** Uploads one file, or accepts an object of that name already there when it has the same bytes. */
  private async copyFile(file: string): Promise<WrittenFile> {
    const local = await this.local.stat(file);
    if (!local) throw new StorageError('not-found', `Datei ${file} fehlt im Backup-Ordner`);
    const existing = await this.place.stat(file);
    if (!existing) return this.place.writeNew(file, await this.local.openRead(file), { size: local.size });
    const measured = await this.measureLocal(file);
    await verifyStored(this.place, file, measured);
    return { ...existing, ...measured };
  }

  private async measureLocal(file: string): Promise<{ size: number; sha256: string }> {
    const stream = await this.local.openRead(file);
    await drain(stream);
    return (stream as ContentMeter).measured();
  }
}
