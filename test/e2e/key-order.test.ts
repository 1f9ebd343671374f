import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { importExamples } from '@guichet/forms';
import { ApiTokenService } from '@guichet/identity';
import { bareSchema, expectAuthoredOrder, keywordOrderDefinition, nestedOrderDefinition } from '../fixtures/key-order';
import { CookieClient } from '../support/browserless';
import { ROOT } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';

const FORMS = join(ROOT, 'forms');

interface Case {
  name: string;
  slug: string;
  /** What is imported: a Guichet export file. */
  file: {
    guichet: string;
    formatVersion: number;
    service: { slug: string; title: string };
    definition: Record<string, unknown>;
  };
}

const exampleCases: Case[] = readdirSync(FORMS)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => {
    const file = JSON.parse(readFileSync(join(FORMS, f), 'utf8')) as Case['file'];
    // The examples' own slugs go to the first-start import below.
    return { name: f, slug: `i-${file.service.slug}`.slice(0, 63), file };
  });

const handWritten = (slug: string, definition: unknown): Case => ({
  name: slug,
  slug,
  file: {
    guichet: 'service-export',
    formatVersion: 1,
    service: { slug, title: slug },
    definition: definition as Record<string, unknown>,
  },
});

const cases: Case[] = [
  ...exampleCases,
  handWritten('ordre-imbrique', nestedOrderDefinition()),
  handWritten('ordre-des-mots-cles', keywordOrderDefinition()),
];

/**
 * Authored order, byte for byte: what a designer imports or saves comes back
 * in the same key order from every route that returns the definition or part
 * of it, before and after publication, for the six examples and definitions
 * written against any sorted order (see test/fixtures/key-order.ts).
 */
