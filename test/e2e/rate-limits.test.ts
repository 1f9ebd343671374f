import { sessionCookieName } from '@guichet/config';
import type { INestApplication } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { createApiApp } from '../../apps/api/src/create-app';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { signInEnv, startIdp, type RunningIdp } from '../support/idp';
import { freePort, startRedisServer, waitUntil, type RedisServer } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';

/**
 * Abuse limits over real HTTP: rate limits counted per address and per
 * account in a store every replica shares (Redis, or PostgreSQL without it),
 * failing open when that store is down; the proof-of-work challenge; per-route
 * body limits; the request timeout. Client addresses are set with
 * X-Forwarded-For, which the Redis stack trusts from loopback (TRUST_PROXY).
 */

type Answer = { status: number; headers: Headers; body: { code?: string; message?: string; [k: string]: unknown } };

async function call(
  base: string,
  method: string,
  path: string,
  options: { ip?: string; body?: unknown; raw?: string; headers?: Record<string, string>; client?: CookieClient } = {},
): Promise<Answer> {
  const client = options.client;
  const csrf = client?.cookie(base, 'csrf_token');
  const init: RequestInit = {
    method,
    headers: {
      ...(options.body !== undefined || options.raw !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.ip ? { 'x-forwarded-for': options.ip } : {}),
      ...(csrf ? { 'x-csrf-token': csrf } : {}),
      ...options.headers,
    },
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    redirect: 'manual',
  };
  const res = client ? await client.request(`${base}${path}`, init) : await fetch(`${base}${path}`, init);
  const text = await res.text();
  let body: Answer['body'] = {};
  try {
    body = text ? (JSON.parse(text) as Answer['body']) : {};
  } catch {
    body = {};
  }
  return { status: res.status, headers: res.headers, body };
}

async function publish(base: string, designer: Tenant, slug: string, definition: unknown): Promise<void> {
  const created = await call(base, 'POST', '/api/v1/services', {
    headers: { authorization: designer.auth },
    body: { slug, title: slug, organisationId: designer.organisationId, definition },
  });
  expect(created.status).toBe(201);
  const published = await call(base, 'POST', `/api/v1/services/${slug}/publish`, {
    headers: { authorization: designer.auth },
  });
  expect(published.status).toBe(201);
}

