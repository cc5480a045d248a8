import { startApplication } from './app/start-application.js';
import { loadConfig } from './config/config.js';
import { loadEnvFile } from './config/load-env-file.js';
import { describeError } from './shared/app-error.js';

async function main(): Promise<void> {
  loadEnvFile();
  const config = loadConfig();
  const app = await startApplication(config, (line) => console.log(line));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: wird beendet …`);
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`scandy-backup: ${describeError(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`scandy-backup: ${describeError(error)}`);
  process.exit(1);
});
