import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { organisationId } from '@guichet/shared';
import { startMailCatcher, type MailCatcher } from '@guichet/mail-catcher';
import { createDataSource, seedDemoAgents, seedDemoOrganisation } from '@guichet/persistence';
import { canteenDefinition } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../support/database';
import { signInEnv, startIdp, type RunningIdp } from '../support/idp';
import { DIST, GiveUp, freePort, stopProcess, waitUntil } from '../support/processes';

/** The citizen of this journey, as the bundled identity provider knows her (apps/idp/src/identities.ts). */
const CITIZEN = {
  sub: 'citoyen-helene-gerard-loeuillet',
  givenNames: ['Hélène', 'Éloïse'],
  familyNames: ['GÉRARD-LŒUILLET', 'Gérard', 'Lœuillet'],
  birthdate: ['1954-01-15', '15/01/1954', '15-01-1954', '15.01.1954', '19540115'],
  birthplace: '2A004',
  email: 'helene.gerard@example.fr',
};
const CASEWORKER = { sub: 'agent-lea', names: ['Fontaine'], email: 'lea.fontaine@mairie-de-demo.fr' };
/** Answers and texts the journey writes: each distinctive enough that a hit can only be a leak. */
const TEXTS = {
  child: 'Zéphyrine',
  phone: '0612345678',
  allergy: 'Allergie sévère aux noix de pécan et au sésame',
  badEmail: 'helene.gerard@exemple-invalide',
  filename: 'certificat-allergie-zephyrine.pdf',
  message: 'Bonjour, le certificat du docteur Quenouille est joint.',
  note: 'Famille connue du service, dossier Quenouille complet.',
  comment: 'Inscription validée pour Zéphyrine avec repas sans sésame.',
};

/**
 * Personal data never reaches a log: the API and the worker run as built,
 * at the most talkative level (debug), with their standard output and error
 * written to files; a whole journey goes through them (a citizen signs in
 * through the bundled FranceConnect-like provider, drafts, fails a
 * validation, uploads a file, submits, writes a message; a caseworker signs
 * in, searches, reads, notes, decides; emails go out). Then every captured
 * line is searched for the people's names, birth dates in several formats,
 * emails, and the free text of the answers.
 */
