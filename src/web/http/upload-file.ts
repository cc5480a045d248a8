import os from 'node:os';
import path from 'node:path';
import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { AppError } from '../../shared/app-error.js';
import type { UploadedFile } from '../use-cases/accept-uploaded-backup.js';

export const UPLOAD_FIELD = 'file';

/** One file in the field "file", written to a temporary folder, at most `maxBytes`. */
export function uploadSingleFile(maxBytes: number): RequestHandler {
  return multer({
    dest: path.join(os.tmpdir(), 'scandy-backup-uploads'),
    limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 6 },
  }).single(UPLOAD_FIELD);
}

export function uploadedFile(req: Request): UploadedFile {
  if (!req.file) throw new AppError('INVALID_INPUT', `Keine Datei im Feld „${UPLOAD_FIELD}“ hochgeladen`);
  return { path: req.file.path, originalName: req.file.originalname };
}
