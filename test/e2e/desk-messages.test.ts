import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';

const SLUG = 'cantine-messages';
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 0x20), Buffer.from('\n%%EOF\n')]);

/** A citizen's browser: its session cookie and the CSRF double-submit. */
function citizen(stack: Stack) {
  const client = new CookieClient();
  const call = (method: string, path: string, body?: unknown) => {
    const csrf = client.cookie(stack.url, 'csrf_token');
    return client.request(`${stack.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };
  return { client, call };
}

/** Caseworkers' messages: waiting for the citizen's reply, files joined to them, and the PDF preview. */
describe('caseworker desk: messages', () => {
  let stack: Stack;
  let designer: Tenant;
  let caseworker: string;
  let owner: ReturnType<typeof citizen>;
  let other: ReturnType<typeof citizen>;
  let id: string;

  const agent = () => request(stack.url);
  const upload = (bytes: Buffer, name: string, submissionId = id) =>
    agent()
      .post(`/api/v1/submissions/${submissionId}/message-attachments`)
      .set('Authorization', caseworker)
      .attach('file', bytes, name);

  beforeAll(async () => {
    stack = await startStack({ backend: 'postgres', worker: false });
    designer = await createTenant(stack);
    const tokens = new ApiTokenService(stack.api.get(DataSource));
    caseworker = `Bearer ${(await tokens.issue({ organisationId: designer.organisationId, name: 'instruction', role: 'caseworker' })).token}`;
    await agent()
      .post('/api/v1/services')
      .set('Authorization', designer.auth)
      .send({ slug: SLUG, title: 'Cantine', organisationId: designer.organisationId, definition: canteenDefinition() })
      .expect(201);
    await agent().post(`/api/v1/services/${SLUG}/publish`).set('Authorization', designer.auth).expect(201);
    const submit = async (who: ReturnType<typeof citizen>) => {
      const draft = (await (
        await who.call('POST', `/api/v1/public/services/${SLUG}/submissions`, { data: validCanteenData() })
      ).json()) as { id: string };
      expect((await who.call('POST', `/api/v1/submissions/${draft.id}/submit`, {})).status).toBe(200);
      return draft.id;
    };
    owner = citizen(stack);
    other = citizen(stack);
    id = await submit(owner);
    await submit(other);
  });
  afterAll(() => stack?.close());

  it('marks a request as waiting for the citizen until they reply, with both in the history', async () => {
    const asked = await agent()
      .post(`/api/v1/submissions/${id}/messages`)
      .set('Authorization', caseworker)
      .send({ body: 'Merci d’envoyer le justificatif de domicile.', awaitingReply: true })
      .expect(201);
    const since = asked.body.awaitingReplySince as string;
    expect(Date.parse(since)).toBeGreaterThan(Date.now() - 60_000);

    // Asking again keeps the date of the first question.
    const again = await agent()
      .post(`/api/v1/submissions/${id}/messages`)
      .set('Authorization', caseworker)
      .send({ body: 'Relance.', awaitingReply: true })
      .expect(201);
    expect(again.body.awaitingReplySince).toBe(since);

    const file = await agent().get(`/api/v1/services/${SLUG}/submissions/${id}`).set('Authorization', caseworker);
    expect(file.body.awaitingReplySince).toBe(since);
    const waiting = await agent().get(`/api/v1/services/${SLUG}/inbox?awaiting=1`).set('Authorization', caseworker);
    expect(waiting.body.items.map((i: { id: string }) => i.id)).toEqual([id]);
    expect(waiting.body.items[0].awaitingReplySince).toBe(since);
    const others = await agent().get(`/api/v1/services/${SLUG}/inbox?awaiting=0`).set('Authorization', caseworker);
    expect(others.body.items).toHaveLength(1);
    expect(others.body.items[0].id).not.toBe(id);
    const bad = await agent().get(`/api/v1/services/${SLUG}/inbox?awaiting=oui`).set('Authorization', caseworker);
    expect([bad.status, bad.body.code, bad.body.errors[0].pointer]).toEqual([400, 'INVALID_REQUEST', '/awaiting']);

    // A citizen cannot set it, nor join a file by id.
    const forged = await owner.call('POST', `/api/v1/submissions/${id}/messages`, { body: 'x', awaitingReply: true });
    expect(forged.status).toBe(400);

    expect((await owner.call('POST', `/api/v1/submissions/${id}/messages`, { body: 'Le voici.' })).status).toBe(201);
    const after = await agent().get(`/api/v1/services/${SLUG}/submissions/${id}`).set('Authorization', caseworker);
    expect(after.body.awaitingReplySince).toBeNull();
    const types = (after.body.history as Array<{ type: string; visibility: string }>)
      .filter((e) => e.type.startsWith('awaiting_reply'))
      .map((e) => [e.type, e.visibility]);
    expect(types).toEqual([
      ['awaiting_reply', 'internal'],
      ['awaiting_reply_cleared', 'internal'],
    ]);
    const none = await agent().get(`/api/v1/services/${SLUG}/inbox?awaiting=1`).set('Authorization', caseworker);
    expect(none.body.items).toEqual([]);
  });

  it('honours Idempotency-Key: the same message sent again is one message and one email; another with the key is refused', async () => {
    const ds = stack.api.get(DataSource);
    const count = async (sql: string) => Number(((await ds.query(sql, [id])) as Array<{ n: string }>)[0]!.n);
    const messages = () => count(`SELECT count(*) AS n FROM submission_message WHERE submission_id = $1`);
    const emails = () =>
      count(
        `SELECT count(*) AS n FROM outbox WHERE payload->>'submissionId' = $1 AND payload->>'template' = 'message_received'`,
      );
    const [beforeMessages, beforeEmails] = [await messages(), await emails()];
    const send = (key: string, body: string) =>
      agent()
        .post(`/api/v1/submissions/${id}/messages`)
        .set('Authorization', caseworker)
        .set('Idempotency-Key', key)
        .send({ body });
    const first = await send('cle-message-1', 'Le dossier est presque complet.').expect(201);
    // A retry after a lost answer, and one sent at the same time: the first answer again, nothing more written.
    const [again, together] = await Promise.all([
      send('cle-message-1', 'Le dossier est presque complet.'),
      send('cle-message-1', 'Le dossier est presque complet.'),
    ]);
    expect([again.status, again.body]).toEqual([201, first.body]);
    expect([together.status, together.body]).toEqual([201, first.body]);
    expect([await messages(), await emails()]).toEqual([beforeMessages + 1, beforeEmails + 1]);
    // The same key for another message: refused, in French, nothing written.
    const other = await send('cle-message-1', 'Autre chose.');
    expect([other.status, other.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(other.body.message).toMatch(/clé d’idempotence/);
    const bad = await send('clé avec espaces', 'Bonjour.');
    expect([bad.status, bad.body.code, bad.body.errors[0].code]).toEqual([400, 'INVALID_REQUEST', 'idempotency_key']);
    expect([await messages(), await emails()]).toEqual([beforeMessages + 1, beforeEmails + 1]);
    // Without a key, as before: each message is its own.
    await agent()
      .post(`/api/v1/submissions/${id}/messages`)
      .set('Authorization', caseworker)
      .send({ body: 'Relance.' })
      .expect(201);
    expect(await messages()).toBe(beforeMessages + 2);
  });

  it('joins a PDF to a message: the owner and agents download it, another citizen gets 404', async () => {
    const uploaded = await upload(PDF, 'liste des pièces.pdf').expect(201);
    expect(uploaded.body).toMatchObject({ mediaType: 'application/pdf', bytes: PDF.length });
    const attachmentId = uploaded.body.attachmentId as string;
    const sent = await agent()
      .post(`/api/v1/submissions/${id}/messages`)
      .set('Authorization', caseworker)
      .send({ body: 'Voici la liste des pièces.', attachmentId })
      .expect(201);
    expect(sent.body.attachmentId).toBe(attachmentId);
    // A file goes with one message only.
    const twice = await agent()
      .post(`/api/v1/submissions/${id}/messages`)
      .set('Authorization', caseworker)
      .send({ body: 'Encore.', attachmentId });
    expect([twice.status, twice.body.errors[0].pointer]).toEqual([400, '/attachmentId']);

    const mine = (await (await owner.call('GET', `/api/v1/submissions/${id}`)).json()) as {
      messages: Array<{ body: string; attachment: { id: string; filename: string; mediaType: string } | null }>;
    };
    const withFile = mine.messages.find((m) => m.attachment);
    expect(withFile).toMatchObject({
      body: 'Voici la liste des pièces.',
      attachment: { id: attachmentId, mediaType: 'application/pdf' },
    });
    const download = await owner.call('GET', `/api/v1/submissions/${id}/attachments/${attachmentId}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);
    expect((await other.call('GET', `/api/v1/submissions/${id}/attachments/${attachmentId}`)).status).toBe(404);

    const desk = await agent().get(`/api/v1/services/${SLUG}/submissions/${id}`).set('Authorization', caseworker);
    expect(desk.body.messages.find((m: { attachment: unknown }) => m.attachment).attachment.id).toBe(attachmentId);
    const asAgent = await agent()
      .get(`/api/v1/services/${SLUG}/submissions/${id}/attachments/${attachmentId}`)
      .set('Authorization', caseworker)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(asAgent.status).toBe(200);
    expect((asAgent.body as Buffer).equals(PDF)).toBe(true);
    expect(asAgent.headers['content-disposition']).toMatch(/^attachment;/);

    // The preview: inline, in a sandbox, never sniffed.
    const inline = await agent()
      .get(`/api/v1/services/${SLUG}/submissions/${id}/attachments/${attachmentId}?inline=1`)
      .set('Authorization', caseworker);
    expect(inline.status).toBe(200);
    expect(inline.headers['content-type']).toBe('application/pdf');
    // RFC 6266: an ASCII fallback, then the exact UTF-8 name.
    expect(inline.headers['content-disposition']).toMatch(
      /^inline; filename="liste des pieces\.pdf"; filename\*=UTF-8''liste%20des%20pi%C3%A8ces\.pdf$/,
    );
    // Sandboxed, and framed by the desk's own pages only (the preview), never by another site.
    expect(inline.headers['content-security-policy']).toBe("sandbox; default-src 'none'; frame-ancestors 'self'");
    expect(inline.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(inline.headers['x-content-type-options']).toBe('nosniff');
    // Citizens' downloads are never inline.
    const citizenInline = await owner.call('GET', `/api/v1/submissions/${id}/attachments/${attachmentId}?inline=1`);
    expect(citizenInline.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it('refuses a file of another type with the standard error body, and citizens and strangers', async () => {
    const exe = await upload(Buffer.concat([Buffer.from('MZ'), Buffer.alloc(500)]), 'liste.pdf');
    expect(exe.status).toBe(422);
    expect(exe.body).toMatchObject({
      code: 'FILE_TYPE_NOT_ACCEPTED',
      message: expect.stringContaining('application/pdf'),
    });
    expect(Object.keys(exe.body).sort()).toEqual(['code', 'message']);
    const big = await upload(Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024)]), 'gros.pdf');
    expect([big.status, big.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const noFile = await agent()
      .post(`/api/v1/submissions/${id}/message-attachments`)
      .set('Authorization', caseworker)
      .field('body', 'x');
    expect([noFile.status, noFile.body.code]).toEqual([400, 'INVALID_REQUEST']);

    const form = new FormData();
    form.append('file', new Blob([PDF]), 'x.pdf');
    const csrf = owner.client.cookie(stack.url, 'csrf_token');
    const byCitizen = await owner.client.request(`${stack.url}/api/v1/submissions/${id}/message-attachments`, {
      method: 'POST',
      headers: csrf ? { 'x-csrf-token': csrf } : {},
      body: form,
    });
    expect(byCitizen.status).toBe(401);
    const stranger = await createTenant(stack, 'caseworker');
    const foreign = await agent()
      .post(`/api/v1/submissions/${id}/message-attachments`)
      .set('Authorization', stranger.auth)
      .attach('file', PDF, 'x.pdf');
    expect(foreign.status).toBe(404);
  });
});
