/** api(): a 503 SERVICE_UNAVAILABLE with Retry-After is sent again by itself, the very same request. */
const globals = globalThis as unknown as Record<string, unknown>;
globals.window ??= globalThis;
globals.document ??= { cookie: 'csrf_token=jeton' };

import { ApiError, api } from './api';

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

const BUSY = {
  code: 'SERVICE_UNAVAILABLE',
  message: 'Le service est momentanément indisponible (service très demandé).',
};

describe('api() when the server is very busy', () => {
  const sent: Array<{ path: string; headers: Record<string, string>; body: unknown }> = [];
  let answers: Response[];
  beforeEach(() => {
    sent.length = 0;
    globals.fetch = (path: string, init: RequestInit) => {
      sent.push({ path, headers: init.headers as Record<string, string>, body: init.body });
      return Promise.resolve(answers.shift()!);
    };
  });

  it('waits Retry-After, says so, and sends the same submit again with the same Idempotency-Key', async () => {
    answers = [answer(503, BUSY, { 'Retry-After': '1' }), answer(200, { reference: 'GCH-2222-3333' })];
    const waits: number[] = [];
    const result = await api<{ reference: string }>('/api/v1/submissions/x/submit', {
      method: 'POST',
      headers: { 'Idempotency-Key': 'cle-1' },
      busy: { onWait: (seconds) => waits.push(seconds) },
    });
    expect(result).toEqual({ reference: 'GCH-2222-3333' });
    expect(waits).toEqual([1]);
    expect(sent).toHaveLength(2);
    expect(sent.map((s) => s.headers['Idempotency-Key'])).toEqual(['cle-1', 'cle-1']);
    expect(sent[1]).toEqual(sent[0]);
  });

  it('gives up after the allowed attempts, with the server’s error', async () => {
    answers = [answer(503, BUSY, { 'Retry-After': '1' }), answer(503, BUSY, { 'Retry-After': '1' })];
    const error = await api('/api/v1/submissions/x', {
      method: 'PATCH',
      body: {},
      busy: { onWait: () => undefined, attempts: 2 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect(sent).toHaveLength(2);
  });

  it('never retries without being asked, nor a 503 that is not « very busy »', async () => {
    answers = [answer(503, BUSY, { 'Retry-After': '1' })];
    await expect(api('/api/v1/x')).rejects.toMatchObject({ status: 503, retryAfterSeconds: 1 });
    answers = [answer(503, { code: 'REQUEST_TIMEOUT', message: 'trop long' }, { 'Retry-After': '5' })];
    await expect(api('/api/v1/x', { busy: { onWait: () => undefined } })).rejects.toMatchObject({
      status: 503,
      retryAfterSeconds: undefined,
    });
    expect(sent).toHaveLength(2);
  });
});
