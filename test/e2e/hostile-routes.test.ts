import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { ERROR_CODES, type ErrorCode } from '@guichet/shared';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { startFakeApis, type RunningFakeApis } from '../../apps/fake-apis/src/fake-apis';
import { CookieClient } from '../support/browserless';
import { signInEnv, startIdp, type RunningIdp } from '../support/idp';
import { freePort } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant, publishService, type Tenant } from '../support/tenant';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: { type?: string; enum?: unknown[] };
}
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  $ref?: string;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> };
}

/** One call of the walk, and what came back. */
interface Outcome {
  caller: string;
  method: string;
  path: string;
  what: string;
  status: number;
  problem?: string;
}

/** Values an outside tester puts where an id, a slug or a number is expected. */
const HOSTILE_SEGMENTS = [
  '%00',
  '..%2F..%2Fetc%2Fpasswd',
  'x'.repeat(3000),
  '%C3%A9t%C3%A9%20%E2%80%94%20%F0%9F%8F%AB',
  '-1',
  '99999999999999999999999',
  '1e309',
  "'%3B%20DROP%20TABLE%20submissions%3B--",
  '%FF%FE',
  '00000000-0000-0000-0000-000000000000',
];
const HOSTILE_QUERY_VALUES = [
  '0',
  '1000000000',
  '',
  'x'.repeat(5000),
  '-1',
  '1e309',
  'NaN',
  '%00',
  '%FF',
  '[object Object]',
  'null',
];
/** Whole bodies that are JSON but not the object a route expects. */
const HOSTILE_BODIES = [
  'null',
  '[]',
  '"texte"',
  '12',
  'true',
  '{}',
  '{"__proto__":{"admin":true}}',
  '[[[[[[[[[[]]]]]]]]]]',
  '{"data":{"a":{"b":["nul \\u0000 profond"]}}}',
  '{"\\u0000":1}',
];
/** Property values of the wrong type or of a shape nobody planned for. */
const HOSTILE_VALUES: unknown[] = [
  null,
  12,
  -1e308,
  true,
  'x'.repeat(100_000),
  'nul\u0000octet',
  'surrogate \ud800 seule',
  [],
  [null, 1, 'a', {}],
  {},
  { __proto__: { x: 1 }, constructor: { prototype: {} } },
  '2026-02-30T25:61:00Z',
];
/** Headers the routes read (versions, idempotency, language, media type), filled with what nobody expects. */
const HOSTILE_HEADERS: Array<Record<string, string>> = [
  { 'if-match': '"pas-une-révision"'.normalize('NFD').replace(/[^\x20-\x7e]/g, '') },
  { 'if-match': '-1' },
  { 'idempotency-key': 'k'.repeat(8000) },
  { 'idempotency-key': '../../%7f\'"<>' },
  { 'accept-language': 'en;q=abc,,,*;q=-1,zz-ZZ' },
  { 'content-type': 'application/json; charset=utf-16' },
  { 'content-type': 'text/plain' },
  { 'content-type': 'multipart/form-data; boundary=x' },
];
const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;
const BOUNDARY = 'frontiere-hostile';

/** Uploads as a careless or hostile client sends them: names, parts and bytes nobody planned for. */
function hostileMultipart(): Array<[string, string]> {
  const pdf = '%PDF-1.4\n' + ' '.repeat(200) + '\n%%EOF\n';
  const part = (headers: string, content: string) => `--${BOUNDARY}\r\n${headers}\r\n\r\n${content}\r\n`;
  const file = (name: string, content = pdf, type = 'application/pdf') =>
    part(`Content-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}`, content);
  const field = (name: string, value: string) => part(`Content-Disposition: form-data; name="${name}"`, value);
  const end = `--${BOUNDARY}--\r\n`;
  return [
    ['no part', end],
    ['a file, no pointer', file('a.pdf') + end],
    ['a pointer, no file', field('pointer', '/certificate') + end],
    ['a NUL in the file name', field('pointer', '/certificate') + file('cert\u0000ificat.pdf') + end],
    ['a path as the file name', field('pointer', '/certificate') + file('../../../etc/passwd') + end],
    ['a 2,000-character file name', field('pointer', '/certificate') + file(`${'n'.repeat(2000)}.pdf`) + end],
    ['an empty file', field('pointer', '/certificate') + file('vide.pdf', '') + end],
    ['two files', field('pointer', '/certificate') + file('a.pdf') + file('b.pdf') + end],
    ['a pointer to nowhere', field('pointer', '/../../x\u0000') + file('a.pdf') + end],
    ['a pointer twice', field('pointer', '/certificate') + field('pointer', '/name') + file('a.pdf') + end],
    ['an unknown part', field('pointer', '/certificate') + field('admin', 'true') + file('a.pdf') + end],
    ['no closing boundary', field('pointer', '/certificate') + file('a.pdf')],
    ['HTML said to be a PDF', field('pointer', '/certificate') + file('a.pdf', '<script>alert(1)</script>') + end],
  ];
}

