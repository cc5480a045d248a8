import type { Db } from 'mongodb';
import type { EventSink } from '../backup/backup-events.js';
import type { BackupStore } from '../backup/backup-store.js';
import type { Config } from '../config/config.js';
import type { BackupNotifier } from '../mail/backup-notifier.js';
import { CopyRecords } from '../offsite/copy-records.js';
import { OffsiteCopies } from '../offsite/offsite-copies.js';
import type { Clock } from '../shared/clock.js';
import { createS3Place } from '../storage/s3-place.js';
import type { StoragePlace } from '../storage/storage-place.js';

export interface OffsiteParts {
  readonly store: BackupStore;
  readonly clock: Clock;
  readonly emit: EventSink;
  /** Instead of the bucket config.s3 names (tests: a client with the test server's keys). */
  readonly place: StoragePlace | undefined;
}

/**
 * The copies to the bucket of config.s3 (or to the place given), or
 * undefined when off. Without BACKUP_S3_KEEP the bucket keeps as many
 * automatic backups as the retention in force (BACKUP_KEEP or the page's setting).
 */
export function offsiteCopiesOf(config: Partial<Pick<Config, 's3'>>, db: Db, parts: OffsiteParts): OffsiteCopies | undefined {
  const place = parts.place ?? (config.s3 ? createS3Place(config.s3) : undefined);
  if (!place) return undefined;
  return new OffsiteCopies({ place, store: parts.store, records: new CopyRecords(db), clock: parts.clock, emit: parts.emit, keep: config.s3?.keep });
}

/** The off-site events that send mail: a failed copy, once per outage. */
export function offsiteMailEvents(notifier: Pick<BackupNotifier, 'offsiteOutage'>, track: (mail: Promise<unknown>) => void): EventSink {
  return (event) => {
    if (event.type === 'offsite.copy-failed' && event.firstOfOutage) track(notifier.offsiteOutage(event));
  };
}