describe('authored key order over HTTP, on a real PostgreSQL', () => {
  let stack: Stack;
  let designer: Tenant;
  let caseworker: string;

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres', worker: false, env: { FORMS_DIR: FORMS } });
    designer = await createTenant(stack, 'designer');
    const issued = await new ApiTokenService(stack.api.get(DataSource)).issue({
      organisationId: designer.organisationId,
      name: 'instruction',
      role: 'caseworker',
    });
    caseworker = `Bearer ${issued.token}`;
  });
  afterAll(() => stack?.close());

  const as = (auth: string) => ({
    get: (path: string) => request(stack.url).get(path).set('Authorization', auth),
    post: (path: string, body: object = {}) => request(stack.url).post(path).set('Authorization', auth).send(body),
    put: (path: string, body: object, revision: number) =>
      request(stack.url).put(path).set('Authorization', auth).set('If-Match', `"${revision}"`).send(body),
  });

  /** An anonymous citizen's draft: GET /api/v1/submissions/:id carries the version it is pinned to. */
  async function citizenDraftDefinition(slug: string): Promise<unknown> {
    const client = new CookieClient();
    const created = await client.request(`${stack.url}/api/v1/public/services/${slug}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const read = await client.request(`${stack.url}/api/v1/submissions/${id}`);
    expect(read.status).toBe(200);
    return ((await read.json()) as { form: { definition: unknown } }).form.definition;
  }

  // First, while the examples' slugs are free (a slug is unique in the installation).
  it('imports and publishes the examples on first start in their authored order', async () => {
    const operator = await createTenant(stack, 'designer');
    const slugs = await importExamples(stack.api.get(DataSource), operator.organisationId, FORMS);
    expect([...slugs].sort()).toEqual(exampleCases.map((c) => c.file.service.slug).sort());
    for (const { name, file } of exampleCases) {
      const slug = file.service.slug;
      const draft = await as(operator.auth).get(`/api/v1/services/${slug}`).expect(200);
      expectAuthoredOrder(`first start ${name}: GET /services/:slug`, draft.body.draft, file.definition);
      const version = await as(operator.auth).get(`/api/v1/services/${slug}/versions/1`).expect(200);
      expectAuthoredOrder(
        `first start ${name}: GET /services/:slug/versions/1`,
        version.body.definition,
        file.definition,
      );
      const open = await request(stack.url).get(`/api/v1/public/services/${slug}`).expect(200);
      expectAuthoredOrder(`first start ${name}: GET /public/services/:slug`, open.body.definition, file.definition);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))(
    '%s: import, draft, export, test mode, publish, version, public, desk and citizen routes keep the order',
    async (_name, { slug, file }) => {
      const designerApi = as(designer.auth);
      const authored = file.definition;

      const imported = await designerApi
        .post('/api/v1/services/import', { organisationId: designer.organisationId, file, slug })
        .expect(201);
      expectAuthoredOrder('POST /services/import', imported.body.draft, authored);
      const read = await designerApi.get(`/api/v1/services/${slug}`).expect(200);
      expectAuthoredOrder('GET /services/:slug', read.body.draft, authored);

      // The studio saves the draft as the designer has it.
      const saved = await designerApi.put(`/api/v1/services/${slug}/draft`, authored, read.body.draftRevision);
      expect(saved.status).toBe(200);
      expectAuthoredOrder('PUT /services/:slug/draft', saved.body.draft, authored);
      const reread = await designerApi.get(`/api/v1/services/${slug}`).expect(200);
      expectAuthoredOrder('GET /services/:slug after a save', reread.body.draft, authored);

      const exported = await designerApi.get(`/api/v1/services/${slug}/export`).expect(200);
      expectAuthoredOrder('GET /services/:slug/export', exported.body.definition, authored);

      // Test mode runs on a copy of the draft, stored apart: published or not, it must not reorder either.
      const trial = await designerApi.post(`/api/v1/services/${slug}/test-submissions`, {}).expect(201);
      expectAuthoredOrder('POST /services/:slug/test-submissions', trial.body.definition, authored);
      const trialRead = await designerApi.get(`/api/v1/services/${slug}/test-submissions/${trial.body.id}`).expect(200);
      expectAuthoredOrder('GET /services/:slug/test-submissions/:id', trialRead.body.definition, authored);

      await designerApi.post(`/api/v1/services/${slug}/publish`).expect(201);
      const version = await designerApi.get(`/api/v1/services/${slug}/versions/1`).expect(200);
      expectAuthoredOrder('GET /services/:slug/versions/1', version.body.definition, authored);
      const exportedAfter = await designerApi.get(`/api/v1/services/${slug}/export`).expect(200);
      expectAuthoredOrder('GET /services/:slug/export after publication', exportedAfter.body.definition, authored);

      const open = await request(stack.url).get(`/api/v1/public/services/${slug}`).expect(200);
      expectAuthoredOrder('GET /public/services/:slug', open.body.definition, authored);

      const desk = await as(caseworker).get(`/api/v1/desk/services/${slug}`).expect(200);
      expectAuthoredOrder('GET /desk/services/:slug', desk.body.definition, authored);

      const signIn = (authored.settings as { signIn: string }).signIn;
      if (signIn !== 'required')
        expectAuthoredOrder('GET /submissions/:id (pinned)', await citizenDraftDefinition(slug), authored);
    },
  );

  it('publishes a change of order alone as a new version, which every route then shows', async () => {
    const designerApi = as(designer.auth);
    const slug = 'ordre-change';
    const first = nestedOrderDefinition();
    await designerApi
      .post('/api/v1/services', { slug, title: slug, organisationId: designer.organisationId, definition: first })
      .expect(201);
    await designerApi.post(`/api/v1/services/${slug}/publish`).expect(201);
    const before = await request(stack.url).get(`/api/v1/public/services/${slug}`).expect(200);

    // The designer moves « Date de fin » above « Date de début »: nothing else changes.
    const moved = nestedOrderDefinition() as unknown as { schema: { properties: { periode: { properties: object } } } };
    const { debut, fin } = moved.schema.properties.periode.properties as Record<string, unknown>;
    moved.schema.properties.periode.properties = { fin, debut };
    const draft = await designerApi.get(`/api/v1/services/${slug}`).expect(200);
    const saved = await designerApi.put(`/api/v1/services/${slug}/draft`, moved, draft.body.draftRevision).expect(200);
    expect(saved.body.draftRevision).toBe(draft.body.draftRevision + 1);
    const reread = await designerApi.get(`/api/v1/services/${slug}`).expect(200);
    expectAuthoredOrder('GET /services/:slug after the move', reread.body.draft, moved);
    const published = await designerApi.post(`/api/v1/services/${slug}/publish`).expect(201);
    expect(published.body.version).toBe(2);
    expect(published.body.contentHash).not.toBe(before.body.contentHash);

    const after = await request(stack.url)
      .get(`/api/v1/public/services/${slug}`)
      .set('If-None-Match', before.headers.etag as string)
      .expect(200);
    expectAuthoredOrder('GET /public/services/:slug, version 2', after.body.definition, moved);
    const version = await designerApi.get(`/api/v1/services/${slug}/versions/2`).expect(200);
    expectAuthoredOrder('GET /services/:slug/versions/2', version.body.definition, moved);
    // Version 1 is untouched.
    const old = await designerApi.get(`/api/v1/services/${slug}/versions/1`).expect(200);
    expectAuthoredOrder('GET /services/:slug/versions/1', old.body.definition, first);
    // The same order again is nothing to publish.
    expect((await designerApi.post(`/api/v1/services/${slug}/publish`).expect(409)).body.code).toBe(
      'NOTHING_TO_PUBLISH',
    );
  });

  it('creates a service from an example (POST /services, fromExample) in the example’s order', async () => {
    for (const { name, file } of exampleCases) {
      const slug = `copie-${name.slice(0, -'.json'.length)}`.slice(0, 63);
      const created = await as(designer.auth)
        .post('/api/v1/services', {
          fromExample: name.slice(0, -'.json'.length),
          slug,
          title: 'Copie',
          organisationId: designer.organisationId,
        })
        .expect(201);
      expectAuthoredOrder(`POST /services fromExample ${name}`, created.body.draft, file.definition);
      const read = await as(designer.auth).get(`/api/v1/services/${slug}`).expect(200);
      expectAuthoredOrder(`GET /services/:slug (from ${name})`, read.body.draft, file.definition);
    }
  });

  it('prints a group’s answers on the receipt in the schema’s order, though answers are stored sorted', async () => {
    const slug = 'ordre-accuse';
    await as(designer.auth)
      .post('/api/v1/services', {
        slug,
        title: slug,
        organisationId: designer.organisationId,
        definition: nestedOrderDefinition(),
      })
      .expect(201);
    await as(designer.auth).post(`/api/v1/services/${slug}/publish`).expect(201);
    const client = new CookieClient();
    const call = (method: string, path: string, body?: unknown) => {
      // As the web app does: the CSRF token of the session sent back.
      const csrf = client.cookie(stack.url, 'csrf_token');
      return client.request(`${stack.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    };
    const data = {
      informationsPersonnelles: { nomDeNaissance: 'Martin', prenom: 'Léa' },
      enfants: [{ prenomDeLEnfant: 'Noé', nom: 'Martin-Dupont' }],
      periode: { debut: '2026-01-05', fin: '2026-02-05' },
    };
    const created = await call('POST', `/api/v1/public/services/${slug}/submissions`, { data });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await call('POST', `/api/v1/submissions/${id}/submit`)).status).toBe(200);
    const receipt = await (await call('GET', `/api/v1/submissions/${id}/receipt.html`)).text();
    const at = (text: string) => {
      const index = receipt.indexOf(text);
      expect({ text, found: index >= 0 }).toEqual({ text, found: true });
      return index;
    };
    expect(at('Nom de naissance')).toBeLessThan(at('Prénom'));
    expect(at('Date de début')).toBeLessThan(at('Date de fin'));
    expect(at('Noé')).toBeLessThan(at('Martin-Dupont'));
  });

  it('keeps the fields of a bare JSON Schema in their order at every depth', async () => {
    const schema = bareSchema();
    const imported = await as(designer.auth)
      .post('/api/v1/services/import', {
        organisationId: designer.organisationId,
        file: schema,
        slug: 'schema-nu',
        title: 'Schéma nu',
      })
      .expect(201);
    expectAuthoredOrder(
      'POST /services/import (bare schema)',
      imported.body.draft.schema.properties,
      schema.properties,
    );
    // Pages follow the authored order too: the loose field after the groups it follows.
    expect(imported.body.draft.pages.map((p: { fields: string[] }) => p.fields)).toEqual([
      ['identiteDuDemandeur'],
      ['chantier'],
      ['observations'],
    ]);
    await as(designer.auth).post('/api/v1/services/schema-nu/publish').expect(201);
    const open = await request(stack.url).get('/api/v1/public/services/schema-nu').expect(200);
    expectAuthoredOrder(
      'GET /public/services/:slug (bare schema)',
      open.body.definition.schema.properties,
      schema.properties,
    );
  });
});
