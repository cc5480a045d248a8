import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import type multer from 'multer';

const UPLOAD_FILE_NAME = 'upload';

/**
 * A multer storage engine that writes each upload into a folder of its own
 * (mkdtemp: 0700, a random name) as a file only the owner can read (0600).
 * Nobody else can replace it between its check and the moment it is kept.
 */
export class PrivateUploadStorage implements multer.StorageEngine {
  /** `prefix`: the folder and name start of the private folders, e.g. `/backups/.upload-`. */
  constructor(private readonly prefix: string) {}

  _handleFile(_req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<Express.Multer.File>) => void): void {
    this.write(file.stream).then(
      (info) => callback(null, info),
      (error: unknown) => callback(error),
    );
  }

  _removeFile(_req: Request, file: Express.Multer.File, callback: (error: Error | null) => void): void {
    rm(file.destination, { recursive: true, force: true }).then(
      () => callback(null),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  }

  private async write(stream: NodeJS.ReadableStream): Promise<Partial<Express.Multer.File>> {
    const destination = await mkdtemp(this.prefix);
    const filePath = path.join(destination, UPLOAD_FILE_NAME);
    try {
      const output = createWriteStream(filePath, { flags: 'wx', mode: 0o600 });
      await pipeline(stream, output);
      return { destination, filename: UPLOAD_FILE_NAME, path: filePath, size: output.bytesWritten };
    } catch (error) {
      await rm(destination, { recursive: true, force: true });
      throw error;
    }
  }
}
