import { parseArgs } from 'node:util';

export const DEFAULT_SIZES = [10_000, 100_000, 1_000_000] as const;
export const USAGE = 'Usage: npm run bench [-- --sizes 10000,100000,1000000]';

export interface BenchArgs {
  readonly sizes: readonly number[];
}

export class UsageError extends Error {}

export function parseBenchArgs(argv: readonly string[]): BenchArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { sizes: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  if (values.sizes === undefined) return { sizes: [...DEFAULT_SIZES] };
  const sizes = values.sizes.split(',').map((part) => {
    const text = part.trim().replace(/_/g, '');
    const size = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(size) || size < 100) throw new UsageError(`--sizes: "${part}" is not a whole number of at least 100`);
    return size;
  });
  if (new Set(sizes).size !== sizes.length) throw new UsageError('--sizes: a size is listed twice');
  return { sizes: sizes.sort((a, b) => a - b) };
}

/** The command line as the user typed it, for the report. */
export function commandLine(argv: readonly string[]): string {
  const viaNpm = process.env.npm_lifecycle_event === 'bench';
  const base = viaNpm ? 'npm run bench' : 'node dist/bench/run-bench.js';
  if (argv.length === 0) return base;
  return `${base}${viaNpm ? ' --' : ''} ${argv.join(' ')}`;
}
