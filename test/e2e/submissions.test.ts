import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { ROOT } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';
import { ApiTokenService } from '@guichet/identity';

/** The text of a PDF, as poppler reads it (installed by .ci/run). */
function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');
}

/** Citizens' requests over HTTP: drafts that save themselves, submission, ownership. */
describe('citizen requests', () => {
  let stack: Stack;
  let designer: Tenant;

  const publish = async (slug: string, definition: unknown) => {
    await request(stack.url)
      .post('/api/v1/services')
      .set('Authorization', designer.auth)
      .send({ slug, title: slug, organisationId: designer.organisationId, definition })
      .expect(201);
    await request(stack.url).post(`/api/v1/services/${slug}/publish`).set('Authorization', designer.auth).expect(201);
  };

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres', worker: false });
    designer = await createTenant(stack);
    await publish('cantine-usagers', canteenDefinition());
    const voirie = JSON.parse(readFileSync(join(ROOT, 'forms/signaler-un-probleme-de-voirie.json'), 'utf8'));
    await publish('voirie-usagers', voirie.definition);
    const required = canteenDefinition();
    required.settings.signIn = 'required';
    await publish('cantine-connectee', required);
  });
  afterAll(() => stack?.close());

  /** A browser: cookies kept, CSRF token sent back as the web app does. */
  function browser() {
    const client = new CookieClient();
    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const csrf = client.cookie(stack.url, 'csrf_token');
      return client.request(`${stack.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}), ...headers },
        body: body === undefined || method === 'GET' ? undefined : JSON.stringify(body),
      });
    };
    return { client, call };
  }

  it('lets an anonymous citizen draft, autosave, submit once with an Idempotency-Key, and find it again', async () => {
    const karim = browser();
    const created = await karim.call('POST', '/api/v1/public/services/cantine-usagers/submissions', {
      data: { hasAllergy: 'non' },
    });
    expect(created.status).toBe(201);
    const draft = (await created.json()) as { id: string; status: string; version: number; revision: number };
    expect(draft).toMatchObject({ status: 'draft', version: 1, revision: 1 });

    const saved = await karim.call('PATCH', `/api/v1/submissions/${draft.id}`, {
      data: validCanteenData(),
      expectedRevision: 1,
    });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ id: draft.id, revision: 2 });

    const first = await karim.call(
      'POST',
      `/api/v1/submissions/${draft.id}/submit`,
      {},
      { 'idempotency-key': 'clic-1' },
    );
    const again = await karim.call(
      'POST',
      `/api/v1/submissions/${draft.id}/submit`,
      {},
      { 'idempotency-key': 'clic-1' },
    );
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    const receipt = (await first.json()) as { reference: string; status: string };
    expect(receipt.reference).toMatch(/^GCH-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(await again.json()).toEqual(receipt);
    const otherBody = await karim.call(
      'POST',
      `/api/v1/submissions/${draft.id}/submit`,
      { autre: true },
      { 'idempotency-key': 'clic-1' },
    );
    expect(otherBody.status).toBe(422);
    expect(((await otherBody.json()) as { code: string }).code).toBe('IDEMPOTENCY_KEY_REUSED');
    const withoutKey = await karim.call('POST', `/api/v1/submissions/${draft.id}/submit`, {});
    expect(withoutKey.status).toBe(409);

    const mine = (await (await karim.call('GET', '/api/v1/me/submissions')).json()) as Array<{
      id: string;
      reference: string;
    }>;
    expect(mine).toEqual([
      expect.objectContaining({ id: draft.id, reference: receipt.reference, status: 'submitted' }),
    ]);
    const full = (await (await karim.call('GET', `/api/v1/submissions/${draft.id}`)).json()) as {
      history: Array<{ type: string }>;
      data: object;
    };
    expect(full.history.map((h) => h.type)).toEqual(['created', 'submitted']);
    expect(full.data).toEqual(validCanteenData());

    const pdf = await karim.client.request(`${stack.url}/api/v1/submissions/${draft.id}/receipt.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const text = pdfText(Buffer.from(await pdf.arrayBuffer()));
    for (const expected of [
      'Accusé de réception',
      receipt.reference,
      'cantine-usagers',
      'dépôt sans compte',
      'Marie-Claire',
      'Dubois',
      'Mange du porc : Oui',
    ]) {
      expect(text).toContain(expected);
    }
    const html = await karim.client.request(`${stack.url}/api/v1/submissions/${draft.id}/receipt.html`);
    expect(await html.text()).toContain(`<dd>${receipt.reference}</dd>`);
    expect((await browser().client.request(`${stack.url}/api/v1/submissions/${draft.id}/receipt.pdf`)).status).toBe(
      404,
    );

    const late = await karim.call('PATCH', `/api/v1/submissions/${draft.id}`, { data: validCanteenData() });
    expect(late.status).toBe(409);
    expect(((await late.json()) as { code: string }).code).toBe('NOT_A_DRAFT');

    const db = stack.api.get(DataSource);
    const rows = await db.query('SELECT topic, payload FROM outbox WHERE payload->>$1 = $2', [
      'submissionId',
      draft.id,
    ]);
    // One outbox row per action of the default workflow's "submitted" state (no webhook URL here), once;
    const eventId = expect.stringMatching(/^[0-9a-f-]{36}$/);
    expect(rows).toEqual([
      {
        topic: 'notify.email',
        payload: { submissionId: draft.id, eventId, template: 'submission_received' },
      },
      // No agent of this organisation asked to hear of each new request at once: no agents' job (see below).
    ]);
    // The "route" action is carried out by the submit itself, not by a job: the request is in its caseworker
    // group's queue at once, the routing recorded (internal) after the submit in its history.
    const [routed] = await db.query(
      `SELECT s.group_key, array_agg(e.type ORDER BY e.at) AS events,
              count(*) FILTER (WHERE e.type = 'routed' AND e.actor = 'system' AND e.visibility = 'internal') AS routed
         FROM submission s JOIN submission_event e ON e.submission_id = s.id WHERE s.id = $1 GROUP BY s.group_key`,
      [draft.id],
    );
    expect(routed).toEqual({ group_key: 'instruction', events: ['created', 'submitted', 'routed'], routed: '1' });
    await expect(
      db.query(`UPDATE submission_event SET type = 'x' WHERE submission_id = $1`, [draft.id]),
    ).rejects.toThrow(/append-only/);

    // Another person sees none of it: 404, not 403.
    const other = browser();
    await other.call('POST', '/api/v1/public/services/voirie-usagers/submissions', {});
    for (const [method, path] of [
      ['GET', `/api/v1/submissions/${draft.id}`],
      ['PATCH', `/api/v1/submissions/${draft.id}`],
      ['POST', `/api/v1/submissions/${draft.id}/submit`],
    ] as const) {
      const res = await other.call(method, path, method === 'PATCH' ? { data: {} } : {});
      expect(res.status).toBe(404);
    }
    const theirs = (await (await other.call('GET', '/api/v1/me/submissions')).json()) as Array<{ id: string }>;
    expect(theirs.map((s) => s.id)).not.toContain(draft.id);
    expect((await new CookieClient().request(`${stack.url}/api/v1/submissions/${draft.id}`)).status).toBe(404);
  });

  it('writes the agents’ job of a new request only when an agent of its organisation asked for instant emails', async () => {
    const db = stack.api.get(DataSource);
    const submitted = async () => {
      const citizen = browser();
      const created = await citizen.call('POST', '/api/v1/public/services/cantine-usagers/submissions', {
        data: validCanteenData(),
      });
      const { id } = (await created.json()) as { id: string };
      expect((await citizen.call('POST', `/api/v1/submissions/${id}/submit`, {})).status).toBe(200);
      return (await db.query(`SELECT topic FROM outbox WHERE payload->>'submissionId' = $1 ORDER BY topic`, [id])).map(
        (r: { topic: string }) => r.topic,
      );
    };
    const email = `instant-${designer.organisationId}@mairie.fr`;
    // A caseworker on the daily digest (the default): still no job.
    await db.query(`INSERT INTO agent_membership (organisation_id, email, role) VALUES ($1, $2, 'caseworker')`, [
      designer.organisationId,
      email,
    ]);
    expect(await submitted()).toEqual(['notify.email']);
    // The same caseworker chooses instant emails: the next request makes one.
    await db.query(`INSERT INTO agent_preference (email, notify) VALUES ($1, 'instant')`, [email]);
    expect(await submitted()).toEqual(['notify.agents', 'notify.email']);
    // A designer's choice does not count (they do not process requests).
    await db.query(`UPDATE agent_membership SET role = 'designer' WHERE email = $1`, [email]);
    expect(await submitted()).toEqual(['notify.email']);
  });

  it('checks what is present in a draft, everything at submit, and says where', async () => {
    const citizen = browser();
    const { id } = (await (
      await citizen.call('POST', '/api/v1/public/services/cantine-usagers/submissions', {})
    ).json()) as { id: string };
    const bad = await citizen.call('PATCH', `/api/v1/submissions/${id}`, {
      data: { parent: { email: 'pas-une-adresse' }, isAdmin: true },
    });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { code: string; errors: Array<{ pointer: string; message: string }> };
    expect(body.code).toBe('SUBMISSION_INVALID');
    expect(body.errors.map((e) => e.pointer).sort()).toEqual(['/isAdmin', '/parent/email']);

    const incomplete = await citizen.call('POST', `/api/v1/submissions/${id}/submit`, {});
    expect(incomplete.status).toBe(422);
    const missing = ((await incomplete.json()) as { errors: Array<{ pointer: string; code: string }> }).errors;
    expect(missing).toEqual(
      expect.arrayContaining([expect.objectContaining({ pointer: '/parent', code: 'required' })]),
    );

    const outside = validCanteenData();
    (outside.parent as Record<string, unknown>).postalCode = '75001';
    expect((await citizen.call('PATCH', `/api/v1/submissions/${id}`, { data: outside })).status).toBe(200);
    const ineligible = await citizen.call('POST', `/api/v1/submissions/${id}/submit`, {});
    expect(ineligible.status).toBe(422);
    expect(((await ineligible.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe(
      'eligibility:hors-commune',
    );

    const noCsrf = await citizen.client.request(`${stack.url}/api/v1/submissions/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: {} }),
    });
    expect(noCsrf.status).toBe(403);
  });

  it('takes files checked by content and size, serves them to the owner only, and carries messages', async () => {
    const marie = browser();
    const upload = (
      who: ReturnType<typeof browser>,
      id: string,
      pointer: string,
      bytes: Buffer,
      name = 'certificat.pdf',
    ) => {
      const form = new FormData();
      form.append('pointer', pointer);
      form.append('file', new Blob([bytes]), name);
      const csrf = who.client.cookie(stack.url, 'csrf_token');
      return who.client.request(`${stack.url}/api/v1/submissions/${id}/attachments`, {
        method: 'POST',
        headers: csrf ? { 'x-csrf-token': csrf } : {},
        body: form,
      });
    };
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 0x20), Buffer.from('\n%%EOF\n')]);
    const { id } = (await (
      await marie.call('POST', '/api/v1/public/services/cantine-usagers/submissions', {})
    ).json()) as { id: string };

    const ok = await upload(marie, id, '/certificate', pdf);
    expect(ok.status).toBe(201);
    const { attachmentId, mediaType } = (await ok.json()) as { attachmentId: string; mediaType: string };
    expect(mediaType).toBe('application/pdf');

    const exe = await upload(
      marie,
      id,
      '/certificate',
      Buffer.concat([Buffer.from('MZ'), Buffer.alloc(500)]),
      'certificat.pdf',
    );
    expect(exe.status).toBe(422);
    expect(((await exe.json()) as { code: string }).code).toBe('FILE_TYPE_NOT_ACCEPTED');
    const big = await upload(
      marie,
      id,
      '/certificate',
      Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(6 * 1024 * 1024)]),
    );
    expect(big.status).toBe(413);
    const huge = await upload(
      marie,
      id,
      '/certificate',
      Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(50 * 1024 * 1024)]),
    );
    expect(huge.status).toBe(413);
    expect((await upload(marie, id, '/allergyDetails', pdf)).status).toBe(400);

    const intruder = browser();
    const { id: theirs } = (await (
      await intruder.call('POST', '/api/v1/public/services/cantine-usagers/submissions', {})
    ).json()) as { id: string };
    expect((await upload(intruder, id, '/certificate', pdf)).status).toBe(404);
    expect((await intruder.call('GET', `/api/v1/submissions/${id}/attachments/${attachmentId}`)).status).toBe(404);

    // Referring to someone else's file is refused at submit, where the answers say which.
    const forged = { ...validCanteenData(), hasAllergy: 'oui', allergyDetails: 'arachide', certificate: attachmentId };
    expect((await intruder.call('PATCH', `/api/v1/submissions/${theirs}`, { data: forged })).status).toBe(200);
    const refused = await intruder.call('POST', `/api/v1/submissions/${theirs}/submit`, {});
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { errors: Array<{ pointer: string }> }).errors).toEqual([
      expect.objectContaining({ pointer: '/certificate', code: 'x-file' }),
    ]);

    expect((await marie.call('POST', `/api/v1/submissions/${id}/messages`, { body: 'Bonjour' })).status).toBe(409);
    expect((await marie.call('PATCH', `/api/v1/submissions/${id}`, { data: forged })).status).toBe(200);
    expect((await marie.call('POST', `/api/v1/submissions/${id}/submit`, {})).status).toBe(200);
    const download = await marie.call('GET', `/api/v1/submissions/${id}/attachments/${attachmentId}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
    // The service's caseworkers may read it too; other organisations' may not.
    const caseworker = await new ApiTokenService(stack.api.get(DataSource)).issue({
      organisationId: designer.organisationId,
      name: 'instruction',
      role: 'caseworker',
    });
    const asCaseworker = await request(stack.url)
      .get(`/api/v1/services/cantine-usagers/submissions/${id}/attachments/${attachmentId}`)
      .set('Authorization', `Bearer ${caseworker.token}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(asCaseworker.status).toBe(200);
    expect((asCaseworker.body as Buffer).equals(pdf)).toBe(true);
    const outsider = await createTenant(stack, 'caseworker');
    expect(
      (
        await request(stack.url)
          .get(`/api/v1/services/cantine-usagers/submissions/${id}/attachments/${attachmentId}`)
          .set('Authorization', outsider.auth)
      ).status,
    ).toBe(404);

    expect((await marie.call('POST', `/api/v1/submissions/${id}/messages`, { body: '   ' })).status).toBe(400);
    const sent = await marie.call('POST', `/api/v1/submissions/${id}/messages`, {
      body: 'Voici le certificat médical demandé.',
    });
    expect(sent.status).toBe(201);
    const view = (await (await marie.call('GET', `/api/v1/submissions/${id}`)).json()) as {
      messages: Array<{ from: string; body: string }>;
      history: Array<{ type: string }>;
    };
    expect(view.messages).toEqual([
      expect.objectContaining({ from: 'citizen', body: 'Voici le certificat médical demandé.' }),
    ]);
    expect(view.history.map((h) => h.type)).toEqual(['created', 'submitted', 'message_sent']);
    expect((await intruder.call('POST', `/api/v1/submissions/${id}/messages`, { body: 'Coucou' })).status).toBe(404);
  });

  it('answers concurrent submits with one Idempotency-Key, whose first attempt fails, with 4xx only', async () => {
    const citizen = browser();
    const { id } = (await (
      await citizen.call('POST', '/api/v1/public/services/cantine-usagers/submissions', {})
    ).json()) as { id: string };
    const statuses = await Promise.all(
      Array.from(
        { length: 12 },
        async () =>
          (await citizen.call('POST', `/api/v1/submissions/${id}/submit`, {}, { 'idempotency-key': 'meme-cle' }))
            .status,
      ),
    );
    expect(statuses.every((s) => s === 409 || s === 422)).toBe(true);
    expect(statuses).toContain(422);
  });

  it('lets exactly one of concurrent autosaves on the same revision win', async () => {
    const citizen = browser();
    const { id } = (await (
      await citizen.call('POST', '/api/v1/public/services/voirie-usagers/submissions', {})
    ).json()) as { id: string };
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        citizen.call('PATCH', `/api/v1/submissions/${id}`, { data: {}, expectedRevision: 1 }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
  });

  it('saves every one of concurrent autosaves that name no revision, each as its own revision, none lost', async () => {
    const citizen = browser();
    const { id } = (await (
      await citizen.call('POST', '/api/v1/public/services/voirie-usagers/submissions', {})
    ).json()) as { id: string };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => citizen.call('PATCH', `/api/v1/submissions/${id}`, { data: {} })),
    );
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 200));
    const revisions = await Promise.all(results.map(async (r) => ((await r.json()) as { revision: number }).revision));
    expect(revisions.sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('requires sign-in where the service does, and refuses unknown or closed services', async () => {
    const anonymous = browser();
    expect((await anonymous.call('POST', '/api/v1/public/services/cantine-connectee/submissions', {})).status).toBe(
      401,
    );
    expect((await anonymous.call('POST', '/api/v1/public/services/inconnue/submissions', {})).status).toBe(404);
    await request(stack.url)
      .post('/api/v1/services/voirie-usagers/close')
      .set('Authorization', designer.auth)
      .send({ message: 'Fermé.' })
      .expect(200);
    const closed = await anonymous.call('POST', '/api/v1/public/services/voirie-usagers/submissions', {});
    expect(closed.status).toBe(409);
    expect(((await closed.json()) as { code: string }).code).toBe('SERVICE_CLOSED');
  });

  it('answers 10,000 random payloads at autosave and submit without a single 500', async () => {
    const started = Date.now();
    const citizen = browser();
    const { id } = (await (
      await citizen.call('POST', '/api/v1/public/services/cantine-usagers/submissions', {})
    ).json()) as { id: string };
    const samples = fc.sample(
      fc.record({
        target: fc.constantFrom('autosave', 'submit'),
        body: fc.oneof(
          fc.jsonValue(),
          fc.record({ data: fc.jsonValue() }),
          fc.record({ data: fc.object(), expectedRevision: fc.integer() }),
        ),
        key: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
      }),
      { numRuns: 10_000, seed: 20261122 },
    );
    const statuses = new Map<number, number>();
    let next = 0;
    let failed = false;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < samples.length && !failed) {
          const { target, body, key } = samples[next++]!;
          const path = target === 'autosave' ? `/api/v1/submissions/${id}` : `/api/v1/submissions/${id}/submit`;
          const headers: Record<string, string> = {};
          if (key !== undefined && /^[\x20-\x7e]*$/.test(key)) headers['idempotency-key'] = key;
          const res = await citizen.call(target === 'autosave' ? 'PATCH' : 'POST', path, body, headers);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) {
            failed = true;
            throw new Error(`${res.status} for ${JSON.stringify({ target, body, key }).slice(0, 300)}`);
          }
          await res.arrayBuffer();
        }
      }),
    );
    process.stdout.write(
      `[fuzz] 10,000 requests in ${Date.now() - started} ms: ${JSON.stringify(Object.fromEntries(statuses))}\n`,
    );
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(10_000);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
  }, 300_000);
});
