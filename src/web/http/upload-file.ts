import os from 'node:os';
import path from 'node:path';
import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { AppError } from '../../shared/app-error.js';
import { allowLargeBody } from './request-deadline.js';
import type { UploadedFile } from '../use-cases/accept-uploaded-backup.js';

export const UPLOAD_FIELD = 'file';

/**
 * One file in the field "file", written to a temporary folder, at most
 * `maxBytes`; the body may take the upload's longer time limit.
 */
export function uploadSingleFile(maxBytes: number): RequestHandler {
  const receive = multer({
    dest: path.join(os.tmpdir(), 'scandy-backup-uploads'),
    limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 6 },
  }).single(UPLOAD_FIELD);
  return (req, res, next) => {
    allowLargeBody(req);
    void receive(req, res, next);
  };
}

export function uploadedFile(req: Request): UploadedFile {
  if (!req.file) throw new AppError('INVALID_INPUT', `Keine Datei im Feld „${UPLOAD_FIELD}“ hochgeladen`);
  return { path: req.file.path, originalName: req.file.originalname };
}
