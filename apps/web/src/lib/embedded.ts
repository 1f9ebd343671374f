import type { PublicService } from '@guichet/shared';

/** The id of the JSON data script the API puts in a service page (apps/api/src/web/web-app.ts). */
const EMBEDDED_SERVICE_ID = 'guichet-service';
/** After this long the embedded version may be stale (a new one published): the page asks the API again. */
const FRESH_MS = 60_000;

/**
 * The published service the page arrived with, read synchronously from its
 * JSON data script: the first step draws without waiting for
 * `GET /api/v1/public/services/:slug`. Null when absent, for another
 * service, unreadable, or older than a minute (the caller then fetches).
 */
export function embeddedService(slug: string): PublicService | null {
  if (typeof document === 'undefined' || performance.now() > FRESH_MS) return null;
  const element = document.getElementById(EMBEDDED_SERVICE_ID);
  if (!element || element.getAttribute('type') !== 'application/json') return null;
  try {
    const service = JSON.parse(element.textContent ?? '') as PublicService;
    return service && service.slug === slug ? service : null;
  } catch {
    return null;
  }
}
