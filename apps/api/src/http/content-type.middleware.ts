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
  if (JSON_TYPE.test(type) || MULTIPART.test(type)) return next();
  next(new AppError('UNSUPPORTED_MEDIA_TYPE'));
}
