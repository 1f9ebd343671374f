import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { AgentMembership, Organisation, Service } from '@guichet/persistence';
import { canteenDefinition } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { signInEnv, startIdp, type RunningIdp } from '../support/idp';
import { DIST, freePort } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';

const run = promisify(execFile);

/** A JSON answer, read as loosely as supertest's bodies: each test looks at what it expects. */
type Answer = { status: number; body: request.Response['body'] };

// Agents of the bundled provider, given roles in fresh organisations (roles come from Guichet, by email).
const SOPHIE = 'sophie.marchand@mairie-de-demo.fr';
const CLAIRE = 'claire.rousseau@mairie-de-demo.fr';
const LEA = 'lea.fontaine@mairie-de-demo.fr';
const KARIM = 'karim.haddad@mairie-de-demo.fr';

/** A valid PNG of `size` bytes (a 1×1 image padded with an ancillary chunk). */
function png(size = 120): Buffer {
  const head = Buffer.from(
    '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
      '1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082',
    'hex',
  );
  return Buffer.concat([head, Buffer.alloc(Math.max(0, size - head.length))]);
}

/** The organisations' administration over HTTP: profile and branding, agents, groups, who may, and the CLI. */
describe('organisation administration', () => {
  let idp: RunningIdp;
  let stack: Stack;
  let base: string;
  let a: Tenant;
  let b: Tenant;
  let sophie: CookieClient;
  let claire: CookieClient;
  let lea: CookieClient;
  let serviceSlug: string;

  async function signIn(identity: string): Promise<CookieClient> {
    const client = new CookieClient();
    const start = await client.request(`${base}/auth/login?as=agent&returnTo=/studio`);
    const login = await client.follow(new URL(start.headers.get('location')!).toString());
    const posted = await client.postForm(`${login.url}/login`, { identity });
    const callback = await client.follow(
      new URL(posted.headers.get('location')!, login.url).toString(),
      `${base}/auth/callback`,
    );
    expect((await client.request(callback.url)).status).toBe(303);
    return client;
  }

  /** JSON over the session, with the CSRF double submit unless `csrf: false`. */
  async function call(
    client: CookieClient,
    method: string,
    path: string,
    body?: unknown,
    options: { csrf?: boolean } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.csrf !== false && method !== 'GET') headers['x-csrf-token'] = client.cookie(base, 'csrf_token') ?? '';
    const res = await client.request(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async function upload(client: CookieClient, path: string, bytes: Buffer, filename: string, type: string) {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type }), filename);
    const res = await client.request(`${base}${path}`, {
      method: 'PUT',
      headers: { 'x-csrf-token': client.cookie(base, 'csrf_token') ?? '' },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as Answer['body'] } satisfies Answer;
  }

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
    await stack.api
      .get(DataSource)
      .getRepository(AgentMembership)
      .save([
        { organisationId: a.organisationId, email: SOPHIE, role: 'admin' },
        { organisationId: a.organisationId, email: CLAIRE, role: 'designer' },
        { organisationId: b.organisationId, email: LEA, role: 'admin' },
      ]);
    serviceSlug = `cantine-${randomBytes(3).toString('hex')}`;
    await request(stack.url)
      .post('/api/v1/services')
      .set('Authorization', a.auth)
      .send({ slug: serviceSlug, title: 'Cantine', organisationId: a.organisationId, definition: canteenDefinition() })
      .expect(201);
    [sophie, claire, lea] = await Promise.all([signIn('agent-admin'), signIn('agent-claire'), signIn('agent-lea')]);
  });
  afterAll(async () => {
    await stack?.close();
    await idp?.stop();
  });

  const org = (tenant: Tenant) => `/api/v1/organisations/${tenant.organisationId}`;

  it('lets the admin read and change the profile, shown to citizens on the service', async () => {
    const before = await call(sophie, 'GET', org(a));
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ id: a.organisationId, slug: a.slug, accentColor: null, logoUrl: null });

    const profile = {
      name: '  Mairie de Saint-Exemple  ',
      contact: {
        email: 'Accueil@Saint-Exemple.fr',
        phone: '+33 2 38 00 00 00',
        address: '1 place de la Mairie\n45000 Saint-Exemple',
        website: 'https://www.saint-exemple.fr',
      },
      accentColor: '#000091',
    };
    expect((await call(sophie, 'PUT', org(a), profile, { csrf: false })).body.code).toBe('CSRF');
    const saved = await call(sophie, 'PUT', org(a), profile);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      name: 'Mairie de Saint-Exemple',
      contact: { ...profile.contact, email: 'accueil@saint-exemple.fr' },
      accentColor: '#000091',
    });
    expect((await call(sophie, 'GET', org(a))).body).toEqual(saved.body);

    await request(stack.url).post(`/api/v1/services/${serviceSlug}/publish`).set('Authorization', a.auth).expect(201);
    const page = await request(stack.url).get(`/api/v1/public/services/${serviceSlug}`).expect(200);
    expect(page.body.organisation).toEqual({
      slug: a.slug,
      name: 'Mairie de Saint-Exemple',
      accentColor: '#000091',
      logoUrl: null,
      contact: saved.body.contact,
    });
  });

  it('refuses an accent colour under 4.5:1 on white, saying the measured ratio, with a pointer', async () => {
    const refused = await call(sophie, 'PUT', org(a), { name: 'Mairie', accentColor: '#FFCC00' });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('CONTRAST_TOO_LOW');
    expect(refused.body.message).toMatch(/1,\d+:1 mesuré/);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        pointer: '/accentColor',
        code: 'contrast',
        message: expect.stringMatching(/^Contraste de 1,\d+:1/),
      }),
    ]);
    // Just under and just over the line.
    expect((await call(sophie, 'PUT', org(a), { name: 'Mairie', accentColor: '#777777' })).body.message).toContain(
      '4,47:1',
    );
    expect((await call(sophie, 'PUT', org(a), { name: 'Mairie', accentColor: '#767676' })).status).toBe(200);
    // Nothing was lost by the refusals but what the last save changed.
    expect((await call(sophie, 'GET', org(a))).body.accentColor).toBe('#767676');
  });

  it('answers bad profiles with 4xx, a French message and a pointer, never a 500', async () => {
    const cases: Array<[unknown, number, string | undefined]> = [
      [{ name: '' }, 400, '/name'],
      [{ name: '   ' }, 400, '/name'],
      [{ name: 'x'.repeat(201) }, 400, '/name'],
      [{ name: 'x'.repeat(100_000) }, 413, undefined],
      [{ name: 42 }, 400, '/name'],
      [{ name: 'M', accentColor: 'red' }, 400, '/accentColor'],
      [{ name: 'M', accentColor: '#fff' }, 400, '/accentColor'],
      [{ name: 'M', contact: { email: 'pas-une-adresse' } }, 400, '/contact/email'],
      [{ name: 'M', contact: { website: 'javascript:alert(1)' } }, 400, '/contact/website'],
      [{ name: 'M', contact: { phone: '<script>' } }, 400, '/contact/phone'],
      [{ name: 'M', contact: 'nope' }, 400, '/contact'],
      [{ name: 'M', logoUrl: 'https://evil.example/x.png' }, 400, '/logoUrl'],
    ];
    for (const [body, status, pointer] of cases) {
      const res = await call(sophie, 'PUT', org(a), body);
      expect([JSON.stringify(body).slice(0, 60), res.status]).toEqual([JSON.stringify(body).slice(0, 60), status]);
      expect(res.body.message).toMatch(/[a-zé]/);
      if (pointer) expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    }
    expect((await call(sophie, 'PUT', org(a), '{"name":')).status).toBe(400);
  });

  it('takes a PNG logo, serves it with a long cache, and refuses SVG, other types and big files', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const wrong = await upload(sophie, `${org(a)}/logo`, svg, 'logo.png', 'image/png');
    expect([wrong.status, wrong.body.code]).toEqual([422, 'FILE_TYPE_NOT_ACCEPTED']);
    expect(wrong.body.message).toContain('PNG, JPEG');
    const gif = await upload(sophie, `${org(a)}/logo`, Buffer.from('GIF89a....'), 'logo.gif', 'image/gif');
    expect(gif.status).toBe(422);
    const big = await upload(sophie, `${org(a)}/logo`, png(250 * 1024), 'logo.png', 'image/png');
    expect([big.status, big.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(big.body.message).toContain('200 Ko');
    expect((await call(sophie, 'PUT', `${org(a)}/logo`, { file: 'x' })).status).toBe(415);

    const bytes = png(2000);
    const ok = await upload(sophie, `${org(a)}/logo`, bytes, 'logo.png', 'image/png');
    expect(ok.status).toBe(200);
    expect(ok.body.logoUrl).toMatch(new RegExp(`^/api/v1/public/organisations/${a.slug}/logo\\?v=[0-9a-f]{16}$`));
    const served = await request(stack.url).get(ok.body.logoUrl).buffer(true).expect(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['cache-control']).toContain('immutable');
    expect(Buffer.compare(served.body as Buffer, bytes)).toBe(0);
    await request(stack.url).get(ok.body.logoUrl).set('If-None-Match', served.headers.etag!).expect(304);
    const page = await request(stack.url).get(`/api/v1/public/services/${serviceSlug}`).expect(200);
    expect(page.body.organisation.logoUrl).toBe(ok.body.logoUrl);
    await request(stack.url).get(`/api/v1/public/organisations/${b.slug}/logo`).expect(404);

    expect((await call(sophie, 'DELETE', `${org(a)}/logo`)).body.logoUrl).toBeNull();
    await request(stack.url).get(`/api/v1/public/organisations/${a.slug}/logo`).expect(404);
  });

  it('adds agents by email with a role and a scope, removes them, and never the last admin', async () => {
    const list = await call(sophie, 'GET', `${org(a)}/agents`);
    expect(list.status).toBe(200);
    expect(list.body.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      [CLAIRE, 'designer'],
      [SOPHIE, 'admin'],
    ]);

    const added = await call(sophie, 'POST', `${org(a)}/agents`, {
      email: ' Nouvel.Agent@Saint-Exemple.FR ',
      role: 'caseworker',
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      email: 'nouvel.agent@saint-exemple.fr',
      role: 'caseworker',
      service: null,
      group: null,
    });
    const again = await call(sophie, 'POST', `${org(a)}/agents`, {
      email: 'nouvel.agent@saint-exemple.fr',
      role: 'caseworker',
    });
    expect([again.status, again.body.code]).toEqual([409, 'MEMBERSHIP_EXISTS']);
    const scoped = await call(sophie, 'POST', `${org(a)}/agents`, {
      email: 'nouvel.agent@saint-exemple.fr',
      role: 'caseworker',
      service: serviceSlug,
      group: 'nord',
    });
    expect(scoped.status).toBe(201);
    expect(scoped.body).toMatchObject({ service: { slug: serviceSlug }, group: 'nord' });

    for (const [body, pointer] of [
      [{ email: 'pas-une-adresse', role: 'caseworker' }, '/email'],
      [{ email: 'a@b.fr', role: 'chef' }, '/role'],
      [{ email: 'a@b.fr' }, '/role'],
      [{ email: 'a@b.fr', role: 'designer', service: serviceSlug }, '/service'],
      [{ email: 'a@b.fr', role: 'caseworker', group: 'nord' }, '/group'],
      [{ email: 'a@b.fr', role: 'caseworker', service: 'inconnue' }, '/service'],
      [{ email: 'x'.repeat(400), role: 'caseworker' }, '/email'],
      [{ email: 'a@b.fr', role: 'caseworker', organisationId: b.organisationId }, '/organisationId'],
    ] as const) {
      const res = await call(sophie, 'POST', `${org(a)}/agents`, body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    }

    const mine = list.body.find((m: { email: string }) => m.email === SOPHIE).id as string;
    const last = await call(sophie, 'DELETE', `${org(a)}/agents/${mine}`);
    expect([last.status, last.body.code]).toEqual([409, 'LAST_ADMIN']);
    expect(last.body.message).toContain('dernier administrateur');

    const second = await call(sophie, 'POST', `${org(a)}/agents`, {
      email: 'second.admin@saint-exemple.fr',
      role: 'admin',
    });
    expect((await call(sophie, 'DELETE', `${org(a)}/agents/${second.body.id}`)).status).toBe(200);
    expect((await call(sophie, 'DELETE', `${org(a)}/agents/${added.body.id}`)).body).toEqual({
      id: added.body.id,
      removed: true,
    });
    expect((await call(sophie, 'DELETE', `${org(a)}/agents/${added.body.id}`)).status).toBe(404);
    expect((await call(sophie, 'DELETE', `${org(a)}/agents/not-an-id`)).status).toBe(404);
    // Another organisation's membership, through this one: not found.
    const leaMembership = (await call(lea, 'GET', `${org(b)}/agents`)).body[0].id as string;
    expect((await call(sophie, 'DELETE', `${org(a)}/agents/${leaMembership}`)).status).toBe(404);
    expect((await call(lea, 'DELETE', `${org(b)}/agents/${leaMembership}`)).body.code).toBe('LAST_ADMIN');
  });

  it('manages the caseworker groups of a service and their members', async () => {
    const path = `${org(a)}/services/${serviceSlug}/groups`;
    const initial = await call(sophie, 'GET', path);
    expect(initial.status).toBe(200);
    // The default workflow routes to « instruction »; the scoped membership above named « nord ».
    expect(initial.body.groups).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'instruction', routed: true, declared: false, members: [] }),
        expect.objectContaining({ key: 'nord', routed: false, declared: false }),
      ]),
    );

    const created = await call(sophie, 'POST', path, { key: 'sud', label: 'Secteur sud' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ key: 'sud', label: 'Secteur sud', declared: true, routed: false });
    expect((await call(sophie, 'POST', path, { key: 'sud' })).body.code).toBe('GROUP_EXISTS');
    expect((await call(sophie, 'POST', path, { key: 'x'.repeat(41) })).status).toBe(400);
    expect((await call(sophie, 'POST', path, { key: '\u0000' })).status).toBe(400);

    const member = await call(sophie, 'POST', `${path}/sud/members`, { email: 'Agent.Sud@Saint-Exemple.fr' });
    expect(member.status).toBe(201);
    expect((await call(sophie, 'POST', `${path}/sud/members`, { email: 'agent.sud@saint-exemple.fr' })).status).toBe(
      409,
    );
    expect((await call(sophie, 'POST', `${path}/sud/members`, { email: 'nope' })).status).toBe(400);
    const groups = (await call(sophie, 'GET', path)).body.groups as Array<{ key: string; members: unknown[] }>;
    expect(groups.find((g) => g.key === 'sud')!.members).toEqual([
      { id: member.body.id, email: 'agent.sud@saint-exemple.fr' },
    ]);
    // The member is a caseworker of that group of that service only.
    const agents = (await call(sophie, 'GET', `${org(a)}/agents`)).body as Array<{ email: string; group: string }>;
    expect(agents.find((m) => m.email === 'agent.sud@saint-exemple.fr')).toMatchObject({ group: 'sud' });

    expect((await call(sophie, 'DELETE', `${path}/sud/members/${member.body.id}`)).status).toBe(200);
    expect((await call(sophie, 'DELETE', `${path}/sud/members/${member.body.id}`)).status).toBe(404);
    const inUse = await call(sophie, 'DELETE', `${path}/instruction`);
    expect([inUse.status, inUse.body.code]).toEqual([409, 'GROUP_IN_USE']);
    expect((await call(sophie, 'DELETE', `${path}/sud`)).body).toEqual({
      key: 'sud',
      deleted: true,
      membersRemoved: 0,
    });
    expect((await call(sophie, 'DELETE', `${path}/sud`)).status).toBe(404);
    expect((await call(sophie, 'GET', `${org(a)}/services/inconnue/groups`)).status).toBe(404);
  });

  it('is for the organisation’s admins: 403 to others who work in it, 404 to everyone else', async () => {
    const groups = `${org(a)}/services/${serviceSlug}/groups`;
    for (const [method, path, body] of [
      ['GET', org(a), undefined],
      ['PUT', org(a), { name: 'Piratée' }],
      ['GET', `${org(a)}/agents`, undefined],
      ['POST', `${org(a)}/agents`, { email: 'x@y.fr', role: 'admin' }],
      ['GET', groups, undefined],
      ['POST', groups, { key: 'pirate' }],
      ['DELETE', `${org(a)}/logo`, undefined],
    ] as const) {
      expect([method, path, (await call(claire, method, path, body)).status]).toEqual([method, path, 403]);
      expect([method, path, (await call(lea, method, path, body)).status]).toEqual([method, path, 404]);
    }
    expect((await call(lea, 'GET', org(b))).status).toBe(200);
    expect((await call(lea, 'GET', '/api/v1/organisations/not-a-uuid')).status).toBe(404);
    expect((await new CookieClient().request(`${base}${org(a)}`)).status).toBe(401);

    const tokens = new ApiTokenService(stack.api.get(DataSource));
    const readOnly = (
      await tokens.issue({ organisationId: a.organisationId, name: 'ro', role: 'admin', readOnly: true })
    ).token;
    await request(stack.url).get(org(a)).set('Authorization', `Bearer ${readOnly}`).expect(200);
    await request(stack.url).put(org(a)).set('Authorization', `Bearer ${readOnly}`).send({ name: 'X' }).expect(403);
    const service = await stack.api.get(DataSource).getRepository(Service).findOneByOrFail({ slug: serviceSlug });
    const limited = (
      await tokens.issue({ organisationId: a.organisationId, name: 'l', role: 'admin', serviceIds: [service.id] })
    ).token;
    await request(stack.url)
      .get(`${org(a)}/agents`)
      .set('Authorization', `Bearer ${limited}`)
      .expect(403);
    const whole = await request(stack.url)
      .get(`${org(a)}/agents`)
      .set('Authorization', a.auth)
      .expect(200);
    expect(whole.body.length).toBeGreaterThan(0);
    await request(stack.url)
      .get(`${org(b)}/agents`)
      .set('Authorization', a.auth)
      .expect(404);
    // Nothing changed by the refused calls.
    const name = (await stack.api.get(DataSource).getRepository(Organisation).findOneByOrFail({ id: a.organisationId }))
      .name;
    expect(name).not.toBe('Piratée');
  });

  // About eight whole `npm run admin` processes (Node start-up each): 30 s was too short on a loaded machine.
  it('creates an organisation from the CLI whose first admin can then sign in and administer it', async () => {
    const cli = join(DIST, 'scripts', 'admin.js');
    const env = { ...process.env, DATABASE_URL: stack.database.url };
    const slug = `mairie-${randomBytes(3).toString('hex')}`;
    const done = await run(
      process.execPath,
      [
        cli,
        'create-organisation',
        '--slug',
        slug,
        '--name',
        'Mairie de X',
        '--admin',
        'Karim.Haddad@mairie-de-demo.fr',
      ],
      { env },
    );
    expect(done.stdout).toContain('Organisation créée : Mairie de X');
    expect(done.stdout).toContain(KARIM);

    const failure = (args: string[]) =>
      run(process.execPath, [cli, ...args], { env }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
    expect(await failure(['create-organisation', '--slug', slug, '--name', 'X', '--admin', KARIM])).toEqual({
      code: 1,
      stderr: expect.stringContaining('déjà utilisé'),
    });
    expect(await failure(['create-organisation', '--slug', 'Pas Bon', '--name', 'X', '--admin', KARIM])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--slug'),
    });
    expect(await failure(['create-organisation', '--slug', 'ok-slug', '--name', 'X', '--admin', 'nope'])).toMatchObject(
      {
        code: 1,
        stderr: expect.stringContaining('Adresse électronique invalide'),
      },
    );
    expect(await failure(['create-organisation', '--slug', 'ok-slug'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--name est obligatoire'),
    });
    expect(await failure(['add-agent', '--organisation', slug, '--email', LEA, '--role', 'chef'])).toMatchObject({
      code: 2,
    });
    const addAgent = await run(
      process.execPath,
      [cli, 'add-agent', '--organisation', slug, '--email', LEA, '--role', 'designer'],
      { env },
    );
    expect(addAgent.stdout).toContain(`Rôle designer donné à ${LEA}`);
    expect((await run(process.execPath, [cli, 'list'], { env })).stdout).toContain(
      `${slug}  Mairie de X  — administrateurs : ${KARIM}`,
    );

    const organisation = await stack.api.get(DataSource).getRepository(Organisation).findOneByOrFail({ slug });
    const karim = await signIn('agent-karim');
    const me = (await call(karim, 'GET', '/api/v1/me')).body as {
      roles: Array<{ organisationId: string; role: string }>;
    };
    expect(me.roles).toContainEqual(expect.objectContaining({ organisationId: organisation.id, role: 'admin' }));
    const profile = await call(karim, 'GET', `/api/v1/organisations/${organisation.id}`);
    expect(profile.body).toMatchObject({ slug, name: 'Mairie de X' });
    expect(
      (
        await call(karim, 'PUT', `/api/v1/organisations/${organisation.id}`, {
          name: 'Mairie de X-sur-Loire',
          accentColor: '#18753c',
        })
      ).status,
    ).toBe(200);
  }, 120_000);
});
