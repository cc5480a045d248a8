import { DRILL_SCHEDULES, type DrillSchedule } from '../../config/config-values.js';
import { SETTINGS_FIELD_NAMES, SETTINGS_FIELDS, type BackupSettings, type SettingsField } from '../../settings/settings-schema.js';
import type { EffectiveSettings, SettingSource } from '../../settings/settings-store.js';
import type { AppDependencies } from '../app-dependencies.js';

import { drillScheduleText } from '../wording/drill-text.js';

/** The fields of "Einstellungen". */
export const PAGE_FIELDS: readonly SettingsField[] = SETTINGS_FIELD_NAMES;

export interface SettingFieldView {
  readonly name: SettingsField;
  readonly label: string;
  /** The environment variable that gives the default, if any. */
  readonly variable: string | undefined;
  readonly value: BackupSettings[SettingsField];
  readonly default: BackupSettings[SettingsField];
  readonly source: SettingSource;
  /** "Einstellungen" or "Umgebung (BACKUP_KEEP)", as the page says it. */
  readonly sourceLabel: string;
  /** The value as a form field holds it: lists comma-separated, on/off as "true"/"false". */
  readonly text: string;
  /** The default as the page says it ("an", "06:00, 18:00", "(keine)", "wöchentlich, sonntags um 04:00 Uhr"). */
  readonly defaultText: string;
  /** A field chosen from a list (the drill schedule): each value and how the page says it. */
  readonly choices?: readonly { readonly value: string; readonly text: string }[];
}

export interface SettingsView {
  readonly version: number;
  readonly changedBy: string | null;
  readonly changedAt: Date | null;
  readonly fields: readonly SettingFieldView[];
  /** Stored values no longer accepted (edited by hand, older rules), and why: the environment's value applies. */
  readonly ignored: Readonly<Record<string, string>>;
}

export function formText(value: unknown): string {
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** A value as the page and the log say it. */
export function shownValue(value: unknown, field?: SettingsField): string {
  if (field === 'drill') return drillScheduleText(value as DrillSchedule);
  if (typeof value === 'boolean') return value ? 'an' : 'aus';
  return formText(value) || '(keine)';
}

export function settingsView(effective: EffectiveSettings): SettingsView {
  return {
    version: effective.version,
    changedBy: effective.changedBy ?? null,
    changedAt: effective.changedAt ?? null,
    ignored: effective.ignored,
    fields: PAGE_FIELDS.map((name) => {
      const { label, variable } = SETTINGS_FIELDS[name];
      const source = effective.sources[name];
      return {
        name,
        label,
        variable,
        value: effective.values[name],
        default: effective.defaults[name],
        source,
        sourceLabel: source === 'settings' ? 'Einstellungen' : variable ? `Umgebung (${variable})` : 'Umgebung',
        text: formText(effective.values[name]),
        defaultText: shownValue(effective.defaults[name], name),
        ...(name === 'drill' ? { choices: DRILL_SCHEDULES.map((value) => ({ value, text: drillScheduleText(value) })) } : {}),
      };
    }),
  };
}

export async function loadSettingsView(deps: Pick<AppDependencies, 'settings'>): Promise<SettingsView | undefined> {
  return deps.settings ? settingsView(await deps.settings.current()) : undefined;
}
