import { KIND_LABELS, type BackupKind } from '../../archive/backup-name.js';
import { formatLocalMinute } from '../../log/log-line.js';
import { planRetention } from '../../retention/retention-policy.js';
import { nextRuns } from '../../scheduler/schedule.js';
import { parseSettingsPatch, retentionRulesFrom } from '../../settings/settings-schema.js';
import type { AppDependencies } from '../app-dependencies.js';
import { rejectForeignFields, requireSettings } from './save-settings.js';

export interface SettingsPreview {
  /** The next automatic backups under the previewed times and time zone. */
  readonly nextRuns: readonly Date[];
  /** The same as the page shows them: "2026-12-02 07:30" in the previewed time zone. */
  readonly nextRunsText: readonly string[];
  /** The backups the previewed retention would delete at the next prune, newest first. */
  readonly remove: readonly { readonly name: string; readonly createdAt: Date; readonly kind: BackupKind; readonly kindLabel: string }[];
  readonly keep: number;
}

/** What the form's values would do, before they are saved: nothing is changed. */
export async function previewSettings(deps: Pick<AppDependencies, 'settings' | 'manager'>, body: unknown): Promise<SettingsPreview> {
  const settings = requireSettings(deps.settings);
  const values = (body as { values?: unknown } | undefined)?.values ?? {};
  rejectForeignFields(Object.keys(values));
  const proposed = { ...(await settings.current()).values, ...parseSettingsPatch(values) };
  const [backups, pinned] = await Promise.all([deps.manager.list(), deps.manager.pinnedNames()]);
  const plan = planRetention(backups, { ...retentionRulesFrom(proposed), pinned });
  const schedule = { times: proposed.backupTimes, timeZone: proposed.timeZone };
  const runs = nextRuns(schedule, deps.manager.clock.now(), Math.max(2, schedule.times.length));
  return {
    nextRuns: runs,
    nextRunsText: runs.map((run) => `${formatLocalMinute(run, schedule.timeZone)} (${schedule.timeZone})`),
    remove: plan.remove.map((b) => ({ name: b.name, createdAt: b.createdAt, kind: b.kind, kindLabel: KIND_LABELS[b.kind] })),
    keep: plan.keep.length,
  };
}