/**
 * The walk an outside tester does with curl: every operation of the OpenAPI
 * document, called by each kind of caller with malformed path segments,
 * query values and bodies. Whatever the route, the answer is a 4xx (or a
 * 2xx where the input happens to be acceptable) in the error shape of
 * API.md, in bounded time: never a 5xx, never a hang, never a body that is
 * not JSON on an API route. The routes come from the document, so a route
 * added tomorrow is walked without anyone writing its case here.
 */
describe('every operation, hostile input', () => {
  let stack: Stack;
  let fakeApis: RunningFakeApis;
  let idp: RunningIdp;
  let admin: Tenant;
  let caseworker: string;
  let document: Document;
  let submissionId: string;
  let citizen: CookieClient;
  const slug = 'cantine-hostile';

  beforeAll(async () => {
    // Every route is called hundreds of times by the same callers: the limits would answer 429 to most of it.
    // The public directories answer (the bundled fakes): a lookup route's 503 « unavailable » would hide the rest.
    // …and so does the bundled identity provider: the sign-in routes are walked with their hostile queries too.
    fakeApis = await startFakeApis();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    idp = await startIdp({ redirectUris: [`${base}/auth/callback`], postLogoutRedirectUris: [`${base}/`] });
    stack = await startStack({
      backend: 'postgres',
      worker: false,
      env: {
        PORT: String(port),
        PUBLIC_URL: base,
        ...signInEnv(idp.issuer, idp.secret),
        RATE_LIMITS: 'off',
        ENTREPRISES_API_URL: fakeApis.entreprisesUrl,
        ASSOCIATIONS_API_URL: fakeApis.associationsUrl,
        PARTICULIER_API_URL: fakeApis.particulierUrl,
        PARTICULIER_API_TOKEN: 'jeton-api-particulier-hostile-0123',
        ADRESSE_API_URL: fakeApis.adresseUrl,
      },
    });
    admin = await createTenant(stack, 'admin');
    const tokens = new ApiTokenService(stack.api.get(DataSource));
    caseworker = `Bearer ${(await tokens.issue({ organisationId: admin.organisationId, name: 'instruction', role: 'caseworker' })).token}`;
    document = (await (await fetch(`${stack.url}/api/docs-json`)).json()) as Document;
    await publishService(stack.url, admin, { slug, title: 'Cantine', definition: canteenDefinition() });
    citizen = new CookieClient();
    await citizen.request(`${stack.url}/api/v1/public/services/${slug}`);
    const draft = await citizen.request(`${stack.url}/api/v1/public/services/${slug}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': citizen.cookie(stack.url, 'csrf_token') ?? '' },
      body: JSON.stringify({ data: validCanteenData() }),
    });
    expect(draft.status).toBe(201);
    submissionId = ((await draft.json()) as { id: string }).id;
  });
  afterAll(async () => {
    await stack?.close();
    await fakeApis?.close();
    await idp?.stop();
  });

  /** A value a path parameter accepts, from the fixture: the hostile one is swapped in for one parameter at a time. */
  function validSegment(path: string, name: string): string {
    if (/slug/i.test(name)) return slug;
    if (name === 'id' && path.startsWith('/api/v1/organisations/')) return admin.organisationId;
    if (/version/i.test(name)) return '1';
    if (/organisation/i.test(name)) return admin.organisationId;
    if (/^id$|submission/i.test(name)) return submissionId;
    return '00000000-0000-4000-8000-000000000000';
  }

  function resolve(schema: JsonSchema | undefined): JsonSchema | undefined {
    if (!schema?.$ref) return schema;
    return document.components.schemas[schema.$ref.split('/').pop()!];
  }

  /** Every (path, query, body) variant of one operation: one hostile part at a time, the rest valid. */
  function* variants(
    path: string,
    operation: Operation,
  ): Generator<{ what: string; url: string; body?: string; headers?: Record<string, string> }> {
    const parameters = operation.parameters ?? [];
    const pathParams = parameters.filter((p) => p.in === 'path').map((p) => p.name);
    const fill = (name?: string, value?: string) =>
      path.replace(/\{([^}]+)\}/g, (_, param: string) =>
        param === name ? value! : encodeURIComponent(validSegment(path, param)),
      );
    const valid = fill();
    const json = resolve(operation.requestBody?.content?.['application/json']?.schema);
    const body = json ? '{}' : undefined;
    for (const name of pathParams) {
      for (const value of HOSTILE_SEGMENTS)
        yield { what: `path ${name}=${value.slice(0, 40)}`, url: fill(name, value), body };
    }
    for (const { name } of parameters.filter((p) => p.in === 'query')) {
      for (const value of HOSTILE_QUERY_VALUES) {
        yield {
          what: `query ${name}=${value.slice(0, 40)}`,
          url: `${valid}?${name}=${encodeURIComponent(value)}`,
          body,
        };
      }
      yield { what: `query ${name} twice`, url: `${valid}?${name}=a&${name}=b`, body };
      yield { what: `query ${name}[]`, url: `${valid}?${name}[a]=1&${name}[b][c]=2`, body };
    }
    for (const headers of HOSTILE_HEADERS)
      yield { what: `headers ${JSON.stringify(headers).slice(0, 60)}`, url: valid, body, headers };
    if (operation.requestBody?.content?.['multipart/form-data']) {
      for (const [what, body] of hostileMultipart())
        yield {
          what: `multipart ${what}`,
          url: valid,
          body,
          headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        };
    }
    if (!json) return;
    for (const raw of HOSTILE_BODIES) yield { what: `body ${raw}`, url: valid, body: raw };
    // Each property of the body, and each property of an object property, one at a time.
    const properties = Object.entries(resolve(json)?.properties ?? {}).flatMap(([name, schema]) => [
      [name],
      ...Object.keys(resolve(schema)?.properties ?? {}).map((inner) => [name, inner]),
    ]);
    for (const path of properties) {
      for (const value of HOSTILE_VALUES) {
        const body = path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
        yield {
          what: `body .${path.join('.')}=${JSON.stringify(value)?.slice(0, 40)}`,
          url: valid,
          body: JSON.stringify(body),
        };
      }
    }
  }

  async function call(
    caller: string,
    method: string,
    url: string,
    body: string | undefined,
    extra: Record<string, string> = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, extra);
    const init = { method: method.toUpperCase(), headers, body, signal: AbortSignal.timeout(20_000) };
    if (caller === 'citizen') {
      headers['x-csrf-token'] = citizen.cookie(stack.url, 'csrf_token') ?? '';
      return citizen.request(`${stack.url}${url}`, init);
    }
    if (caller === 'admin') headers.authorization = admin.auth;
    if (caller === 'caseworker') headers.authorization = caseworker;
    return fetch(`${stack.url}${url}`, { ...init, redirect: 'manual' });
  }

  /** What is wrong with an answer, if anything. */
  async function problemOf(path: string, response: Response, french: boolean): Promise<string | undefined> {
    const text = await response.text();
    if (response.status >= 500) return `${response.status} ${text.slice(0, 300)}`;
    if (response.status < 400 || !path.startsWith('/api/')) return undefined;
    let error: { code?: unknown; message?: unknown; errors?: Array<{ pointer?: string }> };
    try {
      error = JSON.parse(text) as typeof error;
    } catch {
      return `a ${response.status} that is not JSON: ${text.slice(0, 120)}`;
    }
    if (typeof error.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(error.code)) {
      return `no stable code: ${text.slice(0, 200)}`;
    }
    if (typeof error.message !== 'string' || error.message.length === 0) return `no message: ${text.slice(0, 200)}`;
    // French unless asked otherwise: the registry's English text is never what a caller without `Accept-Language` gets.
    const registered = ERROR_CODES[error.code as ErrorCode] as { en: string } | undefined;
    if (
      french &&
      registered &&
      (error.message === registered.en || response.headers.get('content-language') !== 'fr')
    ) {
      return `not in French: ${text.slice(0, 200)}`;
    }
    for (const item of error.errors ?? []) {
      if (item.pointer !== undefined && !/^(\/([^~]|~[01])*)*$/.test(item.pointer))
        return `not a JSON pointer: ${item.pointer}`;
    }
    return undefined;
  }

  it('answers every operation a 4xx in the error shape, never a 5xx nor a hang, whoever calls', async () => {
    const operations: Array<[string, string, Operation]> = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of METHODS) if (item[method]) operations.push([method, path, item[method]]);
    }
    // The pages other sites link to (API.md), walked the same way: no 5xx there either.
    for (const [path, name] of [
      ['/demarches/{slug}', 'slug'],
      ['/demarches/{slug}/formulaire', 'slug'],
      ['/mes-demarches/{id}', 'id'],
      ['/suivi/{token}', 'token'],
      ['/instruction/{slug}', 'slug'],
      ['/studio/{slug}', 'slug'],
    ]) {
      operations.push([
        'get',
        path!,
        {
          parameters: [
            { name: name!, in: 'path' },
            { name: 'etape', in: 'query' },
          ],
        },
      ]);
    }
    // Reads first, then uploads (while the citizen's request is still a draft that takes files), deletions last: a
    // deletion may take away what the others read.
    const rank = ([method, , operation]: [string, string, Operation]) =>
      operation.requestBody?.content?.['multipart/form-data'] ? 0.5 : METHODS.indexOf(method as never);
    operations.sort((a, b) => rank(a) - rank(b));
    const outcomes: Outcome[] = [];
    for (const [method, path, operation] of operations) {
      // Signing out ends the citizen's session: walked, but after the rest (below).
      if (path === '/auth/logout') continue;
      for (const caller of ['anonymous', 'citizen', 'caseworker', 'admin']) {
        const all = [...variants(path, operation)];
        for (let i = 0; i < all.length; i += 8) {
          outcomes.push(
            ...(await Promise.all(
              all.slice(i, i + 8).map(async ({ what, url, body, headers }) => {
                let status = 0;
                let problem: string | undefined;
                try {
                  const response = await call(caller, method, url, body, headers);
                  status = response.status;
                  problem = await problemOf(path, response, !headers?.['accept-language']);
                } catch (error) {
                  problem = `no answer: ${(error as Error).message}`;
                }
                return { caller, method, path, what, status, problem };
              }),
            )),
          );
        }
      }
    }
    const problems = outcomes
      .filter((o) => o.problem)
      .map((o) => `${o.caller} ${o.method.toUpperCase()} ${o.path} [${o.what}]: ${o.problem}`);
    expect(problems).toEqual([]);
    // The walk did reach the routes: hundreds of calls, and the validation answered most of the hostile ones.
    expect(operations.length).toBeGreaterThan(80);
    expect(outcomes.filter((o) => o.status === 400 || o.status === 422).length).toBeGreaterThan(500);
  }, 900_000);
  it('points at the parameter or the value holding a NUL character, which PostgreSQL cannot store', async () => {
    const inPath = await call('anonymous', 'post', '/api/v1/public/services/can%00tine/submissions', '{}');
    expect(inPath.status).toBe(400);
    expect(await inPath.json()).toMatchObject({ code: 'NUL_CHARACTER', errors: [{ pointer: '/slug' }] });
    const inBody = await call(
      'admin',
      'post',
      `/api/v1/services/${slug}/close`,
      JSON.stringify({ message: 'Fermé \u0000 pour travaux' }),
    );
    expect(inBody.status).toBe(400);
    expect(await inBody.json()).toMatchObject({
      code: 'NUL_CHARACTER',
      message: expect.stringContaining('caractère nul'),
      errors: [{ pointer: '/message' }],
    });
  });
});
