/** What a fake provider answers to one request: status, content type, body, and an optional delay (a slow provider). */
export interface Answer {
  status: number;
  type: string;
  body: string;
  delayMs?: number;
}

/**
 * One fake provider, mounted under a prefix: its answer to a GET of `path`
 * (the part after the prefix, e.g. `/search`) with its query and headers, or
 * null when it has no such path (404).
 */
export type Provider = (
  path: string,
  query: URLSearchParams,
  headers: Record<string, string | string[] | undefined>,
) => Answer | null;

export function jsonAnswer(status: number, value: unknown, delayMs?: number): Answer {
  return { status, type: 'application/json', body: JSON.stringify(value), ...(delayMs ? { delayMs } : {}) };
}
