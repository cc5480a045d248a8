import path from 'node:path';
import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { UPLOAD_DIR_PREFIX } from '../../backup/backup-store.js';
import { AppError } from '../../shared/app-error.js';
import { allowLargeBody } from './request-deadline.js';
import type { UploadedFile } from '../use-cases/accept-uploaded-backup.js';
import { PrivateUploadStorage } from './private-upload-storage.js';

export const UPLOAD_FIELD = 'file';

/**
 * One file in the field "file", at most `maxBytes`, written into a private
 * folder inside the backup folder (same file system: keeping it is a rename);
 * the body may take the upload's longer time limit.
 */
export function uploadSingleFile(maxBytes: number, backupDir: string): RequestHandler {
  const receive = multer({
    storage: new PrivateUploadStorage(path.join(backupDir, UPLOAD_DIR_PREFIX)),
    limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 6 },
  }).single(UPLOAD_FIELD);
  return (req, res, next) => {
    allowLargeBody(req);
    void receive(req, res, next);
  };
}

export function uploadedFile(req: Request): UploadedFile {
  if (!req.file) throw new AppError('INVALID_INPUT', `Keine Datei im Feld „${UPLOAD_FIELD}“ hochgeladen`);
  return { path: req.file.path, folder: req.file.destination, originalName: req.file.originalname };
}
