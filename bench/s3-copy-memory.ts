/**
 * `npm run bench:s3 [-- --mib 300]`: streams N MiB through the bucket place
 * to a local Versity S3 Gateway and back, sampling this process's RSS every
 * 20 ms, and prints whether memory stays flat (it must not grow with N).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { formatBackupName } from '../src/archive/backup-name.js';
import { S3Place } from '../src/storage/s3-place.js';
import { S3Target } from '../src/storage/s3-target.js';
import type { WrittenFile } from '../src/storage/storage-place.js';
import { TestS3Server } from '../test/helpers/s3-server.js';

const MiB = 1024 * 1024;
const SAMPLE_MS = 20;

interface Phase {
  readonly label: string;
  readonly seconds: number;
  /** RSS when 25, 50, 75 and 100 % of the bytes had passed, MiB. */
  readonly rssAtQuarters: number[];
  readonly peakRss: number;
  readonly peakHeap: number;
}

/** N MiB of random-looking bytes, made as they are read (one 1 MiB block reused, varied per chunk). */
function generated(totalMiB: number, onProgress: (doneMiB: number) => void): Readable {
  const block = randomBytes(MiB);
  return Readable.from((function* () {
    for (let i = 0; i < totalMiB; i++) {
      const chunk = Buffer.from(block);
      chunk.writeUInt32BE(i, 0);
      onProgress(i + 1);
      yield chunk;
    }
  })());
}

async function measure(label: string, totalMiB: number, run: (progress: (doneMiB: number) => void) => Promise<void>): Promise<Phase> {
  global.gc?.();
  const quarters: number[] = [];
  let peakRss = process.memoryUsage.rss();
  let peakHeap = 0;
  const timer = setInterval(() => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  }, SAMPLE_MS);
  const started = performance.now();
  try {
    await run((doneMiB) => {
      if (doneMiB >= ((quarters.length + 1) * totalMiB) / 4) quarters.push(process.memoryUsage.rss() / MiB);
    });
  } finally {
    clearInterval(timer);
  }
  return { label, seconds: (performance.now() - started) / 1000, rssAtQuarters: quarters, peakRss: peakRss / MiB, peakHeap: peakHeap / MiB };
}

async function main(): Promise<void> {
  const option = (flag: string, fallback: number) => {
    const index = process.argv.indexOf(flag);
    return index > 0 ? Number(process.argv[index + 1]) : fallback;
  };
  const totalMiB = option('--mib', 300);
  const tuning = { ...(process.argv.includes('--part-mib') ? { partSize: option('--part-mib', 8) * MiB } : {}), ...(process.argv.includes('--queue') ? { queueSize: option('--queue', 4) } : {}) };
  if (!Number.isInteger(totalMiB) || totalMiB < 1) throw new Error('--mib takes a whole number of MiB');
  const server = await TestS3Server.start();
  try {
    const place = new S3Place(new S3Target(server.client(), server.bucket!, 'bench'), undefined, tuning);
    const name = formatBackupName(new Date(), 'manual');
    const baseline = process.memoryUsage.rss() / MiB;
    let written: WrittenFile | undefined;
    const upload = await measure('upload (writeNew, checked against the server)', totalMiB, async (progress) => {
      written = await place.writeNew(name, generated(totalMiB, progress));
    });
    const download = await measure('download (openRead, size and SHA-256 checked)', totalMiB, async (progress) => {
      let bytes = 0;
      for await (const chunk of await place.openRead(name, written)) {
        bytes += (chunk as Buffer).length;
        progress(Math.floor(bytes / MiB));
      }
    });
    const mib = (n: number) => `${n.toFixed(0)} MiB`;
    process.stdout.write(`S3 copy memory: ${totalMiB} MiB through the bucket place to versitygw on loopback (node ${process.version})\n`);
    process.stdout.write(`RSS before: ${mib(baseline)}\n`);
    for (const phase of [upload, download]) {
      process.stdout.write(
        `${phase.label}: ${phase.seconds.toFixed(1)} s (${(totalMiB / phase.seconds).toFixed(0)} MiB/s), ` +
          `RSS at 25/50/75/100 %: ${phase.rssAtQuarters.map(mib).join(' / ')}, peak RSS ${mib(phase.peakRss)}, peak heap ${mib(phase.peakHeap)}\n`,
      );
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:s3: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
