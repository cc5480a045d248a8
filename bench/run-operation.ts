import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { trackChild } from './cleanup.js';
import type { OperationFigures, OperationSpec } from './operation-types.js';
import { ferretDbCpuMs } from './proc-stats.js';

const CHILD_SCRIPT = fileURLToPath(new URL('./measure-operation.js', import.meta.url));

export interface MeasuredOperation extends OperationFigures {
  /** CPU time the FerretDB server spent while the operation ran. */
  readonly ferretCpuMs: number | undefined;
}

/** Runs one operation in a fresh Node process (see measure-operation.ts) and returns its figures. */
export async function runOperation(spec: OperationSpec): Promise<MeasuredOperation> {
  const ferretBefore = ferretDbCpuMs();
  const child = spawn(process.execPath, [CHILD_SCRIPT, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
  trackChild(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  });
  const ferretAfter = ferretDbCpuMs();
  const line = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{')) {
    throw new Error(`${spec.operation} child exited with code ${code}: ${stderr.trim() || stdout.trim() || '(no output)'}`);
  }
  const figures = JSON.parse(line) as OperationFigures;
  const ferretCpuMs = ferretBefore !== undefined && ferretAfter !== undefined ? ferretAfter - ferretBefore : undefined;
  return { ...figures, ferretCpuMs };
}
