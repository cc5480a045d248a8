import { chromium } from 'playwright-core';
import type { BenchResults } from './results.js';

const CHROMIUM = '/usr/bin/chromium';
const PANEL_W = 560;
const PANEL_H = 400;
const MARGIN = { top: 56, right: 24, bottom: 56, left: 72 };
const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"';

interface Series {
  readonly label: string;
  readonly color: string;
  readonly dashed?: boolean;
  readonly points: readonly (readonly [size: number, value: number])[];
}

interface Panel {
  readonly title: string;
  readonly yLabel: string;
  readonly yScale: 'log' | 'linear';
  readonly format: (value: number) => string;
  readonly series: readonly Series[];
  readonly goal?: { readonly value: number; readonly label: string };
}

/** Time and peak RSS against size (log x axis), drawn as SVG and rendered to PNG by Chromium. */
export async function renderPlot(bench: BenchResults, pngFile: string): Promise<void> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: PANEL_W * 2, height: PANEL_H }, deviceScaleFactor: 2 });
    await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${plotSvg(bench)}</body></html>`);
    await page.locator('svg').screenshot({ path: pngFile });
  } finally {
    await browser.close();
  }
}

export function plotSvg(bench: BenchResults): string {
  const { results } = bench;
  const at = (pick: (r: (typeof results)[number]) => number | undefined) =>
    results.flatMap((r) => {
      const value = pick(r);
      return value === undefined ? [] : [[r.size, value] as const];
    });
  const time: Panel = {
    title: 'Wall time',
    yLabel: 'seconds (log)',
    yScale: 'log',
    format: (s) => (s >= 1 ? `${s} s` : `${Number(s.toPrecision(1))} s`),
    series: [
      { label: 'backup', color: '#1f77b4', points: at((r) => r.backup.wallMs / 1000) },
      { label: 'restore', color: '#d62728', points: at((r) => r.restore.wallMs / 1000) },
      { label: 'limit (cursor drain)', color: '#555555', dashed: true, points: at((r) => r.limit.wallMs / 1000) },
      { label: 'mongodump --gzip', color: '#2ca02c', dashed: true, points: at((r) => r.mongodump && r.mongodump.wallMs / 1000) },
      { label: 'mongorestore + indexes', color: '#ff7f0e', dashed: true, points: at((r) => r.mongorestore && r.mongorestore.wallMs / 1000) },
      { label: 'restore: data live', color: '#8c564b', points: at((r) => r.restore.phases && r.restore.phases.liveMs / 1000) },
    ].filter((s) => s.points.length > 0),
  };
  const memory: Panel = {
    title: 'Peak RSS of the process doing the work',
    yLabel: 'MB',
    yScale: 'linear',
    format: (mb) => `${mb}`,
    series: [
      { label: 'backup', color: '#1f77b4', points: at((r) => r.backup.peakRssBytes / 1e6) },
      { label: 'restore', color: '#d62728', points: at((r) => r.restore.peakRssBytes / 1e6) },
      { label: 'limit (cursor drain)', color: '#555555', dashed: true, points: at((r) => r.limit.peakRssBytes / 1e6) },
      { label: 'mongodump --gzip', color: '#2ca02c', dashed: true, points: at((r) => r.mongodump?.peakRssBytes && r.mongodump.peakRssBytes / 1e6) },
      { label: 'mongorestore', color: '#ff7f0e', dashed: true, points: at((r) => r.mongorestore?.peakRssBytes && r.mongorestore.peakRssBytes / 1e6) },
    ].filter((s) => s.points.length > 0),
    goal: { value: 200 * 1.048576, label: 'goal: under 200 MiB (209.7 MB)' },
  };
  const sizes = results.map((r) => r.size);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PANEL_W * 2}" height="${PANEL_H}" viewBox="0 0 ${PANEL_W * 2} ${PANEL_H}" ${FONT}>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    panelSvg(time, sizes, 0),
    panelSvg(memory, sizes, PANEL_W),
    `</svg>`,
  ].join('\n');
}

function panelSvg(panel: Panel, sizes: readonly number[], offsetX: number): string {
  const left = offsetX + MARGIN.left;
  const right = offsetX + PANEL_W - MARGIN.right;
  const top = MARGIN.top;
  const bottom = PANEL_H - MARGIN.bottom;
  const [xMin, xMax] = decadeDomain(Math.min(...sizes), Math.max(...sizes));
  const x = (size: number) => left + ((Math.log10(size) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * (right - left);

  const values = [...panel.series.flatMap((s) => s.points.map((p) => p[1])), ...(panel.goal ? [panel.goal.value] : [])];
  const y = yAxis(panel.yScale, values, top, bottom);
  const parts: string[] = [];
  parts.push(`<text x="${offsetX + PANEL_W / 2}" y="22" text-anchor="middle" font-size="16" font-weight="bold">${panel.title}</text>`);
  for (const tick of y.ticks) {
    const ty = y.map(tick);
    parts.push(`<line x1="${left}" x2="${right}" y1="${ty}" y2="${ty}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${left - 6}" y="${ty + 4}" text-anchor="end" font-size="12">${panel.format(tick)}</text>`);
  }
  for (let decade = xMin; decade <= xMax * 1.0001; decade *= 10) {
    const tx = x(decade);
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${top}" y2="${bottom}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${tx}" y="${bottom + 18}" text-anchor="middle" font-size="12">${sizeLabel(decade)}</text>`);
  }
  parts.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${(left + right) / 2}" y="${PANEL_H - 12}" text-anchor="middle" font-size="13">documents (log scale)</text>`);
  parts.push(
    `<text transform="translate(${offsetX + 16} ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="13">${panel.yLabel}</text>`,
  );
  if (panel.goal) {
    const gy = y.map(panel.goal.value);
    parts.push(`<line x1="${left}" x2="${right}" y1="${gy}" y2="${gy}" stroke="#9467bd" stroke-width="2" stroke-dasharray="2 4"/>`);
    parts.push(`<text x="${right - 6}" y="${gy - 6}" text-anchor="end" font-size="12" fill="#9467bd">${panel.goal.label}</text>`);
  }
  for (const series of panel.series) {
    const points = series.points.map(([size, value]) => `${x(size).toFixed(1)},${y.map(value).toFixed(1)}`);
    const dash = series.dashed ? ' stroke-dasharray="7 5"' : '';
    parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${series.color}" stroke-width="2.5"${dash}/>`);
    for (const [size, value] of series.points) {
      parts.push(`<circle cx="${x(size).toFixed(1)}" cy="${y.map(value).toFixed(1)}" r="4" fill="${series.color}"/>`);
    }
  }
  parts.push(legendSvg(panel.series, right, bottom));
  return parts.join('\n');
}

