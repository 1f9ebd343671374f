/** A route as the controllers declare it and API.md lists it: `POST /api/v1/submissions/:id/submit`. */
export interface RoutePattern {
  method: string;
  /** The path with its `:params`: what metrics and logs show, never the raw path. */
  path: string;
  matches(method: string, path: string): boolean;
}

/**
 * Compiles `METHOD /path/:param` to a matcher that agrees with Express's
 * router: case-insensitive, an optional trailing slash, a parameter is one
 * non-empty segment, and GET also covers HEAD. A limit that a client could
 * dodge by writing `/API/v1/…/` would be no limit.
 */
export function routePattern(spec: string): RoutePattern {
  const [method, path] = spec.split(' ') as [string, string | undefined];
  if (!path || !/^[A-Z]+$/.test(method) || !path.startsWith('/')) throw new Error(`bad route pattern: ${spec}`);
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  const regex = new RegExp(`^${source}/?$`, 'i');
  return {
    method,
    path,
    matches: (m, p) => (m === method || (method === 'GET' && m === 'HEAD')) && regex.test(p),
  };
}
