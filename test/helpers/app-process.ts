import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/shared/project.js';

export interface AppResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface AppProcess {
  readonly child: ChildProcess;
  /** Output so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves when stdout has a line containing `text`; rejects when the app exits first or after `timeoutMs`. */
  waitForLine(text: string, timeoutMs?: number): Promise<string>;
  /** Resolves when the app has exited. */
  readonly exited: Promise<AppResult>;
}

/**
 * `npm start` as a user runs it, minus the build (npm test builds dist/ first):
 * the built app in `cwd`, with exactly `env` besides PATH and HOME.
 */
export function spawnApp(cwd: string, env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, [path.join(projectRoot, 'dist/src/main.js')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<AppResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return {
    child,
    output: () => ({ stdout, stderr }),
    exited,
    waitForLine: async (text, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      let exitedEarly = false;
      void exited.then(() => (exitedEarly = true));
      for (;;) {
        const line = stdout.split('\n').find((l) => l.includes(text));
        if (line !== undefined) return line;
        if (exitedEarly || Date.now() > deadline) {
          throw new Error(`no line with "${text}" (${exitedEarly ? 'app exited' : 'timeout'}); stdout: ${stdout}; stderr: ${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** Runs the app until it exits by itself; kills it after `timeoutMs` (then code is null). */
export async function runApp(cwd: string, env: Record<string, string>, timeoutMs = 30_000): Promise<AppResult> {
  const app = spawnApp(cwd, env);
  const timer = setTimeout(() => app.child.kill('SIGKILL'), timeoutMs);
  const result = await app.exited;
  clearTimeout(timer);
  return result;
}
