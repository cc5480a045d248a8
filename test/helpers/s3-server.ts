import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, type S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { freePort } from '../../src/db/local-ferretdb.js';
import { projectRoot } from '../../src/shared/project.js';
import { createS3Client } from '../../src/storage/s3-client.js';

const VERSITYGW_VERSION = 'v1.8.0';
export const TEST_REGION = 'us-east-1';

/** Path of the cached Versity S3 Gateway binary, building it first (scripts/build-versitygw.sh) if needed. */
export function versitygwBinary(): string {
  const cacheDir = process.env.SCANDY_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'scandy-backup');
  const binary = path.join(cacheDir, `versitygw-${VERSITYGW_VERSION}`);
  if (existsSync(binary)) return binary;
  return execFileSync('bash', [path.join(projectRoot, 'scripts', 'build-versitygw.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

export interface S3ServerOptions {
  /** Bucket created at the start; none when null. */
  readonly bucket?: string | null;
  /** Runs the gateway's own IAM (users with their own keys) besides the root account. */
  readonly iam?: boolean;
}

/**
 * A real S3 server for tests and benches: Versity S3 Gateway on a free
 * loopback port, storing into a temporary folder, with random root keys and
 * real signature checking. `kill()` stops it as a crash would; `start()`
 * brings it back on the same port, folder and keys.
 */
export class TestS3Server {
  readonly accessKeyId = `AK${randomBytes(9).toString('hex').toUpperCase()}`;
  readonly secretAccessKey = randomBytes(24).toString('base64url');
  readonly bucket: string | undefined;
  readonly dataDir: string;
  private child: ChildProcess | undefined;
  private stderr = '';
  port = 0;

  private constructor(private readonly options: S3ServerOptions) {
    this.bucket = options.bucket === null ? undefined : (options.bucket ?? 'scandy-backups');
    this.dataDir = mkdtempSync(path.join(os.tmpdir(), 'scandy-test-s3-'));
  }

  static async start(options: S3ServerOptions = {}): Promise<TestS3Server> {
    const server = new TestS3Server(options);
    try {
      server.port = await freePort();
      await server.start();
      if (server.bucket) await server.client().send(new CreateBucketCommand({ Bucket: server.bucket }));
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Client settings for the root account (path style, as a gateway on an IP address needs). */
  clientConfig(credentials = { accessKeyId: this.accessKeyId, secretAccessKey: this.secretAccessKey }): S3ClientConfig {
    return { endpoint: this.endpoint, region: TEST_REGION, forcePathStyle: true, credentials, maxAttempts: 2 };
  }

  client(credentials?: { accessKeyId: string; secretAccessKey: string }): S3Client {
    return createS3Client({ forcePathStyle: true }, this.clientConfig(credentials));
  }

  async start(): Promise<void> {
    if (this.running) return;
    const root = path.join(this.dataDir, 'root');
    mkdirSync(root, { recursive: true });
    const iam = this.options.iam ? ['--iam-dir', path.join(this.dataDir, 'iam'), '--admin-port', `127.0.0.1:${await this.adminPort()}`] : [];
    if (this.options.iam) mkdirSync(path.join(this.dataDir, 'iam'), { recursive: true });
    const child = spawn(versitygwBinary(), ['--port', `127.0.0.1:${this.port}`, '--quiet', ...iam, 'posix', root], {
      env: { ...process.env, ROOT_ACCESS_KEY: this.accessKeyId, ROOT_SECRET_KEY: this.secretAccessKey },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    this.stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    await this.waitForPort(child);
  }

  private adminPortNumber = 0;
  private async adminPort(): Promise<number> {
    this.adminPortNumber ||= await freePort();
    return this.adminPortNumber;
  }

  /** `versitygw admin create-user` (IAM mode only): a second account with its own keys and role `user`. */
  async createUser(accessKeyId: string, secretAccessKey: string): Promise<void> {
    if (!this.options.iam) throw new Error('createUser needs a server started with { iam: true }');
    execFileSync(
      versitygwBinary(),
      ['admin', '--access', this.accessKeyId, '--secret', this.secretAccessKey, '--endpoint-url', `http://127.0.0.1:${this.adminPortNumber}`,
        'create-user', '--access', accessKeyId, '--secret', secretAccessKey, '--role', 'user'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  }

  /** Stops the server at once (SIGKILL), as a crash or a pulled cable would. */
  kill(): Promise<void> {
    return this.halt('SIGKILL');
  }

  /** Stops the server and removes its folder. */
  async stop(): Promise<void> {
    await this.halt('SIGTERM');
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async halt(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  private async waitForPort(child: ChildProcess, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`versitygw exited with code ${child.exitCode}: ${this.stderr.trim()}`);
      if (await canConnect(this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGKILL');
    throw new Error(`versitygw did not listen on port ${this.port} within ${timeoutMs / 1000} s: ${this.stderr.trim()}`);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
