import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/shared/project.js';

/** The reference age tools (filippo.io/age v1.3.2), built once by scripts/build-age.sh into the cache. */
export interface AgeCli {
  readonly age: string;
  readonly keygen: string;
}

export const AGE_VERSION = 'v1.3.2';

let tools: AgeCli | undefined;

/** Builds the tools if they are missing (needs Go once) and returns their paths. */
export function ageCli(): AgeCli {
  if (tools) return tools;
  const output = execFileSync('bash', [path.join(projectRoot, 'scripts', 'build-age.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const dir = output.trim().split('\n').at(-1) ?? '';
  tools = { age: path.join(dir, `age-${AGE_VERSION}`), keygen: path.join(dir, `age-keygen-${AGE_VERSION}`) };
  return tools;
}

export interface AgeRun {
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs `age` with the arguments (files in, `-o` out); stdout is not used. */
export function runAge(args: readonly string[]): AgeRun {
  const result = spawnSync(ageCli().age, args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  return { code: result.status, stderr: result.stderr };
}

/** `age-keygen`: the key file text it writes and the public key it reports. */
export function ageKeygen(): { readonly secretKeyFile: string; readonly publicKey: string } {
  const result = spawnSync(ageCli().keygen, [], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`age-keygen failed: ${result.stderr}`);
  const publicKey = /^Public key: (age1\S+)$/m.exec(result.stderr)?.[1];
  if (!publicKey) throw new Error(`age-keygen printed no public key: ${result.stderr}`);
  return { secretKeyFile: result.stdout, publicKey };
}
