/** German numbers and singular/plural in the browser, as src/shared/human-units.ts writes them on the server. */
export const numbers = new Intl.NumberFormat('de-DE');

/** "1 Dokument", "20.000 Dokumente" */
export function countOf(count, singular, plural) {
  return `${numbers.format(count)} ${count === 1 ? singular : plural}`;
}
