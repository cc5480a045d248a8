const list = new Intl.ListFormat('de', { type: 'conjunction' });

/** "06:00 und 18:00 Uhr", "06:00, 12:00 und 18:00 Uhr" */
export function timesText(times: readonly string[]): string {
  return times.length === 0 ? 'keine' : `${list.format(times)} Uhr`;
}

/** "die letzten 10 Backups", "nur das letzte Backup" */
export function keepText(keep: number): string {
  return keep === 1 ? 'nur das letzte Backup' : `die letzten ${keep} Backups`;
}
