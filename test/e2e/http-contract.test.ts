import request from 'supertest';
import { Writable } from 'node:stream';
import { startStack, type Stack } from '../support/stack';

/** The HTTP contract every issue builds on: health, errors, docs, metrics, web, logs. */
describe('HTTP contract', () => {
  let stack: Stack;
  const logs: string[] = [];

  beforeAll(async () => {
    const logStream = new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    });
    stack = await startStack({ backend: 'postgres', worker: false, logStream, env: { BODY_LIMIT_KB: '64' } });
  });
  afterAll(() => stack?.close());

  describe('health', () => {
    it('is live', async () => {
      await request(stack.url).get('/health/live').expect(200, { status: 'ok' });
    });

    it('is ready when PostgreSQL and the queue answer, and names each check', async () => {
      const res = await request(stack.url).get('/health/ready').expect(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        checks: { database: { status: 'up' }, queue: { status: 'up', backend: 'postgres' } },
      });
    });
  });

  describe('security headers', () => {
    it('allow this installation only: no inline or evaluated script, no framing, no sniffing', async () => {
      for (const path of ['/health/live', '/api/v1/public/services', '/nothing-here']) {
        const res = await request(stack.url).get(path);
        const csp = res.headers['content-security-policy'] as string;
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("script-src 'self';");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toMatch(/unsafe-eval|https?:\/\/(?!127\.0\.0\.1|localhost)/);
        expect(res.headers['x-frame-options']).toBe('DENY');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
        // Plain HTTP here: HSTS only when PUBLIC_URL is HTTPS.
        expect(res.headers['strict-transport-security']).toBeUndefined();
      }
    });
  });

  describe('connections', () => {
    it('keep an idle connection longer than a proxy keeps its own to the API', async () => {
      // A keep-alive client (fetch): the answer says how long the connection stays open (SERVER_KEEP_ALIVE_SECONDS).
      const res = await fetch(`${stack.url}/health/live`);
      expect(res.status).toBe(200);
      expect(res.headers.get('keep-alive')).toBe('timeout=65');
    });
  });

  describe('embedding', () => {
    it('lets the origins of EMBED_ORIGINS frame service pages, and only those pages', async () => {
      const embedding = await startStack({
        backend: 'postgres',
        worker: false,
        env: { EMBED_ORIGINS: 'https://www.mairie.example.fr, https://portail.example.org/' },
      });
      try {
        const page = await request(embedding.url).get('/demarches/signaler-un-probleme-de-voirie');
        expect(page.headers['content-security-policy']).toContain(
          'frame-ancestors https://www.mairie.example.fr https://portail.example.org',
        );
        expect(page.headers['x-frame-options']).toBeUndefined();
        for (const path of ['/', '/mes-demarches', '/instruction', '/api/v1/public/services']) {
          const other = await request(embedding.url).get(path);
          expect(other.headers['content-security-policy']).toContain("frame-ancestors 'none'");
          expect(other.headers['x-frame-options']).toBe('DENY');
        }
      } finally {
        await embedding.close();
      }
    });
  });

  describe('errors have one shape', () => {
    it('answers an unknown route with a 404 in the error shape', async () => {
      const res = await request(stack.url).get('/api/v1/nothing-here').expect(404);
      expect(res.body).toEqual({ code: 'NOT_FOUND', message: 'La ressource demandée est introuvable.' });
      expect(res.headers['content-type']).toMatch(/application\/json/);
    });

    it('answers an unknown method on a known path with a 404', async () => {
      const res = await request(stack.url).delete('/health/ready').expect(404);
      expect(res.body.code).toBe('NOT_FOUND');
    });

    it.each([
      ['{bad', 'truncated object'],
      ['{"a":1,}', 'trailing comma'],
      ['"just a string"', 'a JSON string, not an object'],
      ['\u0000\u0001', 'binary'],
    ])('answers malformed JSON (%s: %s) with 400 MALFORMED_JSON', async (body) => {
      const res = await request(stack.url)
        .post('/api/v1/system/pings')
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(400);
      expect(res.body).toEqual({ code: 'MALFORMED_JSON', message: expect.stringContaining('JSON') });
    });

    it('answers a body over the limit with 413 and says the limit', async () => {
      const res = await request(stack.url)
        .post('/api/v1/system/pings')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ filler: 'x'.repeat(100 * 1024) }))
        .expect(413);
      expect(res.body).toEqual({
        code: 'PAYLOAD_TOO_LARGE',
        message: 'La requête est trop volumineuse (limite : 64 Ko).',
      });
    });

    it('answers JSON nested 30,000 levels deep with 400, not a stack overflow', async () => {
      const body = '['.repeat(30_000) + ']'.repeat(30_000);
      const res = await request(stack.url)
        .post('/api/v1/system/pings')
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(400);
      expect(res.body).toEqual({
        code: 'JSON_TOO_DEEP',
        message: 'Le corps de la requête est trop imbriqué (64 niveaux au plus).',
      });
    });

    it('answers a body that is not JSON with 415', async () => {
      const res = await request(stack.url)
        .post('/api/v1/system/pings')
        .set('Content-Type', 'text/plain')
        .send('hello')
        .expect(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers an unsupported charset with 415', async () => {
      const res = await request(stack.url)
        .post('/api/v1/system/pings')
        .set('Content-Type', 'application/json; charset=klingon')
        .send('{}')
        .expect(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers a malformed id with 400 and an unknown one with 404', async () => {
      await request(stack.url).get('/api/v1/system/pings/not-a-uuid').expect(400);
      await request(stack.url).get('/api/v1/system/pings/%FF').expect(400);
      const res = await request(stack.url).get('/api/v1/system/pings/3f1c2b9e-8d2a-4c4e-9a57-0c7d0b6d1e2f').expect(404);
      expect(res.body.code).toBe('NOT_FOUND');
    });

    it('speaks English when asked first, French otherwise', async () => {
      const en = await request(stack.url).get('/api/v1/nothing').set('Accept-Language', 'en-GB,en;q=0.9').expect(404);
      expect(en.body.message).toBe('The requested resource was not found.');
      expect(en.headers['content-language']).toBe('en');
      const de = await request(stack.url).get('/api/v1/nothing').set('Accept-Language', 'de').expect(404);
      expect(de.body.message).toBe('La ressource demandée est introuvable.');
    });
  });

  describe('documentation and metrics', () => {
    it('serves the OpenAPI document and its page', async () => {
      const json = await request(stack.url).get('/api/docs-json').expect(200);
      expect(json.body.openapi).toMatch(/^3\./);
      expect(Object.keys(json.body.paths)).toEqual(
        expect.arrayContaining(['/health/live', '/health/ready', '/api/v1/system/pings', '/api/v1/system/pings/{id}']),
      );
      const page = await request(stack.url).get('/api/docs').expect(200);
      expect(page.text).toContain('swagger');
      // Nothing from a third party: every script and stylesheet is ours.
      expect(page.text).not.toMatch(/(src|href)="https?:\/\//);
    });

    it('exposes Prometheus metrics with route patterns, never raw ids', async () => {
      await request(stack.url).get('/api/v1/system/pings/3f1c2b9e-8d2a-4c4e-9a57-0c7d0b6d1e2f').expect(404);
      const res = await request(stack.url).get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/text\/plain/);
      expect(res.text).toContain('guichet_http_request_duration_seconds_bucket');
      expect(res.text).toContain('route="/api/v1/system/pings/:id"');
      expect(res.text).not.toContain('3f1c2b9e');
      expect(res.text).toContain('guichet_process_cpu_seconds_total');
    });
  });

  describe('logs', () => {
    it('keep credentials, cookies and query strings out', async () => {
      await request(stack.url)
        .get('/api/v1/nothing?email=marie.dupont%40example.fr&nom=Dupont')
        .set('Authorization', 'Bearer tok-very-secret')
        .set('Cookie', 'sid=cookie-very-secret')
        .set('X-Request-Id', 'req-e2e-logs-0001')
        .expect(404);
      await new Promise((r) => setTimeout(r, 50));
      const all = logs.join('');
      expect(all).toContain('req-e2e-logs-0001');
      for (const secret of ['tok-very-secret', 'cookie-very-secret', 'marie.dupont', 'Dupont']) {
        expect(all).not.toContain(secret);
      }
    });
  });
});

describe('metrics behind METRICS_TOKEN', () => {
  let stack: Stack;
  const token = 'metrics-token-0123456789abcdef';

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres', worker: false, env: { METRICS_TOKEN: token } });
  });
  afterAll(() => stack?.close());

  it('answers 401 without the token or with another, and the metrics with it', async () => {
    expect((await request(stack.url).get('/metrics').expect(401)).body.code).toBe('UNAUTHENTICATED');
    await request(stack.url).get('/metrics').set('Authorization', `Bearer ${token}x`).expect(401);
    const res = await request(stack.url).get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    expect(res.text).toContain('guichet_process_cpu_seconds_total');
  });
});
