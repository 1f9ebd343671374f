import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AgentMembership, ApiToken, OrganisationEvent } from '@guichet/persistence';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { signInEnv, startIdp, type RunningIdp } from '../support/idp';
import { freePort } from '../support/processes';
import { SessionClient } from '../support/session-client';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';

// Agents of the bundled provider; their roles come from Guichet's memberships, by email.
const SOPHIE = 'sophie.marchand@mairie-de-demo.fr';
const CLAIRE = 'claire.rousseau@mairie-de-demo.fr';
const LEA = 'lea.fontaine@mairie-de-demo.fr';

/**
 * Issue 18: rights are read at each request from the memberships as they are
 * now. Removing an agent ends their access on their very next request, the
 * API tokens they created stop working, sessions end after an absolute
 * lifetime however active they are, and every change of role is recorded.
 */
describe('access ends the moment a membership ends', () => {
  let idp: RunningIdp;
  let stack: Stack;
  let shortStack: Stack;
  let base: string;
  let shortBase: string;
  let tenant: Tenant;
  let slug: string;
  const submitted: string[] = [];

  const org = () => `/api/v1/organisations/${tenant.organisationId}`;
  const dataSource = () => stack.api.get(DataSource);

  /** Gives a role over the whole organisation, as the operator's command line would (nothing if held already). */
  async function grant(email: string, role: 'admin' | 'designer' | 'caseworker') {
    await dataSource().query(
      `INSERT INTO agent_membership (organisation_id, email, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [tenant.organisationId, email, role],
    );
  }

  async function membership(email: string, role: 'admin' | 'designer' | 'caseworker') {
    const repo = dataSource().getRepository(AgentMembership);
    return repo.findOneByOrFail({ organisationId: tenant.organisationId, email, role });
  }

  /** An anonymous citizen files one request on the service; returns its id. */
  async function fileRequest(): Promise<string> {
    const citizen = new CookieClient();
    const post = async (path: string, body: unknown) => {
      const csrf = citizen.cookie(stack.url, 'csrf_token');
      const res = await citizen.request(`${stack.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: JSON.stringify(body),
      });
      expect(res.status).toBeLessThan(300);
      return (await res.json()) as { id: string };
    };
    const draft = await post(`/api/v1/public/services/${slug}/submissions`, { data: validCanteenData() });
    await post(`/api/v1/submissions/${draft.id}/submit`, {});
    return draft.id;
  }

  beforeAll(async () => {
    const [port, shortPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${port}`;
    shortBase = `http://127.0.0.1:${shortPort}`;
    idp = await startIdp({
      redirectUris: [`${base}/auth/callback`, `${shortBase}/auth/callback`],
      postLogoutRedirectUris: [`${base}/`, `${shortBase}/`],
    });
    stack = await startStack({
      backend: 'postgres',
      worker: false,
      env: { PORT: String(port), PUBLIC_URL: base, ...signInEnv(idp.issuer, idp.secret) },
    });
    // Another installation whose sessions last 4 seconds however active they are.
    shortStack = await startStack({
      backend: 'postgres',
      worker: false,
      env: {
        PORT: String(shortPort),
        PUBLIC_URL: shortBase,
        SESSION_ABSOLUTE_SECONDS: '4',
        ...signInEnv(idp.issuer, idp.secret),
      },
    });
    tenant = await createTenant(stack, 'admin');
    slug = `cantine-${randomBytes(3).toString('hex')}`;
    await request(stack.url)
      .post('/api/v1/services')
      .set('Authorization', tenant.auth)
      .send({ slug, title: 'Cantine', organisationId: tenant.organisationId, definition: canteenDefinition() })
      .expect(201);
    await request(stack.url).post(`/api/v1/services/${slug}/publish`).set('Authorization', tenant.auth).expect(201);
    for (let i = 0; i < 3; i++) submitted.push(await fileRequest());
  });
  afterAll(async () => {
    await shortStack?.close();
    await stack?.close();
    await idp?.stop();
  });

  it('takes a removed caseworker’s rights away on her next request: inbox, request, transition, export', async () => {
    await grant(SOPHIE, 'admin');
    await grant(LEA, 'caseworker');
    const [sophie, lea] = await Promise.all([
      SessionClient.signIn(base, 'agent', 'agent-admin'),
      SessionClient.signIn(base, 'agent', 'agent-lea'),
    ]);
    const [first, second] = submitted;
    const inbox = `/api/v1/services/${slug}/inbox`;
    const caseFile = `/api/v1/services/${slug}/submissions/${first}`;
    const exportCsv = `/api/v1/services/${slug}/export?format=csv`;
    // While she works there, all of it answers.
    expect((await lea.call('GET', inbox)).status).toBe(200);
    expect((await lea.call('GET', caseFile)).status).toBe(200);
    expect((await lea.call('GET', exportCsv)).status).toBe(200);
    const started = await lea.call('POST', `/api/v1/submissions/${first}/transitions`, {
      transition: 'start_review',
    });
    expect(started.status).toBe(200);

    const removed = await sophie.call('DELETE', `${org()}/agents/${(await membership(LEA, 'caseworker')).id}`);
    expect(removed.status).toBe(200);

    // Same session, no new sign-in: her next requests are refused, whatever they are.
    const after = {
      inbox: (await lea.call('GET', inbox)).status,
      caseFile: (await lea.call('GET', caseFile)).status,
      transition: (await lea.call('POST', `/api/v1/submissions/${second}/transitions`, { transition: 'start_review' }))
        .status,
      export: (await lea.call('GET', exportCsv)).status,
      services: (await lea.call('GET', '/api/v1/desk/services')).body,
    };
    expect(after).toEqual({ inbox: 404, caseFile: 404, transition: 404, export: 404, services: [] });
    expect((await lea.call('GET', '/api/v1/me')).body.roles).toEqual([]);
    // Nothing happened to the request she could no longer touch.
    const untouched = await request(stack.url)
      .get(`/api/v1/services/${slug}/submissions/${second}`)
      .set('Authorization', tenant.auth);
    expect(untouched.body.status).toBe('submitted');

    // Given a role again, she has it on her next request too: rights are what the memberships say now.
    const back = await sophie.call('POST', `${org()}/agents`, { email: LEA, role: 'caseworker' });
    expect(back.status).toBe(201);
    expect((await lea.call('GET', inbox)).status).toBe(200);

    // Who gave and took back which role, when: the organisation's record.
    const events = await dataSource()
      .getRepository(OrganisationEvent)
      .find({ where: { organisationId: tenant.organisationId, subject: LEA }, order: { at: 'ASC' } });
    const sophieId = await sophie.accountId();
    expect(events.map((e) => [e.type, e.actor, e.details])).toEqual([
      ['membership_removed', sophieId, { role: 'caseworker', serviceId: null, group: null }],
      ['membership_added', sophieId, { role: 'caseworker', serviceId: null, group: null }],
    ]);
    // Append-only: the database refuses to rewrite it.
    await expect(
      dataSource().query(`UPDATE organisation_event SET actor = 'someone-else' WHERE id = $1`, [events[0]!.id]),
    ).rejects.toThrow(/append-only/);
  });

  it('revokes the API tokens of a removed admin (and the tokens those minted); she cannot add herself back', async () => {
    await grant(SOPHIE, 'admin');
    await grant(CLAIRE, 'admin');
    const [sophie, claire] = await Promise.all([
      SessionClient.signIn(base, 'agent', 'agent-admin'),
      SessionClient.signIn(base, 'agent', 'agent-claire'),
    ]);
    // Sophie mints an admin token, and with it another one, then signs out: both keep working, as they should.
    const minted = await sophie.call('POST', '/api/v1/tokens', {
      organisationId: tenant.organisationId,
      name: 'Intégration de Sophie',
      role: 'admin',
    });
    expect(minted.status).toBe(201);
    const token = `Bearer ${minted.body.token as string}`;
    const chained = await request(stack.url)
      .post('/api/v1/tokens')
      .set('Authorization', token)
      .send({ organisationId: tenant.organisationId, name: 'Minted by a token', role: 'caseworker' });
    expect(chained.status).toBe(201);
    // Both hang on Sophie: the one her token minted inherits her as its creator.
    const listed = await request(stack.url)
      .get(`/api/v1/tokens?organisationId=${tenant.organisationId}`)
      .set('Authorization', tenant.auth);
    expect(
      Object.fromEntries(
        (listed.body as Array<{ name: string; createdBy: string | null }>).map((t) => [t.name, t.createdBy]),
      ),
    ).toMatchObject({ tests: null, 'Intégration de Sophie': SOPHIE, 'Minted by a token': SOPHIE });
    const chainedToken = `Bearer ${chained.body.token as string}`;
    expect((await sophie.call('POST', '/auth/logout')).status).toBe(200);
    expect((await request(stack.url).get(`${org()}/agents`).set('Authorization', token)).status).toBe(200);
    expect(
      (await request(stack.url).get(`/api/v1/services/${slug}/inbox`).set('Authorization', chainedToken)).status,
    ).toBe(200);

    const sophieAgain = await SessionClient.signIn(base, 'agent', 'agent-admin');
    const removed = await claire.call('DELETE', `${org()}/agents/${(await membership(SOPHIE, 'admin')).id}`);
    expect(removed.status).toBe(200);

    // Her tokens are dead at once, the one her token minted too; the operator's still works.
    expect((await request(stack.url).get(`${org()}/agents`).set('Authorization', token)).status).toBe(401);
    expect(
      (await request(stack.url).get(`/api/v1/services/${slug}/inbox`).set('Authorization', chainedToken)).status,
    ).toBe(401);
    expect((await request(stack.url).get(`${org()}/agents`).set('Authorization', tenant.auth)).status).toBe(200);
    // With her token she cannot give herself a role back, nor with her session.
    const byToken = await request(stack.url)
      .post(`${org()}/agents`)
      .set('Authorization', token)
      .send({ email: SOPHIE, role: 'admin' });
    expect(byToken.status).toBe(401);
    const bySession = await sophieAgain.call('POST', `${org()}/agents`, { email: SOPHIE, role: 'admin' });
    expect(bySession.status).toBe(404);
    const newToken = await sophieAgain.call('POST', '/api/v1/tokens', {
      organisationId: tenant.organisationId,
      name: 'Encore un',
      role: 'admin',
    });
    expect(newToken.status).toBe(403);
    expect(
      await dataSource()
        .getRepository(AgentMembership)
        .countBy({ organisationId: tenant.organisationId, email: SOPHIE }),
    ).toBe(0);

    // Revoked, not deleted: the admins see why in the record.
    const revoked = await dataSource()
      .getRepository(ApiToken)
      .find({ where: { organisationId: tenant.organisationId }, order: { createdAt: 'ASC' } });
    const byName = Object.fromEntries(revoked.map((t) => [t.name, t.revokedAt !== null]));
    expect(byName).toMatchObject({ tests: false, 'Intégration de Sophie': true, 'Minted by a token': true });
    const events = await dataSource()
      .getRepository(OrganisationEvent)
      .find({ where: { organisationId: tenant.organisationId, type: 'token_revoked' } });
    expect(events.map((e) => e.details)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Intégration de Sophie', reason: 'creator_removed', creator: SOPHIE }),
        expect.objectContaining({ name: 'Minted by a token', reason: 'creator_removed', creator: SOPHIE }),
      ]),
    );
  });

  it('ends a session after its absolute lifetime, however active it is', async () => {
    const citizen = await SessionClient.signIn(shortBase, 'citizen', 'citoyen-leo-bernard');
    const session = await citizen.call('GET', '/auth/session');
    expect(session.status).toBe(200);
    // The page's warning is told the real end, not the idle one.
    expect(Date.parse(session.body.expiresAt)).toBeLessThanOrEqual(Date.now() + 4_000);
    const started = Date.now();
    // Active all along: a request every half second, each of which would push the idle timeout back.
    while (Date.now() - started < 3_000) {
      expect((await citizen.call('GET', '/api/v1/me')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect((await citizen.call('POST', '/auth/session/extend')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await citizen.call('GET', '/api/v1/me')).status).toBe(401);
    expect((await citizen.call('POST', '/auth/session/extend')).status).toBe(401);
    // Signing in again opens a fresh one.
    const again = await SessionClient.signIn(shortBase, 'citizen', 'citoyen-leo-bernard');
    expect((await again.call('GET', '/api/v1/me')).status).toBe(200);
  });
});
