import type { LastRun } from '../../scheduler/scheduler-state-store.js';
import type { SchedulerStatus } from '../../scheduler/scheduler-status.js';
import type { FinishedOperation } from '../../backup/operation-tracker.js';
import { findRecipients, type Recipients } from '../../mail/recipients.js';
import type { RestorePreview } from '../../restore/preview-restore.js';
import type { AgeIdentities } from '../../crypto/age-identities.js';
import type { AppDependencies } from '../app-dependencies.js';
import { backupLabel, operationLabel, runLabel } from '../wording/operation-labels.js';
import { listBackupRows, type BackupRow } from './backup-rows.js';
import { monitoredStatus, type MonitoredStatus } from './monitored-status.js';
import { operationsView, type OperationsView } from './operation-view.js';
import { loadDrillView, type DrillView } from './restore-drill.js';

const DASHBOARD_BACKUPS = 5;
const PAGE_LOG_LINES = 200;

export interface LastBackupView {
  readonly at: Date;
  readonly ok: boolean | undefined;
  readonly message: string;
  readonly backupName: string | undefined;
  /** "Backup (automatisch, nachgeholt)" */
  readonly label: string;
}

export interface DashboardModel {
  readonly scheduler: SchedulerStatus;
  readonly pendingSafetyArchive: MonitoredStatus['pendingSafetyArchive'];
  readonly latest: readonly BackupRow[];
  readonly total: number;
  readonly lastBackup: LastBackupView | undefined;
  readonly operations: OperationsView;
  readonly mailAvailable: boolean;
  readonly drill: DrillView;
}

export async function loadDashboard(
  deps: Pick<AppDependencies, 'scheduler' | 'manager' | 'tracker' | 'mailBackup' | 'drills' | 'config'>,
): Promise<DashboardModel> {
  const [{ scheduler, pendingSafetyArchive }, rows, drill] = await Promise.all([monitoredStatus(deps), listBackupRows(deps), loadDrillView(deps)]);
  const state = deps.tracker.state();
  return {
    scheduler,
    pendingSafetyArchive,
    latest: rows.slice(0, DASHBOARD_BACKUPS),
    total: rows.length,
    lastBackup: lastBackup(scheduler.lastRun, state.last, rows[0]),
    operations: operationsView(state),
    mailAvailable: deps.mailBackup !== undefined && scheduler.mail.enabled,
    drill,
  };
}

/** The most recent of: the scheduler's last run, this process's last manual backup, the newest file. */
function lastBackup(run: LastRun | undefined, manual: FinishedOperation | undefined, newest: BackupRow | undefined): LastBackupView | undefined {
  const candidates: LastBackupView[] = [];
  if (run) candidates.push({ at: run.finishedAt ?? run.startedAt, ok: run.ok, message: run.message, backupName: run.backupName, label: runLabel(run.trigger) });
  if (manual?.operation === 'backup') {
    candidates.push({ at: manual.finishedAt, ok: manual.ok, message: manual.message, backupName: undefined, label: operationLabel(manual) });
  }
  if (newest) candidates.push({ at: newest.createdAt, ok: true, message: 'erfolgreich', backupName: newest.name, label: backupLabel(newest.kind, undefined) });
  return candidates.sort((a, b) => b.at.getTime() - a.at.getTime())[0];
}

export interface BackupsModel {
  readonly backups: readonly BackupRow[];
  readonly operations: OperationsView;
  readonly uploadMaxBytes: number;
  readonly mailAvailable: boolean;
  /** The server holds a key of its own (an encrypted upload can be checked without one from the admin). */
  readonly serverCanRead: boolean;
}

export async function loadBackupsPage(
  deps: Pick<AppDependencies, 'manager' | 'tracker' | 'config' | 'scheduler' | 'mailBackup'>,
): Promise<BackupsModel> {
  const [backups, scheduler] = await Promise.all([listBackupRows(deps), deps.scheduler.status()]);
  return {
    backups,
    operations: operationsView(deps.tracker.state()),
    uploadMaxBytes: deps.config.uploadMaxBytes,
    mailAvailable: deps.mailBackup !== undefined && scheduler.mail.enabled,
    serverCanRead: deps.manager.encryptionStatus().serverCanRead,
  };
}

export interface RestoreModel {
  readonly name: string;
  readonly preview: RestorePreview;
  readonly operations: OperationsView;
}

/** What a restore of this backup would change, per collection (GET …/restore-preview). */
export async function loadRestorePreview(deps: Pick<AppDependencies, 'manager'>, name: string, identities?: AgeIdentities): Promise<RestorePreview> {
  return deps.manager.previewRestore({ name }, identities);
}

export async function loadRestorePage(deps: Pick<AppDependencies, 'manager' | 'tracker'>, name: string): Promise<RestoreModel> {
  return { name, preview: await loadRestorePreview(deps, name), operations: operationsView(deps.tracker.state()) };
}

export interface AutoBackupModel {
  readonly scheduler: SchedulerStatus;
  readonly pendingSafetyArchive: MonitoredStatus['pendingSafetyArchive'];
  /** Who the backup mails go to now, and from which collection: a restore of `settings` can change the latter. */
  readonly recipients: Recipients;
  readonly logLines: readonly string[];
  readonly logLineCount: number;
  /** Public keys only: the server's secret keys are never shown. */
  readonly encryption: { readonly recipients: readonly string[]; readonly serverCanRead: boolean };
  readonly drill: DrillView;
}

export async function loadAutoBackupPage(
  deps: Pick<AppDependencies, 'scheduler' | 'logReader' | 'manager' | 'db' | 'drills' | 'config'>,
): Promise<AutoBackupModel> {
  const [{ scheduler, pendingSafetyArchive }, recipients, logLines, drill] = await Promise.all([
    monitoredStatus(deps),
    findRecipients(deps.db),
    deps.logReader.tail(PAGE_LOG_LINES),
    loadDrillView(deps),
  ]);
  const encryption = deps.manager.encryptionStatus();
  return { scheduler, pendingSafetyArchive, recipients, logLines, logLineCount: PAGE_LOG_LINES, encryption, drill };
}
