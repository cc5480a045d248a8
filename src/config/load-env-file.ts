import { existsSync } from 'node:fs';
import path from 'node:path';

/** Reads `.env` from the working directory into process.env (real env wins). */
export function loadEnvFile(cwd: string = process.cwd()): void {
  const file = path.join(cwd, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}
