/** Units used throughout the report: MB = 10^6 bytes, times in seconds. */
const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export const count = (n: number): string => grouped.format(n);

export function seconds(ms: number): string {
  const s = ms / 1000;
  return `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
}

export function millis(ms: number): string {
  return `${ms < 10 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
}

export function megabytes(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb < 10 ? mb.toFixed(2) : mb.toFixed(1)} MB`;
}

export function perSecond(amount: number, ms: number): number {
  return ms > 0 ? amount / (ms / 1000) : 0;
}

export function docsPerSecond(documents: number, ms: number): string {
  return `${count(perSecond(documents, ms))} docs/s`;
}

export function mbPerSecond(bytes: number, ms: number): string {
  return `${(perSecond(bytes, ms) / 1e6).toFixed(1)} MB/s`;
}

export function ratio(value: number): string {
  return `${value.toFixed(2)}x`;
}
