import type { AppDependencies } from '../app-dependencies.js';

export interface Health {
  readonly status: 'ok' | 'error';
  readonly database: 'ok' | 'unreachable';
  /** The newest backup made of this database (automatic, manual or before a restore). */
  readonly lastBackupAt: Date | null;
  readonly lastBackupAgeSeconds: number | null;
}

/** For monitoring, without login: says nothing but whether things work and how old the last backup is. */
export async function checkHealth(deps: Pick<AppDependencies, 'db' | 'manager'>): Promise<Health> {
  const database = await deps.db
    .command({ ping: 1 })
    .then(() => 'ok' as const)
    .catch(() => 'unreachable' as const);
  const latest = await deps.manager.lastBackupAt();
  const ageSeconds = latest ? Math.max(0, Math.round((deps.manager.clock.now().getTime() - latest.getTime()) / 1000)) : null;
  return {
    status: database === 'ok' ? 'ok' : 'error',
    database,
    lastBackupAt: latest ?? null,
    lastBackupAgeSeconds: ageSeconds,
  };
}
