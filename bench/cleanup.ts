import type { ChildProcess } from 'node:child_process';

type Task = () => Promise<void> | void;

const tasks: Task[] = [];
const children = new Set<ChildProcess>();
let running: Promise<void> | undefined;

/** Runs at the end, on failure and on Ctrl-C, last registered first. */
export function onCleanup(task: Task): void {
  tasks.push(task);
}

/** A child process to kill if the benchmark is interrupted while it runs. */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** True once cleanup has begun (errors after an interrupt are its echo, not news). */
export function cleaningUp(): boolean {
  return running !== undefined;
}

export function cleanup(): Promise<void> {
  running ??= (async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const task of tasks.reverse()) {
      try {
        await task();
      } catch (error) {
        process.stderr.write(`bench: cleanup step failed: ${String(error)}\n`);
      }
    }
  })();
  return running;
}

/** Ctrl-C or SIGTERM: stop the children and FerretDB, remove the work folder, exit. */
export function installSignalHandlers(): void {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, cleaning up…\n`);
      process.once(signal, () => process.exit(code));
      void cleanup().finally(() => process.exit(code));
    });
  }
}