describe('personal data in logs', () => {
  jest.setTimeout(120_000);

  const children: ChildProcess[] = [];
  let logDir: string;
  let database: TestDatabase | undefined;
  let dataSource: DataSource | undefined;
  let idp: RunningIdp | undefined;
  let mail: MailCatcher | undefined;
  let base: string;
  const slug = `cantine-journaux-${randomBytes(3).toString('hex')}`;

  function startNode(name: 'api' | 'worker', env: Record<string, string>): ChildProcess {
    const fd = openSync(join(logDir, `${name}.log`), 'a');
    const child = spawn(process.execPath, [join(DIST, 'apps', name, 'src', 'main.js')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', fd, fd, 'ipc'],
    });
    closeSync(fd);
    children.push(child);
    return child;
  }

  const logOf = (name: 'api' | 'worker') => readFileSync(join(logDir, `${name}.log`), 'utf8');

  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), 'guichet-logs-'));
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.url, poolSize: 2, applicationName: 'guichet-logs-test' });
    await dataSource.initialize();
    const demo = await seedDemoOrganisation(dataSource);
    await seedDemoAgents(dataSource, demo.id);
    mail = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startIdp({ redirectUris: [`${base}/auth/callback`], postLogoutRedirectUris: [`${base}/`] });
    const env = {
      NODE_ENV: 'test',
      PORT: String(port),
      PUBLIC_URL: base,
      DATABASE_URL: database.url,
      QUEUE_BACKEND: 'redis',
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: `logs${randomBytes(4).toString('hex')}`,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`,
      LOG_LEVEL: 'debug',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'guichet-logs-data-')),
      ...signInEnv(idp.issuer, idp.secret),
    };
    const api = startNode('api', env);
    startNode('worker', env);
    await waitUntil('API ready', 60_000, async () => {
      if (api.exitCode !== null) throw new GiveUp(`API exited: ${logOf('api')}`);
      return (await fetch(`${base}/health/ready`)).status === 200 || undefined;
    });

    const { token } = await new ApiTokenService(dataSource).issue({
      organisationId: organisationId(demo.id),
      name: 'journaux',
      role: 'designer',
    });
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const definition = canteenDefinition();
    definition.settings.signIn = 'required';
    const created = await fetch(`${base}/api/v1/services`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ slug, title: 'Cantine (journaux)', organisationId: demo.id, definition }),
    });
    expect(created.status).toBe(201);
    expect((await fetch(`${base}/api/v1/services/${slug}/publish`, { method: 'POST', headers: auth })).status).toBe(
      201,
    );
  }, 90_000);

  afterAll(async () => {
    await Promise.allSettled(children.map((c) => stopProcess(c, 'SIGTERM', 10_000)));
    await Promise.allSettled([
      idp?.stop(),
      mail?.close(),
      dataSource?.isInitialized ? dataSource.destroy() : undefined,
    ]);
    await database?.drop();
    if (logDir) await rm(logDir, { recursive: true, force: true });
  });

  /** Signs in through the bundled provider, as a browser does; returns a JSON caller with its cookies. */
  async function signIn(as: 'citizen' | 'agent', identity: string) {
    const client = new CookieClient();
    const start = await client.request(`${base}/auth/login?as=${as}`);
    expect(start.status).toBe(302);
    const login = await client.follow(start.headers.get('location')!);
    const posted = await client.postForm(`${login.url}/login`, { identity });
    const callback = await client.follow(
      new URL(posted.headers.get('location')!, login.url).toString(),
      `${base}/auth/callback`,
    );
    expect((await client.request(callback.url)).status).toBe(303);
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await client.request(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': client.cookie(base, 'csrf_token') ?? '' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
    };
    return { client, call };
  }

  it('keeps names, birth dates, emails and answers out of the API and worker logs through a whole journey', async () => {
    const citizen = await signIn('citizen', CITIZEN.sub);
    const me = await citizen.call('GET', '/api/v1/me');
    expect(me.body).toMatchObject({ givenName: 'Hélène Éloïse', familyName: 'GÉRARD-LŒUILLET' });

    const answers = {
      parent: {
        firstName: CITIZEN.givenNames[0],
        email: CITIZEN.email,
        phone: TEXTS.phone,
        postalCode: '45000',
      },
      children: [{ firstName: TEXTS.child, school: 'jules-ferry', eatsPork: false, substitute: 'poisson' }],
      hasAllergy: 'oui',
      allergyDetails: TEXTS.allergy,
    };
    const draft = await citizen.call('POST', `/api/v1/public/services/${slug}/submissions`, { data: answers });
    expect(draft.status).toBe(201);
    const id = String(draft.body.id);
    // The family name is prefilled, locked, from FranceConnect.
    expect(draft.body.data).toMatchObject({ parent: { lastName: 'GÉRARD-LŒUILLET' } });

    // A refused save: the invalid answer travels in the request and in the 422, never in a log line.
    const invalid = await citizen.call('PATCH', `/api/v1/submissions/${id}`, {
      data: { ...answers, parent: { ...answers.parent, email: TEXTS.badEmail } },
    });
    expect(invalid.status).toBe(422);

    const form = new FormData();
    form.append('pointer', '/certificate');
    form.append('file', new Blob([Buffer.from(`%PDF-1.4\n${TEXTS.allergy}\n%%EOF\n`)]), TEXTS.filename);
    const uploaded = await citizen.client.request(`${base}/api/v1/submissions/${id}/attachments`, {
      method: 'POST',
      headers: { 'x-csrf-token': citizen.client.cookie(base, 'csrf_token')! },
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const { attachmentId } = (await uploaded.json()) as { attachmentId: string };
    const saved = await citizen.call('PATCH', `/api/v1/submissions/${id}`, {
      data: { ...answers, parent: { ...answers.parent, lastName: 'GÉRARD-LŒUILLET' }, certificate: attachmentId },
    });
    expect(saved.status).toBe(200);
    const submitted = await citizen.call('POST', `/api/v1/submissions/${id}/submit`, {});
    expect(submitted.status).toBe(200);
    const reference = String(submitted.body.reference);
    expect((await citizen.client.request(`${base}/api/v1/submissions/${id}/receipt.pdf`)).status).toBe(200);
    expect((await citizen.call('POST', `/api/v1/submissions/${id}/messages`, { body: TEXTS.message })).status).toBe(
      201,
    );

    const lea = await signIn('agent', CASEWORKER.sub);
    const search = await lea.call('GET', `/api/v1/services/${slug}/inbox?q=${encodeURIComponent('GÉRARD')}`);
    expect(search.status).toBe(200);
    expect((search.body.items as Array<{ id: string }>).map((i) => i.id)).toEqual([id]);
    expect((await lea.call('GET', `/api/v1/services/${slug}/submissions/${id}`)).status).toBe(200);
    expect((await lea.call('POST', `/api/v1/submissions/${id}/notes`, { body: TEXTS.note })).status).toBe(201);
    const review = await lea.call('POST', `/api/v1/submissions/${id}/transitions`, { transition: 'start_review' });
    expect(review.status).toBe(200);
    const accepted = await lea.call('POST', `/api/v1/submissions/${id}/transitions`, {
      transition: 'accept',
      comment: TEXTS.comment,
      expectedRevision: review.body.revision,
    });
    expect(accepted.status).toBe(200);
    const exported = await lea.client.request(`${base}/api/v1/services/${slug}/export?format=csv`);
    expect(exported.status).toBe(200);
    expect(await exported.text()).toContain(TEXTS.allergy);

    // The receipt and the decision reach the citizen: the worker did its part of the journey.
    await waitUntil('the receipt and the decision', 30_000, () => {
      const mine = mail!.messages().filter((m) => m.to.includes(CITIZEN.email) && m.text.includes(reference));
      return mine.length >= 2 || undefined;
    });

    // Logs are flushed when the processes stop.
    await Promise.all(children.map((c) => stopProcess(c, 'SIGTERM', 10_000)));
    const logs = { api: logOf('api'), worker: logOf('worker') };
    const lines = Object.entries(logs).flatMap(([name, text]) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => ({ name, line })),
    );
    const needles = [
      ...CITIZEN.givenNames,
      ...CITIZEN.familyNames,
      ...CITIZEN.birthdate,
      CITIZEN.email,
      ...CASEWORKER.names,
      CASEWORKER.email,
      ...Object.values(TEXTS),
    ];
    const hits = lines.flatMap(({ name, line }) => [
      ...needles
        .filter((n) => line.toLowerCase().includes(n.toLowerCase()))
        .map((n) => `${name}: «${n}» in ${line.slice(0, 300)}`),
      // Case-sensitive: a lower-case "2a004" may well be part of a request id.
      ...(line.includes(CITIZEN.birthplace) ? [`${name}: «${CITIZEN.birthplace}» in ${line.slice(0, 300)}`] : []),
    ]);
    process.stdout.write(
      `\n[logs-pii] ${lines.length} log lines (api ${logs.api.split('\n').length - 1}, ` +
        `worker ${logs.worker.split('\n').length - 1}) searched for ${needles.length + 1} needles: ${hits.length} hits\n`,
    );
    expect(hits).toEqual([]);

    // Non-empty, and the request lines are there: a silent log proves nothing.
    expect(lines.some((l) => l.name === 'api' && l.line.includes(`"path":"/api/v1/submissions/${id}/submit"`))).toBe(
      true,
    );
    expect(lines.filter((l) => l.name === 'worker').length).toBeGreaterThan(0);
  });
});
