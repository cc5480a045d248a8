const decimal1 = new Intl.NumberFormat('de-DE', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 0 });

/** "512 B", "2,3 KiB", "2,3 MiB", "1,2 GiB" (German decimal comma). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${whole.format(bytes)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${decimal1.format(value)} ${units[unit]}`;
}

/** "850 ms", "4,1 s", "3 min 12 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${whole.format(ms)} ms`;
  if (ms < 60_000) return `${decimal1.format(ms / 1000)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** "12.000" */
export function formatCount(count: number): string {
  return whole.format(count);
}

/** "1 Dokument", "0 Dokumente", "12.000 Dokumente": the count and the noun in the form that fits it. */
export function countOf(count: number, singular: string, plural: string): string {
  return `${formatCount(count)} ${count === 1 ? singular : plural}`;
}

/** "1 Dokument", "12.000 Dokumente" */
export function formatDocuments(count: number): string {
  return countOf(count, 'Dokument', 'Dokumente');
}

/** "1 Stunde", "27 Stunden", "26,5 Stunden" */
export function formatHours(hours: number): string {
  const text = Number.isInteger(hours) ? whole.format(hours) : decimal1.format(hours);
  return `${text} ${hours === 1 ? 'Stunde' : 'Stunden'}`;
}
