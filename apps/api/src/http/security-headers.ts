import helmet from 'helmet';
import type { RequestHandler } from 'express';
import type { Config } from '@guichet/config';

/**
 * Security headers on every answer. The Content-Security-Policy lets pages
 * load only from this installation: no inline or evaluated scripts, no
 * third-party origin, no framing. Inline styles stay allowed (style
 * attributes in server-rendered pages and React). Forms may post to this
 * origin and to the identity providers (sign-out redirects there). HSTS is
 * sent only when the public address is HTTPS. Service pages may be framed by
 * the origins in `EMBED_ORIGINS` (a commune's own site), nothing else.
 */
export function securityHeaders(config: Config): RequestHandler {
  const https = (config.PUBLIC_URL ?? '').startsWith('https://');
  const providers = [config.FC_ISSUER, config.AGENT_OIDC_ISSUER]
    .filter((url): url is string => !!url)
    .map((url) => new URL(url).origin);
  const strict = helmet(pagePolicy(["'none'"], providers, https, true));
  // A service's pages, where the operator allows the commune's site to frame them.
  const embeddable = config.EMBED_ORIGINS.length
    ? helmet(pagePolicy(config.EMBED_ORIGINS, providers, https, false))
    : strict;
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
  return (req, res, next) =>
    req.path.startsWith('/api/docs')
      ? docs(req, res, next)
      : req.path.startsWith('/demarches/')
        ? embeddable(req, res, next)
        : strict(req, res, next);
}

/** The strict policy of every page; `frameAncestors` is `'none'` or the origins allowed to frame service pages. */
function pagePolicy(
  frameAncestors: string[],
  providers: string[],
  https: boolean,
  denyFrames: boolean,
): Parameters<typeof helmet>[0] {
  return {
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
        frameAncestors,
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    // X-Frame-Options cannot name origins: where framing is allowed, the CSP's frame-ancestors decides alone.
    frameguard: denyFrames ? { action: 'deny' } : false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginEmbedderPolicy: false,
  };
}
