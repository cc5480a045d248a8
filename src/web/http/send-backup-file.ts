import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { BackupDownload } from '../use-cases/open-backup-download.js';

/** Streams the archive as an attachment under its own name; releases it when the transfer ends or breaks. */
export function sendBackupFile(res: Response, download: BackupDownload): void {
  res.attachment(download.name);
  // An encrypted archive is no zip until decrypted (as the mail attachment).
  res.type(download.name.endsWith('.age') ? 'application/octet-stream' : 'application/zip');
  res.setHeader('Content-Length', String(download.size));
  res.setHeader('Cache-Control', 'no-store');
  pipeline(download.stream, res)
    .catch(() => undefined)
    .finally(download.release);
}
