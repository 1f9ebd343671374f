import { Writable } from 'node:stream';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { CookieClient } from './browserless';
import { startStack, type Stack } from './stack';
import { createTenant, publishService } from './tenant';

/**
 * The harness the lookup fields' e2e tests share (issue 19): a stack with one
 * published service and its logs captured, a citizen's cookie client, a draft
 * started and submitted, and the checks on a provider that does not answer.
 */

export interface LookupService {
  slug: string;
  title: string;
  definition: unknown;
}

export interface LookupStackOptions {
  env: Record<string, string>;
  service: LookupService;
  /** Where the API's log lines go; not captured when absent. */
  logs?: string[];
}

export interface JsonAnswer {
  status: number;
  body: Record<string, unknown> & { errors?: unknown[] };
}

export type JsonCall = (method: string, path: string, body?: unknown) => Promise<JsonAnswer>;

export interface Submitted {
  id: string;
  submitted: JsonAnswer;
  read: JsonAnswer;
}

/** A stream that appends every log line to `logs`. */
export function logSink(logs: string[]): Writable {
  return new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
}

/** Starts a stack without worker on PostgreSQL, and publishes the service under a new tenant. */
export async function startLookupStack(options: LookupStackOptions): Promise<Stack> {
  const stack = await startStack({
    backend: 'postgres',
    worker: false,
    ...(options.logs ? { logStream: logSink(options.logs) } : {}),
    env: options.env,
  });
  const designer = await createTenant(stack);
  await publishService(stack.url, designer, options.service);
  return stack;
}

/** A citizen's browser without a page: cookies kept, the CSRF token sent back, JSON both ways. */
export function citizenCaller(baseUrl: string): JsonCall {
  const client = new CookieClient();
  return async (method, path, body) => {
    const csrf = client.cookie(baseUrl, 'csrf_token');
    const res = await client.request(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
      body: body === undefined || method === 'GET' ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as JsonAnswer['body'] };
  };
}

/** Starts a draft of the service with `data` as a new citizen, submits it, and reads it back. */
export async function submitDraft(baseUrl: string, slug: string, data: Record<string, unknown>): Promise<Submitted> {
  const call = citizenCaller(baseUrl);
  const draft = await call('POST', `/api/v1/public/services/${slug}/submissions`, { data });
  expect(draft.status).toBe(201);
  const id = draft.body.id as string;
  const submitted = await call('POST', `/api/v1/submissions/${id}/submit`, {});
  const read = await call('GET', `/api/v1/submissions/${id}`);
  return { id, submitted, read };
}

/** One field of the data read back after submit. */
export function filedField<T>(read: JsonAnswer, field: string): T {
  return (read.body.data as Record<string, T>)[field]!;
}

/** The request's internal history events saying where its lookup fields' values came from. */
export function provenanceEvents(
  stack: Stack,
  submissionId: string,
): Promise<Array<{ comment: string; visibility: string }>> {
  return stack.api
    .get(DataSource)
    .query(`SELECT comment, visibility FROM submission_event WHERE submission_id = $1 AND type = 'provenance'`, [
      submissionId,
    ]) as Promise<Array<{ comment: string; visibility: string }>>;
}

/** A lookup answered 503 LOOKUP_UNAVAILABLE within the provider's timeout (plus a margin). */
export function expectUnavailableInTime(res: Response, startedAt: number, timeoutMs: number): void {
  expect(res.status).toBe(503);
  expect(res.body.code).toBe('LOOKUP_UNAVAILABLE');
  expect(Date.now() - startedAt).toBeLessThan(timeoutMs + 1500);
}

/** Looks up until the limit answers 429, starting from the `done` lookups already spent; the last status. */
export async function spendLookups(done: number, limit: number, lookup: () => Promise<Response>): Promise<number> {
  let last = 200;
  for (let i = done; i <= limit + 1 && last !== 429; i++) last = (await lookup()).status;
  return last;
}
