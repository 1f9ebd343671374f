import type { ErrorBody } from '@guichet/shared';
import { lang, tr } from './i18n';

/** An answer of the API that is not a success: its status and the standard error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    /** On a 503 SERVICE_UNAVAILABLE (the service is very busy): the server's Retry-After, in seconds. */
    readonly retryAfterSeconds?: number,
  ) {
    super(body.message);
  }
}

function cookie(name: string): string | undefined {
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`));
  return match ? decodeURIComponent(match.slice(name.length + 1)) : undefined;
}

const activity = new Set<() => void>();
/** Called after each answer from the server: every request extends the session. */
export function onActivity(listener: () => void): () => void {
  activity.add(listener);
  return () => activity.delete(listener);
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * When the server answers 503 SERVICE_UNAVAILABLE with Retry-After (very busy: nothing was done), wait that
   * long and send the very same request again (same headers, hence the same Idempotency-Key), with a bounded
   * backoff, at most `attempts` times; `onWait(seconds)` lets the page say so calmly.
   */
  busy?: { onWait: (seconds: number) => void; attempts?: number };
}

/** The longest wait between two tries of a request the server was too busy to take. */
const BUSY_MAX_WAIT_SECONDS = 30;

function pause(seconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = window.setTimeout(resolve, seconds * 1000);
    signal?.addEventListener('abort', () => {
      window.clearTimeout(timer);
      reject(new DOMException('Aborted', 'AbortError'));
    });
  });
}

/**
 * JSON over fetch, with the CSRF double submit on state-changing requests,
 * the page's language, and errors turned into `ApiError` (a network failure
 * is a 0 with a French message, never an exception the page cannot show).
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await apiOnce<T>(path, options);
    } catch (error) {
      const busy = options.busy;
      if (!busy || !(error instanceof ApiError) || error.retryAfterSeconds === undefined) throw error;
      if (attempt >= (busy.attempts ?? 5)) throw error;
      // What the server asks, growing with each try (everyone retrying at once would be the next peak), bounded.
      const seconds = Math.min(BUSY_MAX_WAIT_SECONDS, Math.max(error.retryAfterSeconds, 1) * attempt);
      busy.onWait(seconds);
      await pause(seconds, options.signal);
    }
  }
}

async function apiOnce<T>(path: string, options: RequestOptions): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': lang, ...options.headers };
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = cookie('csrf_token') ?? '';
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, {
      code: 'NETWORK',
      message: tr(
        'Le serveur ne répond pas. Vérifiez votre connexion ; vos réponses sont gardées dans ce navigateur.',
        'The server does not answer. Check your connection; your answers are kept in this browser.',
      ),
    } as ErrorBody);
  }
  for (const listener of activity) listener();
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error =
      parsed && typeof parsed === 'object' && 'code' in parsed
        ? (parsed as ErrorBody)
        : ({
            code: 'HTTP_' + response.status,
            message: tr('Une erreur est survenue.', 'Something went wrong.'),
          } as ErrorBody);
    const retryAfter = Number(response.headers.get('Retry-After') ?? '');
    const busy = response.status === 503 && error.code === 'SERVICE_UNAVAILABLE' && retryAfter > 0;
    throw new ApiError(response.status, error, busy ? Math.min(retryAfter, BUSY_MAX_WAIT_SECONDS) : undefined);
  }
  return parsed as T;
}

/** A random idempotency key (RFC 4122 v4 where available). */
export function newKey(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface Me {
  id: string;
  kind: 'citizen' | 'agent';
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  roles: Array<{ organisationId: string; role: string }>;
}

let mePromise: Promise<Me | null> | undefined;
/** Who is signed in (null when nobody), asked once per page load. */
export function whoAmI(): Promise<Me | null> {
  mePromise ??= api<Me>('/api/v1/me').catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  });
  return mePromise;
}

export function signInUrl(as: 'citizen' | 'agent', returnTo: string): string {
  return `/auth/login?as=${as}&returnTo=${encodeURIComponent(returnTo)}`;
}