async function listenSecondApi(stack: Stack): Promise<{ app: INestApplication; url: string }> {
  const backend = {
    kind: stack.config.QUEUE_BACKEND!,
    redisUrl: stack.config.REDIS_URL,
    reason: 'test',
  };
  const app = await createApiApp(stack.config, backend);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}` };
}

async function metric(base: string, line: RegExp): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const found = text.split('\n').find((l) => line.test(l));
  return found ? Number(found.split(' ').pop()) : 0;
}

const DRAFTS_ROUTE = '/api/v1/public/services/:slug/submissions';

/** What a browser does with a challenge: tries every number up to maxnumber. */
function solve(challenge: { challenge: string; salt: string; maxnumber: number }): number {
  for (let n = 0; n <= challenge.maxnumber; n++) {
    if (createHash('sha256').update(`${challenge.salt}${n}`).digest('hex') === challenge.challenge) return n;
  }
  throw new Error('no solution up to maxnumber');
}

const altcha = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64');

describe('rate limits on Redis, shared by two API instances, and the proof of work', () => {
  let idp: RunningIdp;
  let stack: Stack;
  let second: { app: INestApplication; url: string };
  let base: string;
  let designer: Tenant;
  const tally = { sent: 0, refused: 0 };

  const count = (answer: Answer) => {
    tally.sent++;
    if (answer.status === 429) tally.refused++;
    return answer;
  };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startIdp({ redirectUris: [`${base}/auth/callback`], postLogoutRedirectUris: [`${base}/`] });
    stack = await startStack({
      backend: 'redis',
      worker: false,
      env: {
        PORT: String(port),
        PUBLIC_URL: base,
        ...signInEnv(idp.issuer, idp.secret),
        TRUST_PROXY: 'loopback',
        RATE_LIMIT_WINDOW_SECONDS: '120',
        RATE_LIMIT_SIGN_IN_PER_IP: '6',
        RATE_LIMIT_DRAFTS_PER_IP: '6',
        RATE_LIMIT_DRAFTS_PER_ACCOUNT: '3',
        RATE_LIMIT_LOOKUPS_PER_ACCOUNT: '4',
        RATE_LIMIT_SUBMITS_PER_IP: '3',
        RATE_LIMIT_UPLOADS_PER_IP: '3',
        RATE_LIMIT_MESSAGES_PER_IP: '3',
        CHALLENGE_MAX_NUMBER: '2000',
      },
    });
    second = await listenSecondApi(stack);
    designer = await createTenant(stack);
    await publish(base, designer, 'cantine-limites', canteenDefinition());
    const guarded = canteenDefinition();
    guarded.settings.antiBot = 'proof-of-work';
    guarded.settings.prefill = [];
    await publish(base, designer, 'cantine-robots', guarded);
  });
  afterAll(async () => {
    await second?.app.close();
    await stack?.close();
    await idp?.stop();
    // Figures for docs/security.md.
    process.stdout.write(`rate-limits (redis): ${tally.sent} limited requests sent, ${tally.refused} refused\n`);
  });

  async function signIn(identity: string, ip: string): Promise<CookieClient> {
    const client = new CookieClient();
    const start = await client.request(`${base}/auth/login?as=citizen&returnTo=/mes-demarches`, {
      headers: { 'x-forwarded-for': ip },
    });
    expect(start.status).toBe(302);
    const login = await client.follow(new URL(start.headers.get('location')!).toString());
    const posted = await client.postForm(`${login.url}/login`, { identity });
    const callback = await client.follow(
      new URL(posted.headers.get('location')!, login.url).toString(),
      `${base}/auth/callback`,
    );
    const landed = await client.request(callback.url, { headers: { 'x-forwarded-for': ip } });
    expect(landed.status).toBe(303);
    return client;
  }

  it('refuses the drafts of one address past the limit on either instance, with Retry-After, in the error shape', async () => {
    const ip = '10.0.2.1';
    const bases = [base, second.url];
    for (let i = 0; i < 6; i++) {
      const created = count(
        await call(bases[i % 2]!, 'POST', '/api/v1/public/services/cantine-limites/submissions', { ip, body: {} }),
      );
      expect(created.status).toBe(201);
    }
    for (const target of bases) {
      const refused = count(
        await call(target, 'POST', '/api/v1/public/services/cantine-limites/submissions', { ip, body: {} }),
      );
      expect(refused.status).toBe(429);
      const wait = Number(refused.headers.get('retry-after'));
      expect(Number.isInteger(wait) && wait >= 1 && wait <= 120).toBe(true);
      expect(refused.body).toEqual({
        code: 'RATE_LIMITED',
        message: 'Trop de requêtes : réessayez dans quelques instants.',
      });
    }
    const english = count(
      await call(second.url, 'POST', '/api/v1/public/services/cantine-limites/submissions/', {
        ip,
        body: {},
        headers: { 'accept-language': 'en' },
      }),
    );
    expect(english.status).toBe(429);
    expect(english.body.message).toBe('Too many requests: try again in a moment.');
    // Another address is not affected.
    expect(
      count(
        await call(second.url, 'POST', '/api/v1/public/services/cantine-limites/submissions', {
          ip: '10.0.2.2',
          body: {},
        }),
      ).status,
    ).toBe(201);
    const route = new RegExp(`^guichet_rate_limited_total\\{route="${DRAFTS_ROUTE.replace(/[/:]/g, '\\$&')}"\\}`);
    expect((await metric(base, route)) + (await metric(second.url, route))).toBe(3);

    // The counters live in Redis under the installation's prefix, with an expiry, and name nobody.
    const redis = new Redis(stack.config.REDIS_URL!);
    try {
      const keys = await redis.keys(`${stack.config.QUEUE_PREFIX}:rate:*`);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.join(' ')).not.toContain('10.0.2');
      expect(await redis.pttl(keys[0]!)).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });

  it('holds a signed-in account to its own limit, whatever its address, without blocking the address for others', async () => {
    const citizen = await signIn('citoyen-leo-bernard', '10.0.1.1');
    for (let i = 0; i < 3; i++) {
      const created = count(
        await call(base, 'POST', '/api/v1/public/services/cantine-limites/submissions', {
          ip: '10.0.1.1',
          body: {},
          client: citizen,
        }),
      );
      expect(created.status).toBe(201);
    }
    const refused = count(
      await call(base, 'POST', '/api/v1/public/services/cantine-limites/submissions', {
        ip: '10.0.1.1',
        body: {},
        client: citizen,
      }),
    );
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    // Moving to another address does not help the account…
    const elsewhere = count(
      await call(base, 'POST', '/api/v1/public/services/cantine-limites/submissions', {
        ip: '10.0.1.99',
        body: {},
        client: citizen,
      }),
    );
    expect(elsewhere.status).toBe(429);
    // …and a neighbour on the same address (a town hall's NAT) still gets through.
    const neighbour = count(
      await call(base, 'POST', '/api/v1/public/services/cantine-limites/submissions', { ip: '10.0.1.1', body: {} }),
    );
    expect(neighbour.status).toBe(201);
  });

  it('holds a signed-in account to its lookups limit from any address; anonymous lookups count by address only', async () => {
    const citizen = await signIn('citoyen-ines-garcia-lopez', '10.0.7.1');
    const search = (ip: string, client?: CookieClient) =>
      call(base, 'GET', '/api/v1/public/communes?q=orl&limit=3', { ip, client }).then(count);
    for (let i = 0; i < 4; i++) expect((await search(`10.0.7.${i + 1}`, citizen)).status).toBe(200);
    expect((await search('10.0.7.50', citizen)).status).toBe(429);
    // The same addresses, anonymously: far below the per-address limit, still answered.
    for (let i = 0; i < 6; i++) expect((await search('10.0.7.1')).status).toBe(200);
  });

  it('limits sign-in, submits, uploads and messages per address too', async () => {
    for (let i = 0; i < 6; i++) {
      expect(count(await call(base, 'GET', '/auth/login?as=citizen', { ip: '10.0.3.1' })).status).toBe(302);
    }
    const login = count(await call(base, 'GET', '/auth/login?as=citizen', { ip: '10.0.3.1' }));
    expect(login.status).toBe(429);
    expect(login.body.code).toBe('RATE_LIMITED');
    expect(count(await call(base, 'GET', '/auth/callback?code=x&state=y', { ip: '10.0.3.1' })).status).toBe(429);

    const id = randomUUID();
    for (const [n, path] of [
      [4, `/api/v1/submissions/${id}/submit`],
      [5, `/api/v1/submissions/${id}/attachments`],
      [6, `/api/v1/submissions/${id}/messages`],
    ] as const) {
      const ip = `10.0.${n}.1`;
      // Nobody's request: "not found", three times; then refused before anything else is looked at.
      for (let i = 0; i < 3; i++) {
        expect(count(await call(second.url, 'POST', path, { ip, body: { body: 'Bonjour' } })).status).toBe(404);
      }
      const refused = count(await call(base, 'POST', path, { ip, body: { body: 'Bonjour' } }));
      expect([path, refused.status, refused.body.code]).toEqual([path, 429, 'RATE_LIMITED']);
    }
  });

  it('asks anonymous submitters of a guarded service for a solved challenge, once each', async () => {
    const browser = new CookieClient();
    const ip = '10.0.7.1';
    const draft = async () => {
      const created = await call(base, 'POST', '/api/v1/public/services/cantine-robots/submissions', {
        ip,
        body: { data: validCanteenData() },
        client: browser,
      });
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    // Each attempt from its own address: this test is about the challenge, not the submits' rate limit.
    let attempt = 0;
    const submit = (id: string, headers: Record<string, string> = {}) =>
      call(base, 'POST', `/api/v1/submissions/${id}/submit`, {
        ip: `10.0.9.${++attempt}`,
        body: {},
        client: browser,
        headers,
      });
    const challenge = async () => {
      const res = await fetch(`${second.url}/api/v1/public/challenge`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      return (await res.json()) as {
        algorithm: string;
        challenge: string;
        salt: string;
        signature: string;
        maxnumber: number;
      };
    };

    const first = await draft();
    const missing = await submit(first);
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({
      code: 'CHALLENGE_REQUIRED',
      message:
        'Cette démarche demande une vérification anti-robot avant le dépôt : rechargez la page, puis déposez à nouveau votre dossier.',
    });

    const issued = await challenge();
    expect(issued).toEqual({
      algorithm: 'SHA-256',
      challenge: expect.stringMatching(/^[0-9a-f]{64}$/),
      salt: expect.stringMatching(/\?expires=\d+&$/),
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
      maxnumber: 2000,
    });
    const number = solve(issued);
    const solution = {
      algorithm: issued.algorithm,
      challenge: issued.challenge,
      number,
      salt: issued.salt,
      signature: issued.signature,
    };
    const wrong = await submit(first, { 'x-altcha': altcha({ ...solution, number: number + 1 }) });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({ code: 'CHALLENGE_INVALID', errors: [{ code: 'challenge:wrong' }] });
    const garbled = await submit(first, { 'x-altcha': 'pas-du-base64!' });
    expect(garbled.body).toMatchObject({ code: 'CHALLENGE_INVALID', errors: [{ code: 'challenge:malformed' }] });

    const accepted = await submit(first, { 'x-altcha': altcha(solution), 'idempotency-key': 'depot-robots-1' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('submitted');
    // The same submit again (same key): its first answer, no new challenge needed.
    const repeated = await submit(first, { 'idempotency-key': 'depot-robots-1' });
    expect(repeated.status).toBe(200);
    expect(repeated.body.reference).toBe(accepted.body.reference);

    // The same solution on another draft: refused, even through the other instance.
    const other = await draft();
    const session = sessionCookieName(stack.config);
    const replay = await call(second.url, 'POST', `/api/v1/submissions/${other}/submit`, {
      body: {},
      headers: {
        'x-altcha': altcha(solution),
        cookie: `${session}=${browser.cookie(base, session)}; csrf_token=${browser.cookie(base, 'csrf_token')}`,
        'x-csrf-token': browser.cookie(base, 'csrf_token')!,
      },
    });
    expect(replay.status).toBe(422);
    expect(replay.body).toMatchObject({ code: 'CHALLENGE_INVALID', errors: [{ code: 'challenge:replayed' }] });
    const fresh = await challenge();
    const done = await submit(other, {
      'x-altcha': altcha({ ...fresh, maxnumber: undefined, number: solve(fresh) }),
    });
    expect(done.status).toBe(200);
  });

  it('does not ask a signed-in citizen, nor anyone on a service without the setting', async () => {
    const citizen = await signIn('citoyen-yannick-le-goff', '10.0.8.1');
    for (const slug of ['cantine-robots', 'cantine-limites']) {
      const created = await call(base, 'POST', `/api/v1/public/services/${slug}/submissions`, {
        ip: '10.0.8.1',
        body: { data: validCanteenData() },
        client: citizen,
      });
      expect(created.status).toBe(201);
      const submitted = await call(base, 'POST', `/api/v1/submissions/${created.body.id as string}/submit`, {
        ip: '10.0.8.1',
        body: {},
        client: citizen,
      });
      expect([slug, submitted.status]).toEqual([slug, 200]);
    }
    const anonymous = new CookieClient();
    const created = await call(base, 'POST', '/api/v1/public/services/cantine-limites/submissions', {
      ip: '10.0.8.2',
      body: { data: validCanteenData() },
      client: anonymous,
    });
    const submitted = await call(base, 'POST', `/api/v1/submissions/${created.body.id as string}/submit`, {
      ip: '10.0.8.2',
      body: {},
      client: anonymous,
    });
    expect(submitted.status).toBe(200);
  });
});

describe('rate limits on PostgreSQL (no Redis), body limits and the request timeout', () => {
  let stack: Stack;
  let second: { app: INestApplication; url: string };
  let designer: Tenant;
  const tally = { sent: 0, refused: 0 };
  /** Drafts of the body-limit and timeout tests: two of this address's four. */
  const drafts: Array<{ browser: CookieClient; id: string }> = [];

  beforeAll(async () => {
    stack = await startStack({
      backend: 'postgres',
      worker: false,
      env: {
        RATE_LIMIT_DRAFTS_PER_IP: '4',
        BODY_LIMIT_KB: '64',
        BODY_LIMIT_SMALL_KB: '8',
        REQUEST_TIMEOUT_SECONDS: '3',
        SERVER_HEADERS_TIMEOUT_SECONDS: '15',
        SERVER_REQUEST_TIMEOUT_SECONDS: '90',
      },
    });
    second = await listenSecondApi(stack);
    designer = await createTenant(stack);
    await publish(stack.url, designer, 'cantine-pg', canteenDefinition());
    for (let i = 0; i < 2; i++) {
      const browser = new CookieClient();
      const created = await call(stack.url, 'POST', '/api/v1/public/services/cantine-pg/submissions', {
        body: {},
        client: browser,
      });
      expect(created.status).toBe(201);
      drafts.push({ browser, id: created.body.id as string });
    }
  });
  afterAll(async () => {
    await second?.app.close();
    await stack?.close();
    process.stdout.write(`rate-limits (postgres): ${tally.sent} limited requests sent, ${tally.refused} refused\n`);
  });

  it('shares the counters of both instances through PostgreSQL, and ignores X-Forwarded-For without TRUST_PROXY', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const answer = await call(
        i % 2 ? second.url : stack.url,
        'POST',
        '/api/v1/public/services/cantine-pg/submissions',
        {
          // Without TRUST_PROXY, a forged address changes nothing: the socket's address counts.
          ip: `192.0.2.${i}`,
          body: {},
        },
      );
      tally.sent++;
      if (answer.status === 429) {
        tally.refused++;
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(answer.body.code).toBe('RATE_LIMITED');
      }
      statuses.push(answer.status);
    }
    // Two of the four were spent by beforeAll.
    expect(statuses).toEqual([201, 201, 429, 429, 429, 429, 429]);
    const ds = new Client({ connectionString: stack.config.DATABASE_URL });
    await ds.connect();
    try {
      const rows = await ds.query(`SELECT key, hits FROM rate_limit_counter WHERE key LIKE 'rate:drafts:ip:%'`);
      expect(rows.rows).toEqual([{ key: expect.not.stringContaining('127.0.0.1'), hits: 9 }]);
    } finally {
      await ds.end();
    }
  });

  it('answers 413 PAYLOAD_TOO_LARGE past each route’s limit: small for messages, larger for a draft', async () => {
    const filler = (kb: number) => 'x'.repeat(kb * 1024);
    const message = await call(stack.url, 'POST', `/api/v1/submissions/${randomUUID()}/messages`, {
      body: { body: filler(20) },
    });
    expect(message.status).toBe(413);
    expect(message.body).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'La requête est trop volumineuse (limite : 8 Ko).',
    });
    const english = await call(stack.url, 'POST', '/auth/logout', {
      raw: JSON.stringify({ filler: filler(9) }),
      headers: { 'accept-language': 'en' },
    });
    expect(english.status).toBe(413);
    expect(english.body.message).toBe('The request is too large (limit: 8 Ko).');

    const { browser, id } = drafts[0]!;
    // 20 KB of answers: fine on the autosave route (it fails validation, not the size check).
    const data = { ...validCanteenData(), parent: { ...(validCanteenData().parent as object), lastName: filler(20) } };
    const saved = await call(stack.url, 'PATCH', `/api/v1/submissions/${id}`, { body: { data }, client: browser });
    expect(saved.status).not.toBe(413);
    const huge = { ...data, parent: { ...(data.parent as object), lastName: filler(100) } };
    const tooBig = await call(stack.url, 'PATCH', `/api/v1/submissions/${id}`, {
      body: { data: huge },
      client: browser,
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.message).toContain('64 Ko');
  });

  it('answers 503 REQUEST_TIMEOUT when a handler hangs, and the handler still finishes its work', async () => {
    const server = stack.api.getHttpServer() as Server;
    expect([server.headersTimeout, server.requestTimeout]).toEqual([15_000, 90_000]);

    const { browser, id } = drafts[1]!;
    // Another transaction holds the draft's row: the autosave waits for it.
    const blocker = new Client({ connectionString: stack.config.DATABASE_URL });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT id FROM submission WHERE id = $1 FOR UPDATE', [id]);
      const started = Date.now();
      const hung = await call(stack.url, 'PATCH', `/api/v1/submissions/${id}`, {
        body: { data: validCanteenData() },
        client: browser,
      });
      const took = Date.now() - started;
      expect(hung.status).toBe(503);
      expect(hung.headers.get('retry-after')).toBe('5');
      expect(hung.body).toEqual({
        code: 'REQUEST_TIMEOUT',
        message:
          'Le serveur a mis trop de temps à répondre. Réessayez dans quelques instants ; ce qui était déjà enregistré est conservé.',
      });
      expect(took).toBeGreaterThanOrEqual(2900);
      expect(took).toBeLessThan(8000);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    // The late autosave went through once the row was free, and its answer went nowhere.
    await waitUntil('late autosave', 10_000, async () => {
      const mine = await call(stack.url, 'GET', `/api/v1/submissions/${id}`, { client: browser });
      return (
        (mine.body.data as { parent?: { lastName?: string } } | undefined)?.parent?.lastName === 'Dubois' || undefined
      );
    });
    expect((await call(stack.url, 'GET', '/health/live')).status).toBe(200);
    expect(await metric(stack.url, /^guichet_request_timeouts_total\{route="\/api\/v1\/submissions\/:id"\}/)).toBe(1);
  });
});

describe('rate limits when their Redis is down', () => {
  let redis: RedisServer;
  let stack: Stack;
  const logs: string[] = [];

  beforeAll(async () => {
    redis = await startRedisServer(await freePort());
    const logStream = new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    });
    stack = await startStack({
      backend: 'redis',
      redisUrl: redis.url,
      worker: false,
      logStream,
      env: { RATE_LIMIT_DRAFTS_PER_IP: '2' },
    });
    const designer = await createTenant(stack);
    await publish(stack.url, designer, 'cantine-panne', canteenDefinition());
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  it('lets every request through (fail open) and warns once, naming no one', async () => {
    const create = () => call(stack.url, 'POST', '/api/v1/public/services/cantine-panne/submissions', { body: {} });
    expect([(await create()).status, (await create()).status, (await create()).status]).toEqual([201, 201, 429]);
    await redis.stop();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await create()).status);
    expect(statuses).toEqual(Array(10).fill(201));
    expect(await metric(stack.url, /^guichet_rate_limit_store_errors_total\{store="redis"\}/)).toBe(10);
    const warnings = logs
      .filter((line) => line.includes('rate limits not enforced'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(warnings).toHaveLength(1);
    // What failed, and nothing about who was asking.
    expect(warnings[0]).toMatchObject({ level: 'warn', store: 'redis' });
    expect(Object.keys(warnings[0]!).filter((k) => /ip|account|path|url|req/i.test(k))).toEqual([]);
    process.stdout.write(`rate-limits (redis down): 13 requests sent, 1 refused before the outage, 0 during\n`);
  });
});
