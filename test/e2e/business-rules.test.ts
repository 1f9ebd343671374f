import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { ServiceDefinition } from '@guichet/shared';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { signInEnv, startIdp, type RunningIdp } from '../support/idp';
import { freePort } from '../support/processes';
import { SessionClient, type Answer } from '../support/session-client';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';

const LEA = 'lea.fontaine@mairie-de-demo.fr';
const KARIM = 'karim.haddad@mairie-de-demo.fr';
const CLAIRE = 'claire.rousseau@mairie-de-demo.fr';

/**
 * Issue 18: the rules a designer sets are the server's, not the page's — a
 * closed service or a passed closing date refuses a draft opened before,
 * `maxSubmissionsPerUser` holds under concurrent submits, a request is
 * assigned only to an agent who may work on it, and a token's scope is
 * never silently widened.
 */
describe('business rules the server enforces', () => {
  let idp: RunningIdp;
  let stack: Stack;
  let base: string;
  let a: Tenant;
  let b: Tenant;

  /** Creates and publishes a canteen service in `tenant` with these settings. */
  async function service(tenant: Tenant, settings: Partial<ServiceDefinition['settings']> = {}): Promise<string> {
    const slug = `cantine-${randomBytes(3).toString('hex')}`;
    const definition = canteenDefinition();
    definition.settings = { ...definition.settings, ...settings };
    await request(stack.url)
      .post('/api/v1/services')
      .set('Authorization', tenant.auth)
      .send({ slug, title: 'Cantine', organisationId: tenant.organisationId, definition })
      .expect(201);
    await request(stack.url).post(`/api/v1/services/${slug}/publish`).set('Authorization', tenant.auth).expect(201);
    return slug;
  }

  /** An anonymous citizen's browser. */
  function anonymous() {
    const client = new CookieClient();
    return async (method: string, path: string, body?: unknown): Promise<Answer> => {
      const csrf = client.cookie(stack.url, 'csrf_token');
      const res = await client.request(`${stack.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
  }

  async function draftOf(citizen: SessionClient, slug: string): Promise<string> {
    const draft = await citizen.call('POST', `/api/v1/public/services/${slug}/submissions`, {
      data: validCanteenData(),
    });
    expect(draft.status).toBe(201);
    return draft.body.id as string;
  }

  const grant = (tenant: Tenant, email: string, role: string, serviceSlug?: string) =>
    stack.api.get(DataSource).query(
      `INSERT INTO agent_membership (organisation_id, email, role, service_id)
       VALUES ($1, $2, $3, (SELECT id FROM service WHERE slug = $4)) ON CONFLICT DO NOTHING`,
      [tenant.organisationId, email, role, serviceSlug ?? null],
    );

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startIdp({ redirectUris: [`${base}/auth/callback`], postLogoutRedirectUris: [`${base}/`] });
    stack = await startStack({
      backend: 'postgres',
      worker: false,
      env: { PORT: String(port), PUBLIC_URL: base, ...signInEnv(idp.issuer, idp.secret) },
    });
    a = await createTenant(stack, 'admin');
    b = await createTenant(stack, 'admin');
  });
  afterAll(async () => {
    await stack?.close();
    await idp?.stop();
  });

  it('refuses to file, or save, a draft opened before its service was closed', async () => {
    const slug = await service(a);
    const citizen = anonymous();
    const draft = await citizen('POST', `/api/v1/public/services/${slug}/submissions`, { data: validCanteenData() });
    expect(draft.status).toBe(201);
    const closed = await request(stack.url)
      .post(`/api/v1/services/${slug}/close`)
      .set('Authorization', a.auth)
      .send({ message: 'Les inscriptions sont terminées.' });
    expect(closed.status).toBe(200);

    const saved = await citizen('PATCH', `/api/v1/submissions/${draft.body.id}`, { data: validCanteenData() });
    expect([saved.status, saved.body.code]).toEqual([409, 'SERVICE_CLOSED']);
    expect(saved.body.message).toMatch(/close/);
    const submitted = await citizen('POST', `/api/v1/submissions/${draft.body.id}/submit`, {});
    expect([submitted.status, submitted.body.code]).toEqual([409, 'SERVICE_CLOSED']);
    expect((await citizen('GET', `/api/v1/submissions/${draft.body.id}`)).body.status).toBe('draft');
  });

  it('refuses to file, or save, a draft opened before the closing date once it has passed', async () => {
    const closesAt = new Date(Date.now() + 3_000);
    const slug = await service(a, { closesAt: closesAt.toISOString() });
    const citizen = anonymous();
    const draft = await citizen('POST', `/api/v1/public/services/${slug}/submissions`, { data: validCanteenData() });
    expect(draft.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, closesAt.getTime() - Date.now() + 200));

    const saved = await citizen('PATCH', `/api/v1/submissions/${draft.body.id}`, { data: validCanteenData() });
    expect([saved.status, saved.body.code]).toEqual([409, 'SERVICE_CLOSED']);
    const submitted = await citizen('POST', `/api/v1/submissions/${draft.body.id}/submit`, {});
    expect([submitted.status, submitted.body.code]).toEqual([409, 'SERVICE_CLOSED']);
  });

  it('files at most maxSubmissionsPerUser requests per citizen: limit 1, three submits one after the other', async () => {
    const slug = await service(a, { maxSubmissionsPerUser: 1 });
    const citizen = await SessionClient.signIn(base, 'citizen', 'citoyen-jean-pierre-lefevre');
    const drafts = [await draftOf(citizen, slug), await draftOf(citizen, slug), await draftOf(citizen, slug)];
    const answers = [];
    for (const id of drafts) {
      const res = await citizen.call('POST', `/api/v1/submissions/${id}/submit`, {});
      answers.push([res.status, res.body.code ?? null]);
    }
    expect(answers).toEqual([
      [200, null],
      [409, 'SUBMISSION_LIMIT_REACHED'],
      [409, 'SUBMISSION_LIMIT_REACHED'],
    ]);
    // A new draft is refused at once rather than at the end of the form.
    const another = await citizen.call('POST', `/api/v1/public/services/${slug}/submissions`, {
      data: validCanteenData(),
    });
    expect([another.status, another.body.code]).toEqual([409, 'SUBMISSION_LIMIT_REACHED']);
    // Another citizen is not concerned by the first one's request.
    const other = await SessionClient.signIn(base, 'citizen', 'citoyen-leo-bernard');
    const theirs = await draftOf(other, slug);
    expect((await other.call('POST', `/api/v1/submissions/${theirs}/submit`, {})).status).toBe(200);
  });

  it('files exactly one of concurrent submits of one citizen with limit 1', async () => {
    const slug = await service(a, { maxSubmissionsPerUser: 1 });
    const citizen = await SessionClient.signIn(base, 'citizen', 'citoyen-helene-gerard-loeuillet');
    const drafts: string[] = [];
    for (let i = 0; i < 4; i++) drafts.push(await draftOf(citizen, slug));
    const answers = await Promise.all(drafts.map((id) => citizen.call('POST', `/api/v1/submissions/${id}/submit`, {})));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409, 409]);
    expect(answers.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(
      Array(3).fill('SUBMISSION_LIMIT_REACHED'),
    );
    const [{ n }] = (await stack.api
      .get(DataSource)
      .query(
        `SELECT count(*)::int AS n FROM submission s JOIN service v ON v.id = s.service_id WHERE v.slug = $1 AND s.status <> 'draft'`,
        [slug],
      )) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('assigns a request only to an agent of its organisation with rights on its service', async () => {
    const slug = await service(a);
    const other = await service(a);
    const citizen = anonymous();
    const draft = await citizen('POST', `/api/v1/public/services/${slug}/submissions`, { data: validCanteenData() });
    expect((await citizen('POST', `/api/v1/submissions/${draft.body.id}/submit`, {})).status).toBe(200);
    // Léa works for the other organisation, Claire on another service only, Karim on this one.
    await grant(b, LEA, 'caseworker');
    await grant(a, CLAIRE, 'caseworker', other);
    await grant(a, KARIM, 'caseworker', slug);
    const [lea, claire, karim] = await Promise.all([
      SessionClient.signIn(base, 'agent', 'agent-lea'),
      SessionClient.signIn(base, 'agent', 'agent-claire'),
      SessionClient.signIn(base, 'agent', 'agent-karim'),
    ]);
    const assign = (agentId: string) =>
      request(stack.url)
        .post(`/api/v1/submissions/${draft.body.id}/assign`)
        .set('Authorization', a.auth)
        .send({ agentId });
    for (const outsider of [lea, claire]) {
      const refused = await assign(await outsider.accountId());
      expect([refused.status, refused.body.code, refused.body.errors?.[0]?.pointer]).toEqual([
        400,
        'INVALID_REQUEST',
        '/agentId',
      ]);
    }
    const assigned = await assign(await karim.accountId());
    expect(assigned.status).toBe(200);
    expect(assigned.body.assignee).toBe(await karim.accountId());
    // The batch action follows the same rule.
    const batch = await request(stack.url)
      .post(`/api/v1/services/${slug}/batch`)
      .set('Authorization', a.auth)
      .send({ ids: [draft.body.id], action: { assign: await lea.accountId() } });
    expect(batch.body.results[0]).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
  });

  it('refuses an API token with an empty list of services instead of covering the whole organisation', async () => {
    const refused = await request(stack.url)
      .post('/api/v1/tokens')
      .set('Authorization', a.auth)
      .send({ organisationId: a.organisationId, name: 'Vide', role: 'caseworker', services: [] });
    expect([refused.status, refused.body.code, refused.body.errors?.[0]?.pointer]).toEqual([
      400,
      'INVALID_REQUEST',
      '/services',
    ]);
    // Without the list, the token is meant for the whole organisation, and says so.
    const whole = await request(stack.url)
      .post('/api/v1/tokens')
      .set('Authorization', a.auth)
      .send({ organisationId: a.organisationId, name: 'Tout', role: 'caseworker' });
    expect([whole.status, whole.body.serviceIds]).toEqual([201, null]);
  });
});
