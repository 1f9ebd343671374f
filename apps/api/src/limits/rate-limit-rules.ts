import type { Config } from '@guichet/config';
import { routePattern, type RoutePattern } from './route-pattern';

export interface RateLimitRule {
  /** Names the counter (in the store's keys) and the variables that set it. */
  name: string;
  routes: RoutePattern[];
  /** Requests per window from one client address (an IPv6 client: its /64); 0 is no limit. */
  perIp: number;
  /** Requests per window from one signed-in account, whatever its address; 0 is no limit. */
  perAccount: number;
}

/**
 * Every rate limit of the API, in one table. The figures come from the
 * environment (RATE_LIMIT_*, documented in .env.example); the defaults let a
 * whole town hall behind one NAT address work a busy morning, and hold one
 * person (an account) to what a person does. Sign-in has no per-account
 * counter: nobody is signed in yet when it starts.
 */
export function rateLimitRules(config: Config): RateLimitRule[] {
  if (config.RATE_LIMITS === 'off') return [];
  return [
    {
      name: 'sign-in',
      routes: [routePattern('GET /auth/login'), routePattern('GET /auth/callback')],
      perIp: config.RATE_LIMIT_SIGN_IN_PER_IP,
      perAccount: 0,
    },
    {
      name: 'drafts',
      routes: [routePattern('POST /api/v1/public/services/:slug/submissions')],
      perIp: config.RATE_LIMIT_DRAFTS_PER_IP,
      perAccount: config.RATE_LIMIT_DRAFTS_PER_ACCOUNT,
    },
    {
      name: 'submits',
      routes: [routePattern('POST /api/v1/submissions/:id/submit')],
      perIp: config.RATE_LIMIT_SUBMITS_PER_IP,
      perAccount: config.RATE_LIMIT_SUBMITS_PER_ACCOUNT,
    },
    {
      name: 'uploads',
      routes: [
        routePattern('POST /api/v1/submissions/:id/attachments'),
        routePattern('POST /api/v1/submissions/:id/message-attachments'),
      ],
      perIp: config.RATE_LIMIT_UPLOADS_PER_IP,
      perAccount: config.RATE_LIMIT_UPLOADS_PER_ACCOUNT,
    },
    {
      name: 'messages',
      routes: [routePattern('POST /api/v1/submissions/:id/messages')],
      perIp: config.RATE_LIMIT_MESSAGES_PER_IP,
      perAccount: config.RATE_LIMIT_MESSAGES_PER_ACCOUNT,
    },
    {
      // Follow links: unguessable already (128-bit MAC), and bounded all the same, as one counter for all their routes.
      name: 'follow',
      routes: [
        routePattern('POST /api/v1/follow'),
        routePattern('POST /api/v1/follow/:what'),
        routePattern('POST /api/v1/follow/:what/:id'),
      ],
      perIp: config.RATE_LIMIT_FOLLOW_PER_IP,
      perAccount: 0,
    },
    {
      // Lookups behind the fields that fill themselves (the commune list, the SIRET and RNA lookups; the other connectors of issue 23 join them).
      name: 'lookups',
      routes: [
        routePattern('GET /api/v1/public/communes'),
        routePattern('GET /api/v1/public/entreprises/:siret'),
        routePattern('GET /api/v1/public/associations/:rna'),
        routePattern('GET /api/v1/public/adresses'),
      ],
      perIp: config.RATE_LIMIT_LOOKUPS_PER_IP,
      // Public routes: an anonymous citizen is held by address only; a signed-in one by their account too.
      perAccount: config.RATE_LIMIT_LOOKUPS_PER_ACCOUNT,
    },
    {
      // The family quotient (API Particulier): personal data, asked for the signed-in citizen only; per address and per account.
      name: 'quotient',
      routes: [routePattern('POST /api/v1/me/quotient-familial')],
      perIp: config.RATE_LIMIT_QUOTIENT_PER_IP,
      perAccount: config.RATE_LIMIT_QUOTIENT_PER_ACCOUNT,
    },
  ].filter((rule) => rule.perIp > 0 || rule.perAccount > 0);
}
