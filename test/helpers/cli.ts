import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/shared/project.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export const CLI = path.join(projectRoot, 'bin', 'scandy-backup.js');

/** Starts the built CLI (npm test builds dist/ first) with exactly the given environment. */
export function startCli(args: readonly string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function runCli(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return collect(startCli(args, env));
}

/** The CLI under `ulimit -f`: writing past `kilobytes` fails with EFBIG, like a full disk. */
export function runCliWithFileSizeLimit(args: readonly string[], env: Record<string, string>, kilobytes: number): Promise<CliResult> {
  const command = `ulimit -f ${kilobytes} && exec "$0" "$@"`;
  return collect(
    spawn('bash', ['-c', command, process.execPath, CLI, ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
