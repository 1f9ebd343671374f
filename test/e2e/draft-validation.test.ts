import request from 'supertest';
import { choiceDefinition } from '../fixtures/choice';
import { CookieClient } from '../support/browserless';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant, publishService } from '../support/tenant';

/**
 * Drafts validate what is answered, over HTTP: a service whose root says
 * "give at least one of" (a phone or an email) opens with an empty draft,
 * saves partial answers, refuses an incomplete submit with a French message
 * naming the fields, and files a complete one. Error lists are capped.
 */
describe('draft validation', () => {
  let stack: Stack;
  let designer: Tenant;

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres', worker: false });
    designer = await createTenant(stack);
    await publishService(stack.url, designer, {
      slug: 'contact-au-choix',
      title: 'Contact',
      definition: choiceDefinition(),
    });
  });
  afterAll(() => stack?.close());

  function browser() {
    const client = new CookieClient();
    return (method: string, path: string, body?: unknown) => {
      const csrf = client.cookie(stack.url, 'csrf_token');
      return client.request(`${stack.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: body === undefined || method === 'GET' ? undefined : JSON.stringify(body),
      });
    };
  }

  it('opens an empty draft of a root "at least one of", saves parts, and asks for one of them at submit', async () => {
    const call = browser();
    // The page loads first: its CSRF cookie comes with it.
    expect((await call('GET', '/api/v1/public/services/contact-au-choix')).status).toBe(200);
    const created = await call('POST', '/api/v1/public/services/contact-au-choix/submissions', { data: {} });
    expect(created.status).toBe(201);
    const draft = (await created.json()) as { id: string; revision: number };

    let revision = draft.revision;
    const save = async (data: unknown) => {
      const saved = await call('PATCH', `/api/v1/submissions/${draft.id}`, { data, expectedRevision: revision });
      if (saved.status === 200) revision = ((await saved.json()) as { revision: number }).revision;
      return saved;
    };
    expect((await save({ name: 'Dubois' })).status).toBe(200);
    // required inside then: a submit-time rule only.
    expect((await save({ name: 'Dubois', hasPet: 'oui' })).status).toBe(200);
    // What is there must still be right, inside the branch too.
    const wrong = await save({ name: 'Dubois', hasPet: 'oui', petName: 'X', email: 'pas-une-adresse' });
    expect(wrong.status).toBe(422);
    expect(
      ((await wrong.json()) as { errors: Array<{ pointer: string }> }).errors.map((e) => e.pointer).sort(),
    ).toEqual(['/email', '/petName']);
    expect((await save({ name: 'Dubois', hasPet: 'oui', petName: 'Rex' })).status).toBe(200);

    const incomplete = await call('POST', `/api/v1/submissions/${draft.id}/submit`, {});
    expect(incomplete.status).toBe(422);
    expect(await incomplete.json()).toMatchObject({
      code: 'SUBMISSION_INVALID',
      errors: [
        {
          pointer: '',
          code: 'requiredAnyOf',
          message: 'Renseignez au moins un des champs : Téléphone, Adresse électronique.',
        },
      ],
    });

    expect((await save({ name: 'Dubois', hasPet: 'oui', petName: 'Rex', email: 'marie@exemple.fr' })).status).toBe(200);
    const filed = await call('POST', `/api/v1/submissions/${draft.id}/submit`, {});
    // Submit answers 200 with the receipt (the API's contract for submit, idempotent).
    expect(filed.status).toBe(200);
    expect(await filed.json()).toMatchObject({ status: 'submitted', reference: expect.stringMatching(/^GCH-/) });
  });

  it('lists at most 100 problems and counts the rest', async () => {
    const call = browser();
    await call('GET', '/api/v1/public/services/contact-au-choix');
    const visits = Array.from({ length: 2000 }, () => ({ day: 'hier' }));
    const created = await call('POST', '/api/v1/public/services/contact-au-choix/submissions', { data: { visits } });
    expect(created.status).toBe(422);
    const body = (await created.json()) as { errors: Array<{ pointer: string; code: string }>; moreErrors: number };
    expect(body.errors).toHaveLength(100);
    expect(body.errors[0]).toMatchObject({ pointer: '/visits/0/day', code: 'format' });
    expect(body.moreErrors).toBe(1900);
  });

  it('serves both validators in the browser module', async () => {
    const service = (await (await browser()('GET', '/api/v1/public/services/contact-au-choix')).json()) as {
      validator: string;
    };
    const module = await request(stack.url).get(service.validator).expect(200);
    expect(module.text).toMatch(/^export default function createValidator\(runtime\)/m);
    expect(module.text).toMatch(/^export function createDraftValidator\(runtime\) \{\n(?!return null;)/m);
  });
});
