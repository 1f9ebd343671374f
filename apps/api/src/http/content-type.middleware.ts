import type { NextFunction, Request, Response } from 'express';
import { AppError } from '@guichet/shared';

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;
const MULTIPART = /^multipart\/form-data\s*;/i;

/**
 * A request with a body must say it is JSON (or multipart, for uploads);
 * anything else is a 415 rather than a body silently ignored.
 */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody || ['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
  const type = req.headers['content-type'] ?? '';
  if (!JSON_TYPE.test(type) && !MULTIPART.test(type)) return next(new AppError('UNSUPPORTED_MEDIA_TYPE'));
  // JSON bodies may come compressed (body-parser inflates them); uploads may not: busboy would read the
  // compressed bytes as the file. An encoding nobody inflates is a 415 that says so, never a body misread.
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const accepted = MULTIPART.test(type) ? encoding === 'identity' : INFLATED.has(encoding);
  if (!accepted) {
    const shown = encoding.replace(/[^\x20-\x7e]/g, '').slice(0, 40) || '?';
    return next(new AppError('CONTENT_ENCODING_UNSUPPORTED', { params: { encoding: shown } }));
  }
  next();
}

const INFLATED = new Set(['identity', 'gzip', 'deflate', 'br']);
