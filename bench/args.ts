import { parseArgs } from 'node:util';

export const DEFAULT_SIZES = [10_000, 100_000, 1_000_000] as const;
/** Small sizes are cheap to repeat, and noisy on a shared machine; the median run is reported. */
const DEFAULT_REPEATS_UP_TO = 100_000;
const DEFAULT_REPEATS = 3;
export const USAGE = 'Usage: npm run bench [-- --sizes 10000,100000,1000000] [--repeat N]';

export interface BenchArgs {
  readonly sizes: readonly number[];
  /** How often backup, restore and the tools run at this size (default: 3 up to 100,000 documents, else 1). */
  repeatsFor(size: number): number;
}

export class UsageError extends Error {}

export function parseBenchArgs(argv: readonly string[]): BenchArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { sizes: { type: 'string' }, repeat: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const repeat = values.repeat === undefined ? undefined : wholeNumber('--repeat', values.repeat, 1);
  const repeatsFor = (size: number) => repeat ?? (size <= DEFAULT_REPEATS_UP_TO ? DEFAULT_REPEATS : 1);
  if (values.sizes === undefined) return { sizes: [...DEFAULT_SIZES], repeatsFor };
  const sizes = values.sizes.split(',').map((part) => wholeNumber('--sizes', part, 100));
  if (new Set(sizes).size !== sizes.length) throw new UsageError('--sizes: a size is listed twice');
  return { sizes: sizes.sort((a, b) => a - b), repeatsFor };
}

function wholeNumber(option: string, part: string, least: number): number {
  const text = part.trim().replace(/_/g, '');
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < least) throw new UsageError(`${option}: "${part}" is not a whole number of at least ${least}`);
  return value;
}

/** The command line as the user typed it, for the report. */
export function commandLine(argv: readonly string[]): string {
  const viaNpm = process.env.npm_lifecycle_event === 'bench';
  const base = viaNpm ? 'npm run bench' : 'node dist/bench/run-bench.js';
  if (argv.length === 0) return base;
  return `${base}${viaNpm ? ' --' : ''} ${argv.join(' ')}`;
}
