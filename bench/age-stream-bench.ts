/**
 * `npm run bench:age [-- --mib 500]`: memory and speed of the age stream
 * stage on its own. Each phase runs in its own Node process so that its peak
 * RSS is its own:
 * - copy: a generated stream of N MiB into a file, no encryption (the baseline),
 * - encrypt: the same stream through encryptStream into a file,
 * - decrypt: that file through decryptStream, checked by SHA-256 against the source.
 * Memory is flat when the peaks do not grow with N and stay near the baseline.
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { readIdentityFile } from '../src/config/encryption-config.js';
import { generateKeyPair } from '../src/crypto/age-keys.js';
import { decryptStream, encryptStream } from '../src/crypto/age-stream.js';
import { projectRoot } from '../src/shared/project.js';
import { megabytes, mbPerSecond, seconds } from './format.js';
import { startProcessMeter } from './process-meter.js';

type Phase = 'copy' | 'encrypt' | 'decrypt';

interface PhaseSpec {
  readonly phase: Phase;
  readonly bytes: number;
  readonly work: string;
  readonly publicKey: string;
}

interface PhaseResult {
  readonly phase: Phase;
  readonly wallMs: number;
  readonly peakRssBytes: number;
  readonly baselineRssBytes: number;
  readonly sha256: string;
  readonly outputBytes: number;
}

/** The same pseudo-random block in every process (AES-CTR of zeros under a fixed key), so the hashes compare. */
const BLOCK = createCipheriv('aes-256-ctr', Buffer.alloc(32, 7), Buffer.alloc(16)).update(Buffer.alloc(1024 * 1024 + 13));

/** N bytes of a repeated random block, produced as fast as the consumer pulls. */
function generated(bytes: number): Readable {
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < bytes; sent += BLOCK.length) yield BLOCK.subarray(0, Math.min(BLOCK.length, bytes - sent));
    })(),
  );
}

/** Passes chunks on while hashing them. */
function hashing(hash: ReturnType<typeof createHash>) {
  return async function* (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) {
      hash.update(chunk);
      yield chunk;
    }
  };
}

async function runPhase(spec: PhaseSpec): Promise<PhaseResult> {
  const meter = startProcessMeter();
  const started = performance.now();
  const hash = createHash('sha256');
  const encrypted = path.join(spec.work, 'stream.age');
  if (spec.phase === 'copy') {
    await pipeline(generated(spec.bytes), hashing(hash), createWriteStream(path.join(spec.work, 'stream.plain')));
  } else if (spec.phase === 'encrypt') {
    await pipeline(encryptStream(hashing(hash)(generated(spec.bytes)), [spec.publicKey]), createWriteStream(encrypted));
  } else {
    const identities = await readIdentityFile(path.join(spec.work, 'key.txt'));
    const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
    await pipeline(decryptStream(createReadStream(encrypted), identities), hashing(hash), discard);
  }
  const wallMs = performance.now() - started;
  const figures = meter.stop();
  const output = spec.phase === 'decrypt' ? spec.bytes : statSync(spec.phase === 'copy' ? path.join(spec.work, 'stream.plain') : encrypted).size;
  return { phase: spec.phase, wallMs, peakRssBytes: figures.peakRssBytes, baselineRssBytes: figures.baselineRssBytes, sha256: hash.digest('hex'), outputBytes: output };
}

function inChild(spec: PhaseSpec): PhaseResult {
  const script = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, [script, '--phase', JSON.stringify(spec)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '') as PhaseResult;
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === '--phase') {
    process.stdout.write(JSON.stringify(await runPhase(JSON.parse(argv[1] ?? '') as PhaseSpec)) + '\n');
    return 0;
  }
  const mib = argv[0] === '--mib' ? Number(argv[1]) : 500;
  if (!Number.isInteger(mib) || mib <= 0) {
    process.stderr.write('Aufruf: npm run bench:age [-- --mib N]\n');
    return 2;
  }
  const workRoot = path.join(projectRoot, 'bench', '.work');
  mkdirSync(workRoot, { recursive: true });
  const work = mkdtempSync(path.join(workRoot, 'age-'));
  try {
    const pair = await generateKeyPair();
    writeFileSync(path.join(work, 'key.txt'), pair.secretKeyFile, { mode: 0o600 });
    const base = { bytes: mib * 1024 * 1024, work, publicKey: pair.publicKey };
    const results = (['copy', 'encrypt', 'decrypt'] as const).map((phase) => inChild({ ...base, phase }));
    const [copy, encrypt, decrypt] = results;
    if (copy!.sha256 !== encrypt!.sha256 || encrypt!.sha256 !== decrypt!.sha256) throw new Error('SHA-256 differs between source and decrypted output');
    process.stdout.write(`age stream stage, ${mib} MiB, Node.js ${process.version}\n\n`);
    process.stdout.write('| phase | time | throughput | peak RSS | RSS at start | output |\n|---|---:|---:|---:|---:|---:|\n');
    for (const r of results) {
      process.stdout.write(
        `| ${r.phase} | ${seconds(r.wallMs)} | ${mbPerSecond(base.bytes, r.wallMs)} | ${megabytes(r.peakRssBytes)} | ${megabytes(r.baselineRssBytes)} | ${megabytes(r.outputBytes)} |\n`,
      );
    }
    process.stdout.write('\ndecrypted SHA-256 equals the source: yes\n');
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:age: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
