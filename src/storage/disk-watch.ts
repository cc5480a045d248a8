import type { Collection, Db } from 'mongodb';
import type { BackupKind } from '../archive/backup-name.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { assessDiskSpace, readDiskSpace, type DiskAssessment, type DiskSpace, type SizedBackup } from './disk-space.js';

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
