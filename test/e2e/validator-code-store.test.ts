import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { choiceDefinition } from '../fixtures/choice';
import { CookieClient } from '../support/browserless';
import { startStack, type Stack } from '../support/stack';
import { createTenant, publishService } from '../support/tenant';

/**
 * The API keeps the validators it compiles under DATA_DIR/validators
 * (issue 22): the first request on a version writes its code there, and
 * the verdicts given through the stored code are the usual ones.
 */
describe('validator code store', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres', worker: false });
    const designer = await createTenant(stack);
    await publishService(stack.url, designer, {
      slug: 'contact-stocke',
      title: 'Contact',
      definition: choiceDefinition(),
    });
  });
  afterAll(() => stack?.close());

  it('writes the compiled validators of the version a draft is saved against, and validates with them', async () => {
    const directory = join(stack.config.DATA_DIR, 'validators');
    const stored = () => {
      try {
        return readdirSync(directory).filter((name) => name.endsWith('.js'));
      } catch {
        return [];
      }
    };
    expect(stored()).toEqual([]);
    const client = new CookieClient();
    const call = (method: string, path: string, body?: unknown) => {
      const csrf = client.cookie(stack.url, 'csrf_token');
      return client.request(`${stack.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    };
    expect((await call('GET', '/api/v1/public/services/contact-stocke')).status).toBe(200);
    const created = await call('POST', '/api/v1/public/services/contact-stocke/submissions', { data: {} });
    expect(created.status).toBe(201);
    const draft = (await created.json()) as { id: string; revision: number };

    const files = stored();
    // The published schema and its draft schema, all errors listed.
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const text = readFileSync(join(directory, file), 'utf8');
      expect(text.startsWith(`// Guichet compiled validator ${file.replace(/\.js$/, '')}\n`)).toBe(true);
      expect(text).not.toMatch(/\brequire\(|\beval\(/);
    }
    const wrong = await call('PATCH', `/api/v1/submissions/${draft.id}`, {
      data: { name: 'Dubois', email: 'pas-une-adresse' },
      expectedRevision: draft.revision,
    });
    expect(wrong.status).toBe(422);
    expect(JSON.stringify(await wrong.json())).toContain('/email');
  });
});
