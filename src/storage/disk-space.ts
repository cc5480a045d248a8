import { statfs } from 'node:fs/promises';
import path from 'node:path';
import type { Collection, Db } from 'mongodb';
import type { BackupKind } from '../archive/backup-name.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { formatBytes } from '../shared/human-units.js';

/** Free and total bytes of the volume that holds the backup folder. */
export interface DiskSpace {
  /** What an unprivileged process may still write (statfs `bavail`). */
  readonly free: number;
  readonly total: number;
}

export interface SizedBackup {
  readonly size: number;
  readonly createdAt: Date;
  readonly kind: BackupKind;
}

export interface DiskAssessment extends DiskSpace {
  /** 0..1 */
  readonly freeRatio: number;
  /** What the listed backups take together. */
  readonly backupsBytes: number;
  /** What new backups took per day over the last GROWTH_WINDOW_DAYS; undefined without any. */
  readonly growthPerDay: number | undefined;
  /** Whole days until the disk is full at that rate if nothing were pruned; undefined without growth. */
  readonly daysLeft: number | undefined;
  /** max(2 × the newest archive, BACKUP_MIN_FREE_MB). */
  readonly requiredFree: number;
  readonly canStartBackup: boolean;
  /** Why a backup may not start, in German; undefined when it may. */
  readonly refusal: string | undefined;
  /** Below LOW_SPACE_RATIO free, in German; undefined otherwise. */
  readonly lowSpaceWarning: string | undefined;
}

export const GROWTH_WINDOW_DAYS = 14;
export const LOW_SPACE_RATIO = 0.2;

const MB = 1024 * 1024;
const DAY_MS = 86_400_000;

/** statfs of `dir`, or of its nearest existing parent when the folder does not exist yet. */
export async function readDiskSpace(dir: string): Promise<DiskSpace> {
  let current = path.resolve(dir);
  for (;;) {
    try {
      const stats = await statfs(current);
      return { free: stats.bavail * stats.bsize, total: stats.blocks * stats.bsize };
    } catch (error) {
      const parent = path.dirname(current);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) throw error;
      current = parent;
    }
  }
}

/**
 * What the pages, the pre-backup check and the metrics say about the disk:
 * a backup may start only with at least max(2 × the newest archive,
 * `minFreeMb`) free, so it never stops half-written; below 20 % free there is
 * a warning. Growth counts every backup made in the last 14 days (at least
 * one day is assumed), so the days left are what remains if pruning stopped.
 */
export function assessDiskSpace(
  space: DiskSpace,
  backups: readonly SizedBackup[],
  options: { readonly minFreeMb: number; readonly now: Date },
): DiskAssessment {
  const { free, total } = space;
  const freeRatio = total > 0 ? free / total : 0;
  const backupsBytes = backups.reduce((sum, b) => sum + b.size, 0);
  const growthPerDay = growthOf(backups, options.now);
  const daysLeft = growthPerDay !== undefined && growthPerDay > 0 ? Math.floor(free / growthPerDay) : undefined;

  const newest = newestOwnArchive(backups);
  const twiceNewest = 2 * (newest?.size ?? 0);
  const minimum = Math.max(0, options.minFreeMb) * MB;
  const requiredFree = Math.max(twiceNewest, minimum);
  const canStartBackup = free >= requiredFree;
  const because =
    twiceNewest >= minimum && newest
      ? `das Doppelte des neuesten Backups von ${formatBytes(newest.size)}`
      : `Mindestwert BACKUP_MIN_FREE_MB = ${options.minFreeMb}`;
  const refusal = canStartBackup
    ? undefined
    : `Nicht genug Speicherplatz für ein Backup: frei sind ${formatBytes(free)}, nötig sind mindestens ${formatBytes(requiredFree)} (${because}). Bitte alte Backups löschen oder den Speicher vergrößern.`;
  const lowSpaceWarning =
    total > 0 && freeRatio < LOW_SPACE_RATIO
      ? `Wenig Speicherplatz: nur noch ${percent(freeRatio)} frei (${formatBytes(free)} von ${formatBytes(total)}).`
      : undefined;

  return { free, total, freeRatio, backupsBytes, growthPerDay, daysLeft, requiredFree, canStartBackup, refusal, lowSpaceWarning };
}

