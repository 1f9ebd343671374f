import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { OrganisationArchives } from '@guichet/desk';
import { ApiTokenService } from '@guichet/identity';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant, publishService } from '../support/tenant';

interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const COMPONENTS = 'https://guichet.invalid/openapi-components';

/** The OpenAPI document against the code: every operation says what it answers, and real answers fit it. */
describe('OpenAPI contract', () => {
  let stack: Stack;
  let designer: Tenant;
  let caseworker: string;
  let document: Document;
  let submissionId: string;
  let citizen: CookieClient;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);

  /** The schema the document declares for this operation's answer with this status. */
  function declared(method: string, path: string, status: number): ValidateFunction {
    const operation = document.paths[path]?.[method];
    const schema = operation?.responses?.[String(status)]?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`${method.toUpperCase()} ${path}: no JSON schema for ${status}`);
    return ajv.compile(schema as object);
  }

  function expectFits(method: string, path: string, response: { status: number; body: unknown }) {
    const validate = declared(method, path, response.status);
    const ok = validate(response.body);
    expect(ok ? [] : validate.errors).toEqual([]);
  }

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres', worker: false });
    designer = await createTenant(stack);
    const tokens = new ApiTokenService(stack.api.get(DataSource));
    caseworker = `Bearer ${(await tokens.issue({ organisationId: designer.organisationId, name: 'instruction', role: 'caseworker' })).token}`;
    document = (await request(stack.url).get('/api/docs-json').expect(200)).body as Document;
    // Component schemas are reachable from every compiled answer schema as `#/components/schemas/…`.
    ajv.addSchema({ $id: COMPONENTS, components: document.components });
    for (const item of Object.values(document.paths)) {
      for (const operation of Object.values(item)) {
        for (const answer of Object.values(operation.responses ?? {})) {
          const json = answer.content?.['application/json'];
          if (json?.schema) json.schema = rewriteRefs(json.schema);
        }
      }
    }
    await publishService(stack.url, designer, {
      slug: 'cantine-oas',
      title: 'Cantine',
      definition: canteenDefinition(),
    });
    citizen = new CookieClient();
    const post = async (path: string, body: unknown) => {
      const csrf = citizen.cookie(stack.url, 'csrf_token');
      const response = await citizen.request(`${stack.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { id: string } };
    };
    const draft = await post('/api/v1/public/services/cantine-oas/submissions', { data: validCanteenData() });
    expect(draft.status).toBe(201);
    expectFits('post', '/api/v1/public/services/{slug}/submissions', draft);
    submissionId = draft.body.id;
    const submitted = await post(`/api/v1/submissions/${submissionId}/submit`, {});
    expect(submitted.status).toBe(200);
    expectFits('post', '/api/v1/submissions/{id}/submit', submitted);
  });
  afterAll(() => stack?.close());

  it('declares a 2xx answer with a schema (or a redirection) on every operation', () => {
    const missing: string[] = [];
    let operations = 0;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        operations++;
        const responses = Object.entries(operation.responses ?? {});
        const described = responses.some(
          ([status, answer]) =>
            (/^2\d\d$/.test(status) && Object.values(answer.content ?? {}).some((media) => !!media.schema)) ||
            /^3\d\d$/.test(status),
        );
        if (!described) missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(missing).toEqual([]);
    expect(operations).toBeGreaterThan(80);
  });

  it('documents Idempotency-Key on every operation that honours it', () => {
    const operations = [
      ['post', '/api/v1/submissions/{id}/submit'],
      ['post', '/api/v1/submissions/{id}/messages'],
      ['post', '/api/v1/submissions/{id}/notes'],
    ] as const;
    for (const [method, path] of operations) {
      const headers = (document.paths[path]?.[method]?.parameters ?? []).filter((p) => p.in === 'header');
      expect([path, headers.map((p) => p.name)]).toEqual([path, expect.arrayContaining(['Idempotency-Key'])]);
    }
  });

  it("fits the citizens' answers: the portal, a service page, a request", async () => {
    expectFits('get', '/api/v1/public/services', await request(stack.url).get('/api/v1/public/services').expect(200));
    expectFits(
      'get',
      '/api/v1/public/services/{slug}',
      await request(stack.url).get('/api/v1/public/services/cantine-oas').expect(200),
    );
    const mine = await citizen.request(`${stack.url}/api/v1/submissions/${submissionId}`);
    expect(mine.status).toBe(200);
    expectFits('get', '/api/v1/submissions/{id}', { status: 200, body: await mine.json() });
  });

  it("fits the designers' answers: the services, one service, a publish preview", async () => {
    const auth = designer.auth;
    expectFits('get', '/api/v1/services', await request(stack.url).get('/api/v1/services').set('Authorization', auth));
    expectFits(
      'get',
      '/api/v1/services/{slug}',
      await request(stack.url).get('/api/v1/services/cantine-oas').set('Authorization', auth).expect(200),
    );
    expectFits(
      'post',
      '/api/v1/services/{slug}/publish/preview',
      await request(stack.url)
        .post('/api/v1/services/cantine-oas/publish/preview')
        .set('Authorization', auth)
        .expect(200),
    );
  });

  it("fits the caseworkers' answers: the desk's services, the service, the inbox page, a note, following, the case view", async () => {
    const get = (path: string) => request(stack.url).get(path).set('Authorization', caseworker).expect(200);
    expectFits('get', '/api/v1/desk/services', await get('/api/v1/desk/services'));
    expectFits('get', '/api/v1/desk/services/{slug}', await get('/api/v1/desk/services/cantine-oas'));
    const page = await get('/api/v1/services/cantine-oas/inbox?tab=tous');
    expect(page.body.items).toHaveLength(1);
    expectFits('get', '/api/v1/services/{slug}/inbox', page);
    const sendNote = () =>
      request(stack.url)
        .post(`/api/v1/submissions/${submissionId}/notes`)
        .set('Authorization', caseworker)
        .set('Idempotency-Key', 'cle-note-oas')
        .send({ body: 'Appeler la famille.' })
        .expect(201);
    const note = await sendNote();
    expectFits('post', '/api/v1/submissions/{id}/notes', note);
    // Sent again with its key: the first answer, which fits too.
    const again = await sendNote();
    expect(again.body).toEqual(note.body);
    expectFits('post', '/api/v1/submissions/{id}/notes', again);
    const follow = await request(stack.url)
      .put(`/api/v1/submissions/${submissionId}/follow`)
      .set('Authorization', caseworker)
      .expect(200);
    expectFits('put', '/api/v1/submissions/{id}/follow', follow);
    const file = await get(`/api/v1/services/cantine-oas/submissions/${submissionId}`);
    expect(file.body.notes).toHaveLength(1);
    expectFits('get', '/api/v1/services/{slug}/submissions/{id}', file);
  });

  it("fits an admin's organisation archive: asked, then ready (made here as the worker would)", async () => {
    const admin = await createTenant(stack, 'admin');
    const path = `/api/v1/organisations/${admin.organisationId}/archives`;
    const asked = await request(stack.url).post(path).set('Authorization', admin.auth).send({}).expect(202);
    expectFits('post', '/api/v1/organisations/{id}/archives', asked);
    expect(await stack.api.get(OrganisationArchives).run(asked.body.archiveId as string)).toMatch(/^ready/);
    const status = await request(stack.url)
      .get(asked.body.statusUrl as string)
      .set('Authorization', admin.auth);
    expect(status.body.status).toBe('ready');
    expectFits('get', '/api/v1/organisations/{id}/archives/{archiveId}', status);
  });

  it('fails an answer that does not fit (the check can fail)', () => {
    const validate = declared('get', '/api/v1/services/{slug}/inbox', 200);
    expect(validate({ items: [], nextCursor: null, counts: { a_traiter: 0, suivis: 0, traites: 0 } })).toBe(false);
    expect(validate({ items: [], nextCursor: null, counts: { a_traiter: 0, suivis: 0, traites: 0, tous: 0 } })).toBe(
      true,
    );
  });
});

/** `#/components/schemas/X` → `…/openapi-components#/components/schemas/X`, so that a compiled answer schema reaches them. */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/')
        ? `${COMPONENTS}${value}`
        : rewriteRefs(value),
    ]),
  );
}
