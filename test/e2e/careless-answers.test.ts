import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { startStack, type Stack } from '../support/stack';
import { createTenant, publishService, type Tenant } from '../support/tenant';

/**
 * What careless and hostile citizens and caseworkers type that the earlier checks let through: a phone keyboard's
 * trailing space, a name « answered » with spaces or zero-width characters, half a surrogate pair, an empty file, a
 * day the calendar lacks. Each over real HTTP, each failing before its fix.
 */
describe('careless answers', () => {
  let stack: Stack;
  let designer: Tenant;
  let caseworker: string;
  const SLUG = 'cantine-distraite';

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres', worker: false, env: { RATE_LIMITS: 'off' } });
    designer = await createTenant(stack, 'admin');
    const definition = canteenDefinition();
    const properties = definition.schema.properties as Record<string, unknown>;
    properties.remarks = { type: 'string', title: 'Remarques' };
    properties.mood = { type: 'string', title: 'Humeur', enum: ['Oui ', 'Non'] };
    definition.pages[0]!.fields.push('remarks', 'mood');
    await publishService(stack.url, designer, { slug: SLUG, title: 'Cantine', definition });
    const issued = await new ApiTokenService(stack.api.get(DataSource)).issue({
      organisationId: designer.organisationId,
      name: 'instruction',
      role: 'caseworker',
    });
    caseworker = `Bearer ${issued.token}`;
  });
  afterAll(() => stack?.close());

  /** A browser: cookies kept, the CSRF token sent back as the web app does. */
  function browser() {
    const client = new CookieClient();
    const call = async (method: string, path: string, body?: unknown) => {
      const csrf = client.cookie(stack.url, 'csrf_token');
      const res = await client.request(`${stack.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: body === undefined || method === 'GET' ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
    };
    const upload = async (id: string, bytes: Buffer, name: string) => {
      const form = new FormData();
      form.append('pointer', '/certificate');
      form.append('file', new Blob([new Uint8Array(bytes)]), name);
      const csrf = client.cookie(stack.url, 'csrf_token');
      const res = await client.request(`${stack.url}/api/v1/submissions/${id}/attachments`, {
        method: 'POST',
        headers: csrf ? { 'x-csrf-token': csrf } : {},
        body: form,
      });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return { status: res.status, body: (await res.json()) as any };
    };
    return { client, call, upload };
  }

  async function draft(who: ReturnType<typeof browser>): Promise<string> {
    const created = await who.call('POST', `/api/v1/public/services/${SLUG}/submissions`, {});
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  it('takes a postal code with a phone keyboard’s trailing space, and stores every text trimmed', async () => {
    const karim = browser();
    const id = await draft(karim);
    const data = validCanteenData() as { parent: Record<string, string>; children: Array<Record<string, unknown>> };
    data.parent.postalCode = '45000 ';
    data.parent.firstName = '\u200b Marie-Claire\n';
    data.children[0]!.firstName = '  Léo 😀 ';
    const saved = await karim.call('PATCH', `/api/v1/submissions/${id}`, {
      data: { ...data, remarks: ' Sans gluten ', mood: 'Oui ' },
    });
    expect(saved.status).toBe(200);
    // The eligibility rule reads « 45000 » too: the request is filed.
    const sent = await karim.call('POST', `/api/v1/submissions/${id}/submit`, {});
    expect(sent.status).toBe(200);
    const stored = await karim.call('GET', `/api/v1/submissions/${id}`);
    expect(stored.body.data.parent).toMatchObject({ postalCode: '45000', firstName: 'Marie-Claire' });
    expect(stored.body.data.children[0].firstName).toBe('Léo 😀');
    expect(stored.body.data.remarks).toBe('Sans gluten');
    // A choice whose value the designer wrote with a space keeps it: it must stay one of the choices.
    expect(stored.body.data.mood).toBe('Oui ');
  });

  it('takes a required text of spaces or zero-width characters as unanswered: saved as such, refused at submit with its pointer', async () => {
    const marie = browser();
    const id = await draft(marie);
    const data = validCanteenData() as { parent: Record<string, string> };
    data.parent.lastName = '   ';
    data.parent.firstName = '\u200b\u200b';
    expect((await marie.call('PATCH', `/api/v1/submissions/${id}`, { data: { ...data, remarks: ' ' } })).status).toBe(
      200,
    );
    const stored = await marie.call('GET', `/api/v1/submissions/${id}`);
    expect(stored.body.data.parent).not.toHaveProperty('lastName');
    expect(stored.body.data).not.toHaveProperty('remarks');
    const sent = await marie.call('POST', `/api/v1/submissions/${id}/submit`, {});
    expect(sent.status).toBe(422);
    expect(sent.body.code).toBe('SUBMISSION_INVALID');
    expect(sent.body.errors).toEqual([
      { pointer: '/parent/lastName', code: 'required', message: expect.stringMatching(/obligatoire/) },
      { pointer: '/parent/firstName', code: 'required', message: expect.stringMatching(/obligatoire/) },
    ]);
    expect((await marie.call('GET', `/api/v1/submissions/${id}`)).body.status).toBe('draft');
  });

  it('refuses half a surrogate pair with a 400 and its pointer, never a 500, and keeps the draft as saved', async () => {
    const lea = browser();
    const id = await draft(lea);
    expect((await lea.call('PATCH', `/api/v1/submissions/${id}`, { data: { remarks: 'avant' } })).status).toBe(200);
    for (const remarks of ['a\ud800b', 'fin \ud83d', '\udc00début']) {
      const refused = await lea.call('PATCH', `/api/v1/submissions/${id}`, { data: { remarks } });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        code: 'UNPAIRED_SURROGATE',
        message: expect.stringMatching(/caractère incomplet/),
        errors: [{ pointer: '/data/remarks', code: 'UNPAIRED_SURROGATE' }],
      });
    }
    // A whole pair (an emoji) is a character like any other.
    expect((await lea.call('PATCH', `/api/v1/submissions/${id}`, { data: { remarks: 'après 😀' } })).status).toBe(200);
    expect((await lea.call('GET', `/api/v1/submissions/${id}`)).body.data.remarks).toBe('après 😀');
    // Every route: a designer's title, through the same walk of the body.
    const definition = canteenDefinition();
    definition.schema.title = 'Cantine \udfff';
    const put = await request(stack.url)
      .put(`/api/v1/services/${SLUG}/draft`)
      .set('Authorization', designer.auth)
      .set('content-type', 'application/json')
      .send(JSON.stringify(definition));
    expect(put.status).toBe(400);
    expect(put.body).toMatchObject({ code: 'UNPAIRED_SURROGATE', errors: [{ pointer: '/schema/title' }] });
  });

  it('says an empty file is empty, not that its type is refused', async () => {
    const paul = browser();
    const id = await draft(paul);
    const empty = await paul.upload(id, Buffer.alloc(0), 'certificat.pdf');
    expect(empty.status).toBe(422);
    expect(empty.body).toEqual({
      code: 'FILE_EMPTY',
      message: expect.stringMatching(/^Ce fichier est vide \(0 octet\)/),
    });
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(100, 0x20), Buffer.from('\n%%EOF\n')]);
    expect((await paul.upload(id, pdf, 'certificat.pdf')).status).toBe(201);
  });

  it('keeps and serves a file under a name ending as its content: a PDF named .exe, or without extension, or too long', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(100, 0x20), Buffer.from('\n%%EOF\n')]);
    for (const [sent, kept] of [
      ['certificat.exe', 'certificat.exe.pdf'],
      ['certificat', 'certificat.pdf'],
      [`${'a'.repeat(300)}.pdf`, `${'a'.repeat(196)}.pdf`],
    ]) {
      const anne = browser();
      const id = await draft(anne);
      const uploaded = await anne.upload(id, pdf, sent!);
      expect(uploaded.status).toBe(201);
      const data = {
        ...validCanteenData(),
        hasAllergy: 'oui',
        allergyDetails: 'arachide',
        certificate: uploaded.body.attachmentId,
      };
      expect((await anne.call('PATCH', `/api/v1/submissions/${id}`, { data })).status).toBe(200);
      expect((await anne.call('POST', `/api/v1/submissions/${id}/submit`, {})).status).toBe(200);
      const download = await request(stack.url)
        .get(`/api/v1/services/${SLUG}/submissions/${id}/attachments/${uploaded.body.attachmentId}`)
        .set('Authorization', caseworker);
      expect(download.status).toBe(200);
      expect(download.headers['content-disposition']).toContain(`filename="${kept}"`);
    }
  });

  it('refuses a day the calendar lacks in the inbox’s dates, as in its answer filters', async () => {
    for (const [name, value] of [
      ['from', '2025-02-31'],
      ['to', '2025-02-29'],
      ['from', '2025-04-31T10:00:00Z'],
    ] as const) {
      const res = await request(stack.url)
        .get(`/api/v1/services/${SLUG}/inbox?${name}=${encodeURIComponent(value)}`)
        .set('Authorization', caseworker);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ pointer: `/${name}` }] });
    }
    for (const value of ['2024-02-29', '2025-03-31T23:59:59+02:00']) {
      const res = await request(stack.url)
        .get(`/api/v1/services/${SLUG}/inbox?from=${encodeURIComponent(value)}`)
        .set('Authorization', caseworker);
      expect(res.status).toBe(200);
    }
  });

  it('takes a message, a note or a motivation of spaces and zero-width characters as empty, as it takes « »', async () => {
    const claire = browser();
    const id = await draft(claire);
    expect((await claire.call('PATCH', `/api/v1/submissions/${id}`, { data: validCanteenData() })).status).toBe(200);
    expect((await claire.call('POST', `/api/v1/submissions/${id}/submit`, {})).status).toBe(200);
    const desk = (method: 'post' | 'get', path: string, body?: object) =>
      method === 'get'
        ? request(stack.url).get(path).set('Authorization', caseworker)
        : request(stack.url).post(path).set('Authorization', caseworker).send(body);
    for (const blank of ['   ', '\u200b', ' \u200b\u2060\n']) {
      const fromCitizen = await claire.call('POST', `/api/v1/submissions/${id}/messages`, { body: blank });
      expect(fromCitizen.status).toBe(400);
      expect(fromCitizen.body.errors[0]).toMatchObject({ pointer: '/body' });
      for (const kind of ['messages', 'notes']) {
        const fromDesk = await desk('post', `/api/v1/submissions/${id}/${kind}`, { body: blank });
        expect(fromDesk.status).toBe(400);
        expect(fromDesk.body.errors[0]).toMatchObject({ pointer: '/body' });
      }
    }
    expect((await desk('post', `/api/v1/submissions/${id}/transitions`, { transition: 'start_review' })).status).toBe(
      200,
    );
    for (const blank of ['   ', '\u200b', '\u200b\u200d ']) {
      const refused = await desk('post', `/api/v1/submissions/${id}/transitions`, {
        transition: 'reject',
        comment: blank,
      });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: 'COMMENT_REQUIRED', errors: [{ pointer: '/comment' }] });
    }
    const view = await desk('get', `/api/v1/services/${SLUG}/submissions/${id}`);
    expect(view.body).toMatchObject({ status: 'in_review', messages: [], notes: [] });
    const motivated = await desk('post', `/api/v1/submissions/${id}/transitions`, {
      transition: 'reject',
      comment: '\u200b Pièce manquante. ',
    });
    expect(motivated.status).toBe(200);
    const history = (
      (await desk('get', `/api/v1/services/${SLUG}/submissions/${id}`)).body.history as Array<{
        type: string;
        toStatus?: string;
        comment: string | null;
      }>
    ).filter((h) => h.type !== 'consulted');
    expect(history.at(-1)).toMatchObject({ comment: 'Pièce manquante.' });
    expect(history.filter((h) => h.comment?.includes('Pièce'))).toHaveLength(1);
  });

  it('refuses a service title, a closing message or a token name that shows nothing, with its pointer', async () => {
    const created = await request(stack.url)
      .post('/api/v1/services')
      .set('Authorization', designer.auth)
      .send({ slug: 'sans-titre', title: '\u200b ', organisationId: designer.organisationId });
    expect(created.status).toBe(400);
    expect(created.body.errors).toEqual([expect.objectContaining({ pointer: '/title', code: 'notBlank' })]);
    const closed = await request(stack.url)
      .post(`/api/v1/services/${SLUG}/close`)
      .set('Authorization', designer.auth)
      .send({ message: '\u200b\u200b' });
    expect(closed.status).toBe(400);
    expect(closed.body.errors).toEqual([expect.objectContaining({ pointer: '/message', code: 'notBlank' })]);
    const token = await request(stack.url)
      .post('/api/v1/tokens')
      .set('Authorization', designer.auth)
      .send({ organisationId: designer.organisationId, name: '   ', role: 'caseworker' });
    expect(token.status).toBe(400);
    expect(token.body.errors).toEqual([expect.objectContaining({ pointer: '/name', code: 'notBlank' })]);
    // The service is still open.
    expect((await request(stack.url).get(`/api/v1/public/services/${SLUG}`)).status).toBe(200);
  });
});