/** Bottom right: lines rise to the right and RSS stays far above zero, so this corner stays free. */
function legendSvg(series: readonly Series[], right: number, bottom: number): string {
  const width = 56 + Math.max(...series.map((s) => s.label.length)) * 7;
  const height = 10 + series.length * 18;
  const x0 = right - width - 8;
  const y0 = bottom - height - 8;
  const parts = [`<rect x="${x0}" y="${y0}" width="${width}" height="${height}" fill="#fff" fill-opacity="0.9" stroke="#ccc"/>`];
  series.forEach((s, i) => {
    const ly = y0 + 14 + i * 18;
    const dash = s.dashed ? ' stroke-dasharray="7 5"' : '';
    parts.push(`<line x1="${x0 + 10}" x2="${x0 + 38}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2.5"${dash}/>`);
    parts.push(`<text x="${x0 + 44}" y="${ly + 4}" font-size="12">${s.label}</text>`);
  });
  return parts.join('\n');
}

/** Whole decades around [min, max], at least one decade wide. */
function decadeDomain(min: number, max: number): [number, number] {
  const low = 10 ** Math.floor(Math.log10(min));
  let high = 10 ** Math.ceil(Math.log10(max));
  if (high <= low) high = low * 10;
  return [low, high];
}

function yAxis(scale: 'log' | 'linear', values: readonly number[], top: number, bottom: number) {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) positive.push(1);
  if (scale === 'log') {
    // A little room so that a point never sits on the frame.
    const [low, high] = decadeDomain(Math.min(...positive) / 1.3, Math.max(...positive) * 1.3);
    const ticks: number[] = [];
    for (let decade = low; decade <= high * 1.0001; decade *= 10) {
      for (const m of [1, 2, 5]) if (decade * m <= high * 1.0001) ticks.push(Number((decade * m).toPrecision(3)));
    }
    const map = (v: number) => bottom - ((Math.log10(v) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * (bottom - top);
    return { ticks, map };
  }
  const max = Math.max(...values, 1) * 1.15;
  const step = niceStep(max / 6);
  const high = Math.ceil(max / step) * step;
  const ticks = Array.from({ length: Math.round(high / step) + 1 }, (_, i) => i * step);
  return { ticks, map: (v: number) => bottom - (v / high) * (bottom - top) };
}

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10;
  return step * magnitude;
}

function sizeLabel(size: number): string {
  if (size >= 1e6) return `${size / 1e6}M`;
  if (size >= 1e3) return `${size / 1e3}k`;
  return String(size);
}
