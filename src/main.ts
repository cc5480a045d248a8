import { startApplication } from './app/start-application.js';
import { loadConfig } from './config/config.js';
import { loadEnvFile } from './config/load-env-file.js';
import { describeError } from './shared/app-error.js';

function fail(error: unknown): never {
  console.error(`scandy-backup: ${describeError(error)}`);
  process.exit(1);
}

async function main(): Promise<void> {
  loadEnvFile();
  const config = loadConfig();
  const starting = startApplication(config, (line) => console.log(line));
  let stopping = false;
  // A signal during the start stops what has been started so far, once the start is through.
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: wird beendet …`);
    starting.then((app) => app.stop()).then(() => process.exit(0), fail);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  await starting;
}

main().catch(fail);
