import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { ROOT } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';

const FORMS = join(ROOT, 'forms');

/** The studio's « À partir d'un exemple » and test mode over HTTP, with a real database. */
describe('designers: examples and test mode', () => {
  let stack: Stack;
  let db: DataSource;
  let designer: Tenant;
  let stranger: Tenant;
  let caseworker: string;

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres', worker: false, env: { FORMS_DIR: FORMS } });
    db = stack.api.get(DataSource);
    designer = await createTenant(stack, 'designer');
    stranger = await createTenant(stack, 'designer');
    const issued = await new ApiTokenService(db).issue({
      organisationId: designer.organisationId,
      name: 'instruction',
      role: 'caseworker',
    });
    caseworker = `Bearer ${issued.token}`;
  });
  afterAll(() => stack?.close());

  const api = (auth = designer.auth) => ({
    get: (path: string) => request(stack.url).get(path).set('Authorization', auth),
    post: (path: string, body: object = {}) => request(stack.url).post(path).set('Authorization', auth).send(body),
    put: (path: string, body: object) => request(stack.url).put(path).set('Authorization', auth).send(body),
    patch: (path: string, body: object) => request(stack.url).patch(path).set('Authorization', auth).send(body),
  });

  describe('examples', () => {
    const files = readdirSync(FORMS)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5));

    it('lists the example services of FORMS_DIR with their title and description', async () => {
      const res = await api().get('/api/v1/examples').expect(200);
      expect(res.body.map((e: { name: string }) => e.name).sort()).toEqual([...files].sort());
      const civil = res.body.find((e: { name: string }) => e.name === 'demande-acte-etat-civil');
      const file = JSON.parse(readFileSync(join(FORMS, 'demande-acte-etat-civil.json'), 'utf8'));
      expect(civil).toEqual({
        name: 'demande-acte-etat-civil',
        slug: file.service.slug,
        title: file.service.title,
        description: file.service.description ?? null,
      });
    });

    it('is for designers only', async () => {
      await request(stack.url).get('/api/v1/examples').expect(401);
      expect((await api(caseworker).get('/api/v1/examples').expect(403)).body.code).toBe('FORBIDDEN');
    });

    it('creates an unpublished draft service from an example', async () => {
      const file = JSON.parse(readFileSync(join(FORMS, 'demande-acte-etat-civil.json'), 'utf8'));
      const res = await api()
        .post('/api/v1/services', {
          fromExample: 'demande-acte-etat-civil',
          slug: 'etat-civil-copie',
          title: 'Mon acte d’état civil',
          organisationId: designer.organisationId,
        })
        .expect(201);
      expect(res.body).toMatchObject({
        slug: 'etat-civil-copie',
        title: 'Mon acte d’état civil',
        status: 'draft',
        latestVersion: null,
        versions: [],
      });
      expect(res.body.description).toBe(file.service.description ?? null);
      expect(res.body.draft).toEqual(file.definition);
      await request(stack.url).get('/api/v1/public/services/etat-civil-copie').expect(404);
      // The same example again, under another address, in another organisation.
      await api(stranger.auth)
        .post('/api/v1/services', {
          fromExample: 'demande-acte-etat-civil',
          slug: 'etat-civil-copie-2',
          title: 'Autre copie',
          organisationId: stranger.organisationId,
        })
        .expect(201);
    });

    it('refuses an unknown example, a path, an example with a definition, and another organisation', async () => {
      for (const name of ['nope', '../package', 'forms/demande-acte-etat-civil']) {
        const res = await api()
          .post('/api/v1/services', {
            fromExample: name,
            slug: 'exemple-inconnu',
            title: 'x',
            organisationId: designer.organisationId,
          })
          .expect(400);
        expect(res.body.errors[0]).toMatchObject({ pointer: '/fromExample', code: 'unknown_example' });
      }
      const both = await api()
        .post('/api/v1/services', {
          fromExample: 'demande-acte-etat-civil',
          definition: canteenDefinition(),
          slug: 'exemple-double',
          title: 'x',
          organisationId: designer.organisationId,
        })
        .expect(400);
      expect(both.body.errors[0].pointer).toBe('/fromExample');
      await api()
        .post('/api/v1/services', {
          fromExample: 'demande-acte-etat-civil',
          slug: 'exemple-intrus',
          title: 'x',
          organisationId: stranger.organisationId,
        })
        .expect(403);
    });
  });

  describe('test mode', () => {
    const SLUG = 'cantine-essai';
    const base = `/api/v1/services/${SLUG}/test-submissions`;

    beforeAll(async () => {
      await api()
        .post('/api/v1/services', {
          slug: SLUG,
          title: 'Cantine',
          organisationId: designer.organisationId,
          definition: canteenDefinition(),
        })
        .expect(201);
      await api().post(`/api/v1/services/${SLUG}/publish`).expect(201);
      // The draft moves on: a new required field that the published version does not have.
      const draft = canteenDefinition();
      (draft.schema.properties as Record<string, unknown>).regime = {
        type: 'string',
        title: 'Régime',
        enum: ['standard', 'vegetarien'],
      };
      (draft.schema.required as string[]).push('regime');
      draft.pages[1]!.fields.push('regime');
      await api().put(`/api/v1/services/${SLUG}/draft`, draft).expect(200);
    });

    const counts = async () => {
      const [row] = await db.query(
        `SELECT (SELECT count(*)::int FROM submission WHERE organisation_id = $1) AS submissions,
                (SELECT count(*)::int FROM outbox WHERE organisation_id = $1) AS outbox,
                (SELECT count(*)::int FROM submission_event WHERE organisation_id = $1) AS events`,
        [designer.organisationId],
      );
      return row as { submissions: number; outbox: number; events: number };
    };

    it('fills the draft definition, not the published one, without creating a request', async () => {
      const created = await api()
        .post(base, { data: { parent: { firstName: 'Marie' } } })
        .expect(201);
      expect(created.body).toMatchObject({
        test: true,
        status: 'draft',
        service: { slug: SLUG, title: 'Cantine' },
        url: `/demarches/${SLUG}?brouillon=${created.body.id}&test=1`,
      });
      expect(created.body.definition.schema.properties.regime).toBeDefined();
      const id = created.body.id as string;

      // Saved like a draft: partial validation, 422 with a pointer, 409 when stale.
      const bad = await api()
        .patch(`${base}/${id}`, { data: { parent: { email: 'pas un courriel' } } })
        .expect(422);
      expect(bad.body.errors[0].pointer).toBe('/parent/email');
      const saved = await api()
        .patch(`${base}/${id}`, { data: validCanteenData(), expectedRevision: created.body.revision })
        .expect(200);
      await api()
        .patch(`${base}/${id}`, { data: validCanteenData(), expectedRevision: created.body.revision })
        .expect(409);

      // Submitted against the draft: the new required field is asked for.
      const missing = await api().post(`${base}/${id}/submit`).expect(422);
      expect(missing.body.errors.map((e: { pointer: string }) => e.pointer)).toContain('/regime');
      await api()
        .patch(`${base}/${id}`, {
          data: { ...validCanteenData(), regime: 'vegetarien' },
          expectedRevision: saved.body.revision,
        })
        .expect(200);
      const submitted = await api().post(`${base}/${id}/submit`).expect(200);
      expect(submitted.body).toEqual({ id, test: true, reference: null, status: 'submitted' });
      await api().post(`${base}/${id}/submit`).expect(409);
      expect((await api().get(`${base}/${id}`).expect(200)).body).toMatchObject({ status: 'submitted', test: true });

      // Nothing a caseworker, an email or a webhook could see.
      expect(await counts()).toEqual({ submissions: 0, outbox: 0, events: 0 });
      const inbox = await api(caseworker).get(`/api/v1/services/${SLUG}/inbox`).expect(200);
      expect(inbox.body.items).toEqual([]);
      expect(Object.values(inbox.body.counts as Record<string, number>).every((n) => n === 0)).toBe(true);
      const csv = await api(caseworker).get(`/api/v1/services/${SLUG}/export?format=csv`).expect(200);
      expect(csv.text.trimEnd().split('\r\n')).toHaveLength(1);
      const preview = await api().post(`/api/v1/services/${SLUG}/publish/preview`).expect(200);
      expect(preview.body.impact).toEqual({ drafts: 0, openSubmissions: 0 });
    });

    it('is reached by the service’s designers only', async () => {
      const { id } = (await api().post(base).expect(201)).body as { id: string };
      // Another organisation's designer, and a caseworker of this one: not found.
      await api(stranger.auth).post(base).expect(404);
      await api(stranger.auth).get(`${base}/${id}`).expect(404);
      await api(stranger.auth).patch(`${base}/${id}`, { data: {} }).expect(404);
      await api(stranger.auth).post(`${base}/${id}/submit`).expect(404);
      await api(caseworker).post(base).expect(404);
      await api(caseworker).get(`${base}/${id}`).expect(404);
      // A citizen (no session, or an anonymous session with its CSRF token): not signed in as an agent.
      await request(stack.url).post(base).send({}).expect(401);
      const citizen = new CookieClient();
      await citizen.request(`${stack.url}/api/v1/public/services`);
      const csrf = citizen.cookie(stack.url, 'csrf_token');
      const res = await citizen.request(`${stack.url}${base}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: '{}',
      });
      expect([401, 403]).toContain(res.status);
      // Not a real request's id either.
      await api().get(`${base}/00000000-0000-4000-8000-000000000000`).expect(404);
      await api().get(`${base}/pas-un-id`).expect(404);
      // Nor is a trial a request for the citizens' routes.
      await request(stack.url)
        .get(`/api/v1/submissions/${id}`)
        .expect((r) => expect([401, 404]).toContain(r.status));
    });

    it('deletes the trials when the service is published', async () => {
      const { id } = (await api().post(base).expect(201)).body as { id: string };
      const before = await db.query('SELECT count(*)::int AS n FROM test_submission WHERE organisation_id = $1', [
        designer.organisationId,
      ]);
      expect(before[0].n).toBeGreaterThanOrEqual(2);
      await api().post(`/api/v1/services/${SLUG}/publish`).expect(201);
      const after = await db.query('SELECT count(*)::int AS n FROM test_submission WHERE organisation_id = $1', [
        designer.organisationId,
      ]);
      expect(after[0].n).toBe(0);
      await api().get(`${base}/${id}`).expect(404);
      expect(await counts()).toEqual({ submissions: 0, outbox: 0, events: 0 });
    });
  });
});
