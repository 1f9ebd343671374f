import express, { type NextFunction, type Request, type Response } from 'express';
import type { Config } from '@guichet/config';
import { routePattern } from './route-pattern';

/**
 * The routes whose JSON body may be large: a form's answers, a service
 * definition. They accept up to BODY_LIMIT_KB; every other route (sign-in,
 * messages, notes, transitions, assignments, tokens…) up to
 * BODY_LIMIT_SMALL_KB, never more than BODY_LIMIT_KB. Uploads are multipart
 * and have their own limit (the file field's, checked while streaming).
 */
export const LARGE_BODY_ROUTES = [
  'POST /api/v1/public/services/:slug/submissions',
  'PATCH /api/v1/submissions/:id',
  'POST /api/v1/services',
  'POST /api/v1/services/import',
  'PUT /api/v1/services/:slug/draft',
].map(routePattern);

export function bodyLimits(config: Config): { largeKb: number; smallKb: number } {
  return { largeKb: config.BODY_LIMIT_KB, smallKb: Math.min(config.BODY_LIMIT_SMALL_KB, config.BODY_LIMIT_KB) };
}

/** JSON body parsing with a limit per route (413 PAYLOAD_TOO_LARGE past it, through the error filter). */
export function jsonBodies(config: Config) {
  const { largeKb, smallKb } = bodyLimits(config);
  const type = ['application/json', 'application/*+json'];
  const large = express.json({ limit: `${largeKb}kb`, type });
  const small = express.json({ limit: `${smallKb}kb`, type });
  return (req: Request, res: Response, next: NextFunction): void => {
    const isLarge = LARGE_BODY_ROUTES.some((route) => route.matches(req.method, req.path));
    (isLarge ? large : small)(req, res, next);
  };
}
