import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LOG_LINE_PATTERN } from '../../src/log/log-line.js';
import { projectRoot } from '../../src/shared/project.js';
import { useTempDir } from '../helpers/temp-dir.js';

const logDir = useTempDir('scandy-log-processes-');
const LINES = 20_000;
const MAX_BYTES = 512 * 1024;
const MAX_FILES = 5;

/**
 * One writer process (the built event log of `npm test`'s build): says it is
 * ready, waits for the go file so that both write at the same time, then
 * writes its lines as fast as it can.
 */
const WRITER = `
import { existsSync } from 'node:fs';
const [eventLog, logDir, go, writer, lines, maxBytes, maxFiles] = process.argv.slice(1);
const { createEventLog } = await import(eventLog);
const log = createEventLog({ logDir, timeZone: 'Europe/Berlin', secrets: [], maxBytes: Number(maxBytes), maxFiles: Number(maxFiles) });
process.stdout.write('bereit\\n');
while (!existsSync(go)) await new Promise((resolve) => setTimeout(resolve, 5));
for (let i = 0; i < Number(lines); i++) log.write(\`Prozess \${writer} Zeile \${i} \${'x'.repeat(1 + (i % 40))}\`);
await log.close();
`;

function startWriter(writer: string, go: string): { ready: Promise<void>; done: Promise<number | null> } {
  const eventLog = pathToFileURL(path.join(projectRoot, 'dist', 'src', 'log', 'event-log.js')).href;
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', WRITER, eventLog, logDir, go, writer, String(LINES), String(MAX_BYTES), String(MAX_FILES)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ready = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { ready, done };
}

describe('auto_backup.log written by two processes at once', () => {
  it('keeps every line exactly once, whole, across rotations', async () => {
    const go = path.join(logDir, 'go');
    const writers = ['A', 'B'].map((name) => startWriter(name, go));
    await Promise.all(writers.map((w) => w.ready));
    writeFileSync(go, '');
    expect(await Promise.all(writers.map((w) => w.done))).toEqual([0, 0]);

    const files = readdirSync(logDir).filter((f) => f.startsWith('auto_backup')).sort();
    // 40,000 lines of about 70 bytes need several rotations, and all of it fits into the five files.
    expect(files).toEqual(['auto_backup.log', 'auto_backup1.log', 'auto_backup2.log', 'auto_backup3.log', 'auto_backup4.log']);
    expect(existsSync(path.join(logDir, 'auto_backup.log.lock'))).toBe(false);

    const seen = new Map<string, number>();
    let switches = 0;
    let previousWriter = '';
    for (const file of [...files].reverse()) {
      const text = readFileSync(path.join(logDir, file), 'utf8');
      expect(text.endsWith('\n'), file).toBe(true);
      // While one process rotates, the other goes on appending a few lines to the full file.
      expect(text.length, file).toBeLessThanOrEqual(MAX_BYTES * 1.1);
      for (const line of text.slice(0, -1).split('\n')) {
        expect(line).toMatch(LOG_LINE_PATTERN);
        const match = /\] Prozess ([AB]) Zeile (\d+) (x+)$/.exec(line);
        expect(match, line).not.toBeNull();
        const [, writer, number, padding] = match!;
        expect(padding!.length, line).toBe(1 + (Number(number) % 40));
        seen.set(`${writer}${number}`, (seen.get(`${writer}${number}`) ?? 0) + 1);
        if (writer !== previousWriter) switches++;
        previousWriter = writer!;
      }
    }
    const missing: string[] = [];
    const twice: string[] = [];
    for (const writer of ['A', 'B']) {
      for (let i = 0; i < LINES; i++) {
        const count = seen.get(`${writer}${i}`) ?? 0;
        if (count === 0) missing.push(`${writer}${i}`);
        if (count > 1) twice.push(`${writer}${i}`);
      }
    }
    expect({ missing: missing.slice(0, 10), missingCount: missing.length, twice: twice.slice(0, 10) }).toEqual({
      missing: [],
      missingCount: 0,
      twice: [],
    });
    expect(seen.size).toBe(2 * LINES);
    // The two really wrote at the same time: their lines alternate in the files.
    expect(switches).toBeGreaterThan(2);
  }, 120_000);
});
