import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';

/** The designer routes of API.md over HTTP, with a real database. */
describe('designer routes', () => {
  let stack: Stack;
  let designer: Tenant;
  let stranger: Tenant;

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres', worker: false });
    designer = await createTenant(stack, 'designer');
    stranger = await createTenant(stack, 'designer');
  });
  afterAll(() => stack?.close());

  const create = (slug: string, tenant = designer, extra: Record<string, unknown> = {}) =>
    request(stack.url)
      .post('/api/v1/services')
      .set('Authorization', tenant.auth)
      .send({ slug, title: 'Inscription à la cantine', organisationId: tenant.organisationId, ...extra });

  describe('authentication', () => {
    it.each([
      ['no header', undefined],
      ['a malformed token', 'Bearer nope'],
      ['an unknown token', `Bearer gch_${'A'.repeat(43)}`],
      ['another scheme', 'Basic dXNlcjpwYXNz'],
    ])('refuses %s with 401', async (_name, header) => {
      const req = request(stack.url).get('/api/v1/services');
      if (header) req.set('Authorization', header);
      const res = await req.expect(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
      expect(res.headers['www-authenticate']).toContain('Bearer');
    });

    it('refuses a revoked token', async () => {
      const tenant = await createTenant(stack);
      await request(stack.url).get('/api/v1/services').set('Authorization', tenant.auth).expect(200);
      const tokens = new ApiTokenService(stack.api.get(DataSource));
      const [row] = await stack.api
        .get(DataSource)
        .query('SELECT id FROM api_token WHERE organisation_id = $1', [tenant.organisationId]);
      expect(await tokens.revoke(tenant.organisationId, row.id)).toBe(true);
      await request(stack.url).get('/api/v1/services').set('Authorization', tenant.auth).expect(401);
    });

    it('does not let a caseworker token design', async () => {
      const caseworker = await createTenant(stack, 'caseworker');
      await create('cantine-caseworker', caseworker).expect(403);
      expect(
        (await request(stack.url).get('/api/v1/services').set('Authorization', caseworker.auth).expect(200)).body,
      ).toEqual([]);
    });
  });

  describe('creating', () => {
    it('creates a service with a starter draft, lists it, and hides it from other organisations', async () => {
      const res = await create('cantine-a').expect(201);
      expect(res.body).toMatchObject({
        slug: 'cantine-a',
        status: 'draft',
        latestVersion: null,
        versions: [],
        draftRevision: 1,
      });
      expect(res.body.draft.pages).toHaveLength(1);
      const list = await request(stack.url).get('/api/v1/services').set('Authorization', designer.auth).expect(200);
      expect(list.body.map((s: { slug: string }) => s.slug)).toContain('cantine-a');
      await request(stack.url).get('/api/v1/services/cantine-a').set('Authorization', stranger.auth).expect(404);
      const theirs = await request(stack.url).get('/api/v1/services').set('Authorization', stranger.auth).expect(200);
      expect(theirs.body).toEqual([]);
    });

    it('refuses a service in an organisation the designer does not belong to', async () => {
      const res = await create('cantine-intrus', designer, { organisationId: stranger.organisationId }).expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
    });

    it('refuses a slug already taken, even by another organisation', async () => {
      await create('cantine-unique').expect(201);
      const res = await create('cantine-unique', stranger).expect(409);
      expect(res.body).toMatchObject({ code: 'SLUG_TAKEN', errors: [{ pointer: '/slug' }] });
    });

    it('lists every problem of a bad request with pointers, in French', async () => {
      const res = await request(stack.url)
        .post('/api/v1/services')
        .set('Authorization', designer.auth)
        .send({ slug: 'Pas Une Adresse!', title: '', organisationId: 'x', extra: 1 })
        .expect(400);
      expect(res.body.code).toBe('INVALID_REQUEST');
      const pointers = res.body.errors.map((e: { pointer: string }) => e.pointer);
      expect(pointers).toEqual(expect.arrayContaining(['/slug', '/title', '/organisationId', '/extra']));
      expect(res.body.errors.find((e: { pointer: string }) => e.pointer === '/slug').message).toContain('minuscules');
    });
  });

  describe('drafts', () => {
    beforeAll(async () => {
      await create('cantine-b').expect(201);
    });

    it('saves a valid draft and returns its revision as an ETag', async () => {
      const res = await request(stack.url)
        .put('/api/v1/services/cantine-b/draft')
        .set('Authorization', designer.auth)
        .send(canteenDefinition())
        .expect(200);
      expect(res.body.draftRevision).toBe(2);
      expect(res.headers.etag).toBe('"2"');
    });

    it('refuses to overwrite a newer draft (If-Match)', async () => {
      const res = await request(stack.url)
        .put('/api/v1/services/cantine-b/draft')
        .set('Authorization', designer.auth)
        .set('If-Match', '"1"')
        .send(canteenDefinition())
        .expect(409);
      expect(res.body.code).toBe('CONFLICT');
      await request(stack.url)
        .put('/api/v1/services/cantine-b/draft')
        .set('Authorization', designer.auth)
        .set('If-Match', 'banana')
        .send(canteenDefinition())
        .expect(400);
    });

    it.each<[string, (d: ReturnType<typeof canteenDefinition>) => unknown, string, string]>([
      [
        'a remote $ref',
        (d) => ((d.schema.properties as Record<string, unknown>).parent = { $ref: 'https://evil.example/s.json' }),
        'remote_ref',
        '/schema/properties/parent/$ref',
      ],
      [
        'a catastrophic pattern',
        (d) => ((d.schema.properties as Record<string, unknown>).siret = { type: 'string', pattern: '(a+)+$' }),
        'unsafe_pattern',
        '/schema/properties/siret/pattern',
      ],
      // An unknown format is now an annotation with a warning (test/e2e/import-compat.test.ts): kept, not refused.
      [
        'uniqueItems over objects without maxItems',
        (d) =>
          ((d.schema.properties as Record<string, unknown>).siret = {
            type: 'array',
            uniqueItems: true,
            items: { type: 'object' },
          }),
        'unbounded_unique_items',
        '/schema/properties/siret/uniqueItems',
      ],
      [
        'a rule on a missing field',
        (d) => d.rules!.visibility!.push({ target: '/nope', when: true }),
        'unknown_field',
        '/rules/visibility/2/target',
      ],
    ])('refuses a draft with %s with 422 and a pointer', async (_name, mutate, code, pointer) => {
      const definition = canteenDefinition();
      mutate(definition);
      const res = await request(stack.url)
        .put('/api/v1/services/cantine-b/draft')
        .set('Authorization', designer.auth)
        .send(definition)
        .expect(422);
      expect(res.body.code).toBe('DEFINITION_INVALID');
      expect(res.body.errors).toContainEqual(expect.objectContaining({ code, pointer }));
    });

    it('refuses a __proto__ field and a 10,000-deep schema without a 500', async () => {
      const proto = JSON.stringify(canteenDefinition()).replace('"siret":', '"__proto__":');
      const res = await request(stack.url)
        .put('/api/v1/services/cantine-b/draft')
        .set('Authorization', designer.auth)
        .set('Content-Type', 'application/json')
        .send(proto);
      expect(res.status).toBe(422);
      let deep = '{"type":"string"}';
      for (let i = 0; i < 10_000; i++) deep = `{"type":"object","properties":{"a":${deep}}}`;
      const body = JSON.stringify(canteenDefinition()).replace('"siret":{', `"deep":${deep},"siret":{`);
      const deepRes = await request(stack.url)
        .put('/api/v1/services/cantine-b/draft')
        .set('Authorization', designer.auth)
        .set('Content-Type', 'application/json')
        .send(body);
      expect(deepRes.status).toBe(400);
      expect(deepRes.body.code).toBe('JSON_TOO_DEEP');
    });

    it('refuses a 10 MB definition with 413', async () => {
      const huge = JSON.stringify({ ...canteenDefinition(), filler: 'x'.repeat(10 * 1024 * 1024) });
      const res = await request(stack.url)
        .put('/api/v1/services/cantine-b/draft')
        .set('Authorization', designer.auth)
        .set('Content-Type', 'application/json')
        .send(huge)
        .expect(413);
      expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    });
  });

  describe('publishing', () => {
    beforeAll(async () => {
      await create('cantine-c', designer, { definition: canteenDefinition() }).expect(201);
    });

    it('previews, publishes immutable versions, and shows what a new version changes', async () => {
      const preview = await request(stack.url)
        .post('/api/v1/services/cantine-c/publish/preview')
        .set('Authorization', designer.auth)
        .expect(200);
      expect(preview.body).toMatchObject({
        fromVersion: null,
        toVersion: 1,
        impact: { drafts: 0, openSubmissions: 0 },
      });
      expect(preview.body.diff.added.map((f: { pointer: string }) => f.pointer)).toContain('/parent/email');

      const published = await request(stack.url)
        .post('/api/v1/services/cantine-c/publish')
        .set('Authorization', designer.auth)
        .expect(201);
      expect(published.body).toMatchObject({ version: 1, contentHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      const again = await request(stack.url)
        .post('/api/v1/services/cantine-c/publish')
        .set('Authorization', designer.auth)
        .expect(409);
      expect(again.body.code).toBe('NOTHING_TO_PUBLISH');

      // Two citizens start on version 1; one submits.
      for (const submit of [false, true]) {
        const citizen = request.agent(stack.url);
        const draft = await citizen
          .post('/api/v1/public/services/cantine-c/submissions')
          .send({ data: validCanteenData() })
          .expect(201);
        const csrf = /csrf_token=([^;]+)/.exec(String(draft.headers['set-cookie']))?.[1] ?? '';
        if (submit)
          await citizen
            .post(`/api/v1/submissions/${draft.body.id}/submit`)
            .set('X-CSRF-Token', csrf)
            .send({})
            .expect(200);
      }

      const next = canteenDefinition();
      const props = next.schema.properties as Record<string, Record<string, unknown>>;
      props.hasAllergy!.type = 'boolean';
      delete props.hasAllergy!.enum;
      props.quotient = { type: 'integer', title: 'Quotient familial', minimum: 0 };
      (next.schema.required as string[]).push('quotient');
      next.pages[0]!.fields.push('quotient');
      next.rules!.visibility![0] = { target: 'page:allergies', when: { eq: [{ field: '/hasAllergy' }, true] } };
      await request(stack.url)
        .put('/api/v1/services/cantine-c/draft')
        .set('Authorization', designer.auth)
        .send(next)
        .expect(200);
      const diff = (
        await request(stack.url)
          .post('/api/v1/services/cantine-c/publish/preview')
          .set('Authorization', designer.auth)
          .expect(200)
      ).body;
      expect(diff).toMatchObject({ fromVersion: 1, toVersion: 2, impact: { drafts: 1, openSubmissions: 1 } });
      expect(diff.diff.added).toEqual([{ pointer: '/quotient', title: 'Quotient familial' }]);
      expect(diff.diff.madeRequired).toEqual([{ pointer: '/quotient', title: 'Quotient familial' }]);
      expect(diff.diff.retyped).toEqual([expect.objectContaining({ pointer: '/hasAllergy', to: 'boolean' })]);
      await request(stack.url)
        .post('/api/v1/services/cantine-c/publish')
        .set('Authorization', designer.auth)
        .expect(201);

      const v1 = await request(stack.url)
        .get('/api/v1/services/cantine-c/versions/1')
        .set('Authorization', designer.auth)
        .expect(200);
      expect(v1.body.definition).toEqual(canteenDefinition());
      const service = await request(stack.url)
        .get('/api/v1/services/cantine-c')
        .set('Authorization', designer.auth)
        .expect(200);
      expect(service.body).toMatchObject({ status: 'published', latestVersion: 2 });
      expect(service.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
      for (const bad of ['99', 'abc', '0', '-1', '1e3']) {
        await request(stack.url)
          .get(`/api/v1/services/cantine-c/versions/${bad}`)
          .set('Authorization', designer.auth)
          .expect(404);
      }
      await request(stack.url)
        .get('/api/v1/services/cantine-c/versions/1')
        .set('Authorization', stranger.auth)
        .expect(404);
    });

    it('keeps published versions immutable even against direct SQL', async () => {
      await create('cantine-immuable', designer, { definition: canteenDefinition() }).expect(201);
      await request(stack.url)
        .post('/api/v1/services/cantine-immuable/publish')
        .set('Authorization', designer.auth)
        .expect(201);
      const db = stack.api.get(DataSource);
      const [{ id }] = await db.query(
        `SELECT v.id FROM form_version v JOIN service s ON s.id = v.service_id WHERE s.slug = 'cantine-immuable'`,
      );
      await expect(db.query(`UPDATE form_version SET definition = '{}' WHERE id = $1`, [id])).rejects.toThrow(
        /immutable/,
      );
      await expect(db.query(`DELETE FROM form_version WHERE id = $1`, [id])).rejects.toThrow(/immutable/);
    });

    it('closes a service with a message, after which nothing is published', async () => {
      const before = await request(stack.url)
        .get('/api/v1/services/cantine-c')
        .set('Authorization', designer.auth)
        .expect(200);
      const closed = await request(stack.url)
        .post('/api/v1/services/cantine-c/close')
        .set('Authorization', designer.auth)
        .send({ message: 'Les inscriptions sont closes.', redirectTo: '/demarches/cantine-2027' })
        .expect(200);
      expect(closed.body.draftRevision).toBe(before.body.draftRevision);
      expect(closed.body).toMatchObject({
        status: 'closed',
        closed: { message: 'Les inscriptions sont closes.', redirectTo: '/demarches/cantine-2027' },
      });
      await request(stack.url)
        .post('/api/v1/services/cantine-c/close')
        .set('Authorization', designer.auth)
        .send({ message: 'x', redirectTo: '//evil.example' })
        .expect(400);
      const res = await request(stack.url)
        .post('/api/v1/services/cantine-c/publish')
        .set('Authorization', designer.auth)
        .expect(409);
      expect(res.body.code).toBe('SERVICE_CLOSED');
    });
  });

  describe('export and import', () => {
    it('round-trips a service through its portable file', async () => {
      await create('cantine-d', designer, { definition: canteenDefinition() }).expect(201);
      const file = await request(stack.url)
        .get('/api/v1/services/cantine-d/export')
        .set('Authorization', designer.auth)
        .expect(200);
      expect(file.headers['content-disposition']).toBe('attachment; filename="cantine-d.guichet.json"');
      expect(file.body).toMatchObject({ guichet: 'service-export', formatVersion: 1, service: { slug: 'cantine-d' } });
      const imported = await request(stack.url)
        .post('/api/v1/services/import')
        .set('Authorization', stranger.auth)
        .send({ organisationId: stranger.organisationId, file: file.body, slug: 'cantine-d-copie' })
        .expect(201);
      expect(imported.body.draft).toEqual(canteenDefinition());
    });

    it('turns a bare draft-07 schema from the RJSF playground into a working service', async () => {
      const schema = {
        $schema: 'http://json-schema.org/draft-07/schema#',
        title: 'Demande de badge déchetterie',
        type: 'object',
        definitions: {
          adresse: {
            type: 'object',
            title: 'Adresse',
            // Titled: publishing refuses a field citizens would know only by its key (« codePostal »).
            properties: { rue: { type: 'string', title: 'Rue' }, codePostal: { type: 'string', title: 'Code postal' } },
          },
        },
        properties: {
          demandeur: {
            type: 'object',
            title: 'Demandeur',
            required: ['nom'],
            properties: { nom: { type: 'string', title: 'Nom' } },
          },
          adresse: { $ref: '#/definitions/adresse' },
          vehicule: {
            type: 'string',
            title: 'Véhicule',
            enum: ['vl', 'utilitaire'],
            enumNames: ['Véhicule léger', 'Utilitaire'],
          },
        },
      };
      const res = await request(stack.url)
        .post('/api/v1/services/import')
        .set('Authorization', designer.auth)
        .send({
          organisationId: designer.organisationId,
          file: schema,
          uiSchema: { vehicule: { 'ui:widget': 'radio' } },
          slug: 'badge-decheterie',
        })
        .expect(201);
      expect(res.body.title).toBe('Demande de badge déchetterie');
      expect(res.body.draft.pages.map((p: { id: string; fields: string[] }) => [p.id, p.fields])).toEqual([
        // The authored order: each group on its own page (a $ref to a group too), the loose fields after them.
        ['demandeur', ['demandeur']],
        ['adresse', ['adresse']],
        ['informations', ['vehicule']],
      ]);
      expect(res.body.draft.schema.properties.vehicule.oneOf).toEqual([
        { const: 'vl', title: 'Véhicule léger' },
        { const: 'utilitaire', title: 'Utilitaire' },
      ]);
      const published = await request(stack.url)
        .post('/api/v1/services/badge-decheterie/publish')
        .set('Authorization', designer.auth);
      expect([published.status, published.body.errors]).toEqual([201, undefined]);
    });

    it.each([
      ['an array', []],
      ['a string', 'hello'],
      ['an object that is no schema', { hello: 'world' }],
    ])('refuses %s with a clear error', async (_name, file) => {
      const res = await request(stack.url)
        .post('/api/v1/services/import')
        .set('Authorization', designer.auth)
        .send({ organisationId: designer.organisationId, file, slug: 'import-rate' });
      expect([400, 422]).toContain(res.status);
      expect(res.body.errors?.[0]?.pointer).toMatch(/^\/file/);
    });
  });

  describe('what citizens see', () => {
    it('shows only published services, their latest version, and the closing message', async () => {
      await create('cantine-publique', designer, { definition: canteenDefinition() }).expect(201);
      await request(stack.url).get('/api/v1/public/services/cantine-publique').expect(404);
      await request(stack.url)
        .post('/api/v1/services/cantine-publique/publish')
        .set('Authorization', designer.auth)
        .expect(201);

      const res = await request(stack.url).get('/api/v1/public/services/cantine-publique').expect(200);
      expect(res.body).toMatchObject({
        slug: 'cantine-publique',
        version: 1,
        closed: null,
        organisation: { slug: designer.slug },
      });
      expect(res.body.definition).toEqual(canteenDefinition());
      await request(stack.url)
        .get('/api/v1/public/services/cantine-publique')
        .set('If-None-Match', String(res.headers.etag))
        .expect(304);

      const mine = await request(stack.url).get(`/api/v1/public/services?organisation=${designer.slug}`).expect(200);
      expect(mine.body).toContainEqual({
        slug: 'cantine-publique',
        title: 'Inscription à la cantine',
        organisation: { slug: designer.slug, name: expect.any(String) },
        signIn: 'optional',
      });
      expect(mine.body.every((s: { organisation: { slug: string } }) => s.organisation.slug === designer.slug)).toBe(
        true,
      );

      await request(stack.url)
        .post('/api/v1/services/cantine-publique/close')
        .set('Authorization', designer.auth)
        .send({ message: 'Inscriptions closes.' })
        .expect(200);
      const closed = await request(stack.url).get('/api/v1/public/services/cantine-publique').expect(200);
      expect(closed.body).toMatchObject({ closed: { message: 'Inscriptions closes.' }, definition: null });
      expect(closed.headers.etag).not.toBe(res.headers.etag);
      const after = await request(stack.url).get(`/api/v1/public/services?organisation=${designer.slug}`).expect(200);
      expect(after.body.map((s: { slug: string }) => s.slug)).not.toContain('cantine-publique');
    });

    it.each(['inconnue', 'UPPER', '..%2F..%2Fetc', 'a'.repeat(300)])('answers 404 for %s', async (slug) => {
      const res = await request(stack.url).get(`/api/v1/public/services/${slug}`).expect(404);
      expect(res.body.code).toBe('NOT_FOUND');
    });
  });
});
