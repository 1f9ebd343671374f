import helmet from 'helmet';
import type { RequestHandler } from 'express';
import type { Config } from '@guichet/config';

/**
 * Security headers on every answer. The Content-Security-Policy lets pages
 * load only from this installation: no inline or evaluated scripts, no
 * third-party origin, no framing. Inline styles stay allowed (style
 * attributes in server-rendered pages and React). Forms may post to this
 * origin and to the identity providers (sign-out redirects there). HSTS is
 * sent only when the public address is HTTPS.
 */
export function securityHeaders(config: Config): RequestHandler {
  const https = (config.PUBLIC_URL ?? '').startsWith('https://');
  const providers = [config.FC_ISSUER, config.AGENT_OIDC_ISSUER]
    .filter((url): url is string => !!url)
    .map((url) => new URL(url).origin);
  const strict = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'", ...new Set(providers)],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginEmbedderPolicy: false,
  });
  // Swagger UI, a developers' page, needs inline scripts and styles; nothing else does.
  const docs = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
  return (req, res, next) => (req.path.startsWith('/api/docs') ? docs(req, res, next) : strict(req, res, next));
}
