const list = new Intl.ListFormat('de', { type: 'conjunction' });

/** "06:00 und 18:00 Uhr", "06:00, 12:00 und 18:00 Uhr" */
export function timesText(times: readonly string[]): string {
  return times.length === 0 ? 'keine' : `${list.format(times)} Uhr`;
}

/** "die letzten 10 automatischen Backups", "nur das letzte automatische Backup" */
export function keepText(keep: number): string {
  return keep === 1 ? 'nur das letzte automatische Backup' : `die letzten ${keep} automatischen Backups`;
}
