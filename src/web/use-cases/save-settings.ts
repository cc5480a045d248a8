import { z } from 'zod';
import { SETTINGS_FIELDS } from '../../settings/settings-schema.js';
import type { SettingsControl } from '../../settings/live-settings.js';
import { AppError } from '../../shared/app-error.js';
import type { AppDependencies } from '../app-dependencies.js';
import { formText, PAGE_FIELDS, settingsView, shownValue, type SettingsView } from './settings-view.js';

const changeRequest = z
  .object({
    version: z.number().int().min(0),
    values: z.record(z.string(), z.unknown()).optional(),
    reset: z.array(z.string()).optional(),
  })
  .strict();

/** PUT /admin/api/settings: `{version, values}` saves, `{version, reset: [field]}` returns fields to the environment. */
export type SettingsChange = z.infer<typeof changeRequest>;

export function parseSettingsChange(body: unknown): SettingsChange {
  const parsed = changeRequest.safeParse(body);
  if (!parsed.success) {
    throw new AppError('INVALID_INPUT', 'Erwartet {version, values} oder {version, reset: [Feld]}: „version“ ist die Version der geladenen Einstellungen');
  }
  const { values, reset } = parsed.data;
  if ((values === undefined) === (reset === undefined)) throw new AppError('INVALID_INPUT', 'Entweder „values“ (speichern) oder „reset“ (auf Standard zurücksetzen) angeben');
  rejectForeignFields([...Object.keys(values ?? {}), ...(reset ?? [])]);
  return parsed.data;
}

/** A 400 naming the first field that is not a setting of the page. */
export function rejectForeignFields(fields: readonly string[]): void {
  const offered = new Set<string>(PAGE_FIELDS);
  const foreign = fields.find((field) => !offered.has(field));
  if (foreign !== undefined) throw new AppError('INVALID_INPUT', `Ungültige Einstellung „${foreign}“: ist hier keine Einstellung`, { details: { fields: { [foreign]: 'ist hier keine Einstellung' } } });
}

/** Saves or resets on the loaded version (409 when another admin saved first), puts it in force, logs who changed what. */
export async function saveSettings(deps: Pick<AppDependencies, 'settings' | 'audit'>, body: unknown, actor: string): Promise<SettingsView> {
  const settings = requireSettings(deps.settings);
  const change = parseSettingsChange(body);
  const before = await settings.current();
  const after = change.reset
    ? await settings.reset(change.reset, change.version, actor)
    : await settings.save(change.values, change.version, actor);
  const changed = PAGE_FIELDS.filter((field) => formText(before.values[field]) !== formText(after.values[field]) || before.sources[field] !== after.sources[field]);
  const what = changed.map((field) => `${SETTINGS_FIELDS[field].label}: ${shownValue(before.values[field], field)} → ${shownValue(after.values[field], field)}${after.sources[field] === 'environment' ? ' (Standard)' : ''}`);
  deps.audit(`Einstellungen geändert von ${actor} (Version ${after.version}): ${what.length > 0 ? what.join('; ') : 'keine Änderung'}`);
  return settingsView(after);
}

export function requireSettings(settings: SettingsControl | undefined): SettingsControl {
  if (!settings) throw new AppError('NOT_FOUND', 'Einstellungen sind in diesem Prozess nicht eingerichtet');
  return settings;
}
