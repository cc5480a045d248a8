import { describeError } from '../shared/app-error.js';
import type { BackupSettings } from './settings-schema.js';
import type { EffectiveSettings, MongoSettingsStore } from './settings-store.js';

/** How often every app process looks for settings another process saved. */
export const SETTINGS_POLL_MS = 30_000;

/** What the pages may do with the settings. */
export interface SettingsControl {
  /** The settings in force, read fresh from the store (a newer version is applied first). */
  current(): Promise<EffectiveSettings>;
  /** Validates and saves on `version` (409 when stale), and applies the result in this process at once. */
  save(change: unknown, version: number, actor: string): Promise<EffectiveSettings>;
  /** Returns `fields` to the environment's defaults, likewise. */
  reset(fields: readonly string[], version: number, actor: string): Promise<EffectiveSettings>;
}

export interface LiveSettings extends SettingsControl {
  /** The values last put in force in this process (the environment's until the first refresh); no store read. */
  inForce(): BackupSettings;
  /** Reads the store and applies a version this process has not applied yet. */
  refresh(): Promise<EffectiveSettings>;
  /** Refreshes every `pollMs` until `stop`; a failed read is logged and retried at the next poll. */
  startPolling(pollMs?: number): void;
  stop(): void;
}

export interface LiveSettingsOptions {
  readonly store: Pick<MongoSettingsStore, 'effective' | 'save' | 'reset'>;
  /** The environment as parsed at start. */
  readonly defaults: BackupSettings;
  /** Puts new values in force (scheduler, retention, mail); `initial`: the first values this process applies (at its start). */
  readonly apply: (settings: BackupSettings, change: { readonly initial: boolean }) => void;
  readonly log: (line: string) => void;
}

/**
 * The admins' settings in force in this process. Saved here, they apply at
 * once; saved by another process, within one poll.
 */
export function createLiveSettings(options: LiveSettingsOptions): LiveSettings {
  let appliedVersion: number | undefined;
  let applied: BackupSettings = options.defaults;
  let timer: NodeJS.Timeout | undefined;

  const applyIfNew = (effective: EffectiveSettings): EffectiveSettings => {
    if (effective.version !== appliedVersion) {
      const initial = appliedVersion === undefined;
      appliedVersion = effective.version;
      applied = effective.values;
      options.apply(effective.values, { initial });
    }
    return effective;
  };
  const refresh = async () => applyIfNew(await options.store.effective(options.defaults));

  return {
    refresh,
    current: refresh,
    inForce: () => applied,
    async save(change, version, actor) {
      await options.store.save(change, version, actor);
      return refresh();
    },
    async reset(fields, version, actor) {
      await options.store.reset(fields, version, actor);
      return refresh();
    },
    startPolling(pollMs = SETTINGS_POLL_MS) {
      if (timer) return;
      timer = setInterval(() => {
        refresh().catch((error: unknown) => options.log(`Einstellungen nicht lesbar: ${describeError(error)}`));
      }, pollMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