function growthOf(backups: readonly SizedBackup[], now: Date): number | undefined {
  const windowStart = now.getTime() - GROWTH_WINDOW_DAYS * DAY_MS;
  const recent = backups.filter((b) => b.createdAt.getTime() > windowStart && b.createdAt.getTime() <= now.getTime());
  if (recent.length === 0) return undefined;
  const oldest = Math.min(...recent.map((b) => b.createdAt.getTime()));
  const days = Math.max(1, (now.getTime() - oldest) / DAY_MS);
  return recent.reduce((sum, b) => sum + b.size, 0) / days;
}

/** The newest archive made from this database (an upload may come from elsewhere). */
function newestOwnArchive(backups: readonly SizedBackup[]): SizedBackup | undefined {
  const own = backups.filter((b) => b.kind !== 'upload');
  return own.reduce<SizedBackup | undefined>((newest, b) => (!newest || b.createdAt > newest.createdAt ? b : newest), undefined);
}

const percentFormat = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 });

function percent(ratio: number): string {
  const value = ratio * 100;
  return `${percentFormat.format(value >= 1 ? Math.floor(value) : Math.floor(value * 10) / 10)} %`;
}

export const DISK_WATCH_COLLECTION = 'scandy_backup_disk_watch';
const LOW_SPACE_ID = 'low-space-warning';

/** What the pages and the pre-backup check ask about the backup volume. */
export interface DiskWatch {
  /** Reads the volume now; a new low-space episode is logged and mailed once (in every process together). */
  assess(): Promise<DiskAssessment>;
  /** Undefined when a backup may start; otherwise why not, in German (logged by the failed backup, mailed). */
  beforeBackup(kind: BackupKind, actor: string | undefined): Promise<string | undefined>;
}

export interface DiskWatchOptions {
  readonly backupDir: string;
  readonly minFreeMb: number;
  readonly listBackups: () => Promise<readonly SizedBackup[]>;
  /** Holds the flag "low-space warning sent" shared by all processes. */
  readonly db: Db;
  readonly log: (message: string) => void;
  readonly mailLowSpace: (warning: string) => Promise<unknown>;
  /** Mails a refused manual backup; an automatic one is mailed by the scheduler's failure mail. */
  readonly mailRefusal: (refusal: string, trigger: string) => Promise<unknown>;
  /** Default: statfs of the backup folder (tests inject a small disk). */
  readonly readSpace?: (dir: string) => Promise<DiskSpace>;
  readonly clock?: Clock;
}

interface LowSpaceFlag {
  _id: string;
  since: Date;
}

export function createDiskWatch(options: DiskWatchOptions): DiskWatch {
  const readSpace = options.readSpace ?? readDiskSpace;
  const clock = options.clock ?? systemClock;
  const flags: Collection<LowSpaceFlag> = options.db.collection<LowSpaceFlag>(DISK_WATCH_COLLECTION);

  /** True for exactly one caller per episode: the unique _id lets one insert win. */
  async function beginEpisode(): Promise<boolean> {
    try {
      await flags.insertOne({ _id: LOW_SPACE_ID, since: clock.now() });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return false;
      throw error;
    }
  }

  async function assess(): Promise<DiskAssessment> {
    const [space, backups] = await Promise.all([readSpace(options.backupDir), options.listBackups()]);
    const assessment = assessDiskSpace(space, backups, { minFreeMb: options.minFreeMb, now: clock.now() });
    if (assessment.lowSpaceWarning) {
      if (await beginEpisode()) {
        options.log(assessment.lowSpaceWarning);
        await options.mailLowSpace(assessment.lowSpaceWarning);
      }
    } else {
      await flags.deleteOne({ _id: LOW_SPACE_ID });
    }
    return assessment;
  }

  return {
    assess,
    async beforeBackup(kind, actor) {
      // A restore's safety archive is always attempted: its own full-disk handling keeps the replaced data aside.
      if (kind === 'pre-restore') return undefined;
      const { refusal } = await assess();
      if (refusal && kind !== 'auto') await options.mailRefusal(refusal, actor ?? kind);
      return refusal;
    },
  };
}
