import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '@guichet/mail-catcher';
import { followLinkKey, followToken } from '@guichet/submissions';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { pdfInfo, pdfText } from '../support/pdf';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant } from '../support/tenant';

/**
 * Karim filed without an account; his receipt email promises he can follow
 * the request « à tout moment ». Its link opens it from any browser, read
 * only, without ever telling a stranger whether a request exists: a wrong,
 * forged, revoked or expired link is the same 404 as none, and the routes are
 * rate-limited. Each test speaks from its own client address (X-Forwarded-For,
 * trusted from loopback here) so the rate limit counts each apart.
 */
describe('follow links', () => {
  let stack: Stack;
  let designer: Tenant;
  let caseworker: string;
  let mail: MailCatcher;
  const FOLLOW_LIMIT = 25;

  beforeAll(async () => {
    mail = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
    stack = await startStack({
      backend: 'redis',
      env: {
        SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`,
        RETRY_DELAY_SCALE: '0.001',
        TRUST_PROXY: 'loopback',
        RATE_LIMIT_FOLLOW_PER_IP: String(FOLLOW_LIMIT),
      },
    });
    designer = await createTenant(stack);
    caseworker = `Bearer ${
      (
        await new ApiTokenService(stack.api.get(DataSource)).issue({
          organisationId: designer.organisationId,
          name: 'instruction',
          role: 'caseworker',
        })
      ).token
    }`;
    const definition = canteenDefinition();
    definition.settings.prefill = [];
    definition.settings.receipt = {
      silenceMeans: 'rejection',
      delayDays: 15,
      appeals: { court: 'le tribunal administratif d’Orléans' },
    };
    await request(stack.url)
      .post('/api/v1/services')
      .set('Authorization', designer.auth)
      .send({ slug: 'cantine-suivi', title: 'Cantine (suivi)', organisationId: designer.organisationId, definition })
      .then((r) => expect([r.status, r.body.errors]).toEqual([201, undefined]));
    await request(stack.url)
      .post('/api/v1/services/cantine-suivi/publish')
      .set('Authorization', designer.auth)
      .expect(201);
  });
  afterAll(async () => {
    await stack?.close();
    await mail?.close();
  });

  /** A browser of its own (cookies, CSRF header as the web app sends it), from address `ip`. */
  function browser(ip: string) {
    const client = new CookieClient();
    const send = async (method: string, path: string, body?: unknown) => {
      const csrf = client.cookie(stack.url, 'csrf_token');
      return client.request(`${stack.url}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': ip,
          ...(csrf ? { 'x-csrf-token': csrf } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    };
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await send(method, path, body);
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
    };
    return { client, send, call };
  }
  let last = 0;
  /** A client address no other browser of this file uses. */
  const address = () => `198.51.100.${++last}`;

  async function submitted(ip = address()) {
    const karim = browser(ip);
    const draft = await karim.call('POST', '/api/v1/public/services/cantine-suivi/submissions', {
      data: validCanteenData(),
    });
    expect(draft.status).toBe(201);
    const done = await karim.call('POST', `/api/v1/submissions/${draft.body.id}/submit`, {});
    expect(done.status).toBe(200);
    return { karim, id: draft.body.id as string, reference: done.body.reference as string };
  }

  const mailTo = (reference: string, subjectPart: string): Promise<CaughtMail> =>
    mail.waitFor((m) => m.text.includes(reference) && m.subject.includes(subjectPart), 15_000);
  const tokenIn = (text: string) => /\/suivi#([A-Za-z0-9_-]{48})/.exec(text)?.[1];

  it('the receipt email’s link opens the request in any browser: status, history, receipt, messages; never the answers', async () => {
    const { karim, id, reference } = await submitted();
    const receipt = await mailTo(reference, 'a bien été déposée');
    const token = tokenIn(receipt.text);
    expect(token).toBeDefined();
    // The confirmation page shows the same link to the browser that filed it.
    const own = await karim.call('GET', `/api/v1/submissions/${id}/follow-link`);
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ token, path: `/suivi#${token}` });

    // The receipt in the email (RECEIPT_EMAIL=text): its legal mentions, per the service's settings, and the
    // reference read exactly; no attachment.
    expect(receipt.attachments).toEqual([]);
    const text = receipt.text;
    expect(text).toContain(`Référence : ${reference}`);
    expect(text).toContain('décision implicite de rejet : faute de réponse dans un délai de 15 jours');
    expect(text).toContain('devant le tribunal administratif d’Orléans');
    expect(text).toContain('Service chargé de votre demande');
    expect(text).toContain(`se télécharge depuis le suivi de votre demande : `);
    expect(text).toContain(`/suivi#${token}\n`);

    // Another browser, no cookie: the link alone.
    const phone = browser(address());
    const view = await phone.call('POST', '/api/v1/follow', { token });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ id, reference, status: 'submitted', statusLabel: expect.any(String) });
    expect(view.body.history.map((h: { type: string }) => h.type)).toEqual(['created', 'submitted']);
    expect(view.body).not.toHaveProperty('data');
    expect(view.body).not.toHaveProperty('form');
    expect(JSON.stringify(view.body)).not.toContain('Marie-Claire');

    const copy = await phone.send('POST', '/api/v1/follow/receipt.pdf', { token });
    expect(copy.status).toBe(200);
    expect(copy.headers.get('content-type')).toBe('application/pdf');
    const copyPdf = Buffer.from(await copy.arrayBuffer());
    const copyText = pdfText(copyPdf);
    expect(copyText).toContain(`Référence : ${reference}`);
    expect(copyText).toContain('réputée rejetée le');
    expect(copyText).toContain('devant le tribunal administratif d’Orléans');
    expect(pdfInfo(copyPdf)).toMatch(/^Tagged: +yes$/m);

    // Answering the service, and reading its answer with its file.
    expect(
      (await phone.call('POST', '/api/v1/follow/messages', { token, body: 'Bonjour, où en est-elle ?' })).status,
    ).toBe(201);
    const uploaded = await request(stack.url)
      .post(`/api/v1/submissions/${id}/message-attachments`)
      .set('Authorization', caseworker)
      .attach(
        'file',
        Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(400, 0x20), Buffer.from('\n%%EOF\n')]),
        'note.pdf',
      );
    expect(uploaded.status).toBe(201);
    await request(stack.url)
      .post(`/api/v1/submissions/${id}/messages`)
      .set('Authorization', caseworker)
      .send({ body: 'Elle est à l’étude.', attachmentId: uploaded.body.attachmentId })
      .expect(201);
    const later = await phone.call('POST', '/api/v1/follow', { token });
    expect(later.body.messages.map((m: { from: string; body: string }) => [m.from, m.body])).toEqual([
      ['citizen', 'Bonjour, où en est-elle ?'],
      ['caseworker', 'Elle est à l’étude.'],
    ]);
    const file = await phone.send('POST', `/api/v1/follow/attachments/${uploaded.body.attachmentId}`, { token });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
  }, 30_000);

  it('when the service asks for a correction, the link takes the request into the new browser, which corrects and resends it', async () => {
    const { karim, id, reference } = await submitted();
    const token = tokenIn((await mailTo(reference, 'a bien été déposée')).text)!;
    const phone = browser(address());
    // Nothing to correct yet: the link only reads.
    expect((await phone.call('POST', '/api/v1/follow/claim', { token })).body.code).toBe('NOT_A_DRAFT');
    for (const [transition, comment] of [
      ['start_review', undefined],
      ['request_changes', 'Le justificatif manque.'],
    ])
      await request(stack.url)
        .post(`/api/v1/submissions/${id}/transitions`)
        .set('Authorization', caseworker)
        .send({ transition, comment })
        .expect(200);
    // The email asking for it carries the same link.
    expect(tokenIn((await mailTo(reference, 'des modifications sont nécessaires')).text)).toBe(token);
    const view = await phone.call('POST', '/api/v1/follow', { token });
    expect(view.body.actions.map((a: { transition: string }) => a.transition)).toContain('resubmit');

    const claimed = await phone.call('POST', '/api/v1/follow/claim', { token });
    expect(claimed).toMatchObject({ status: 200, body: { id } });
    expect((await phone.call('PATCH', `/api/v1/submissions/${id}`, { data: validCanteenData() })).status).toBe(200);
    expect((await phone.call('POST', `/api/v1/submissions/${id}/transitions`, { transition: 'resubmit' })).status).toBe(
      200,
    );
    // The browser it was filed from holds it no more; the link still follows it.
    expect((await karim.call('GET', `/api/v1/submissions/${id}`)).status).toBe(404);
    expect((await phone.call('POST', '/api/v1/follow', { token })).body.status).toBe('submitted');
  }, 30_000);

  it('a wrong, forged, revoked or expired link, or one to a draft, is the same 404 as a request that does not exist', async () => {
    const { id, karim } = await submitted();
    const own = await karim.call('GET', `/api/v1/submissions/${id}/follow-link`);
    const token = own.body.token as string;
    const stranger = browser(address());
    const answer = async (candidate: unknown) => {
      const res = await stranger.call('POST', '/api/v1/follow', { token: candidate });
      return { status: res.status, code: res.body.code, message: res.body.message };
    };
    const notFound = await answer(randomBytes(36).toString('base64url'));
    expect(notFound).toEqual({ status: 404, code: 'NOT_FOUND', message: expect.any(String) });

    const key = followLinkKey(stack.config.SESSION_SECRET!);
    const flipped = token.slice(0, 47) + (token[47] === 'A' ? 'B' : 'A');
    const draft = await karim.call('POST', '/api/v1/public/services/cantine-suivi/submissions', { data: {} });
    const cases: Record<string, unknown> = {
      'a tampered MAC': flipped,
      'another generation, unsigned': Buffer.concat([
        Buffer.from(token, 'base64url').subarray(0, 16),
        Buffer.from([0, 0, 0, 1]),
        Buffer.from(token, 'base64url').subarray(20),
      ]).toString('base64url'),
      'a signed link to no request': followToken(key, { id: randomUUID(), followGeneration: 0 }),
      'a signed link to a draft': followToken(key, { id: draft.body.id, followGeneration: 0 }),
      'too short': token.slice(0, 40),
    };
    for (const [what, candidate] of Object.entries(cases))
      expect([what, await answer(candidate)]).toEqual([what, notFound]);
    // A body that is no link at all is a malformed request, said as such (it tells nothing of any request).
    const malformed = await stranger.call('POST', '/api/v1/follow', { token: 42 });
    expect([malformed.status, malformed.body.errors?.[0]?.pointer]).toEqual([400, '/token']);
    // The same on every route of the link, whatever it would have read.
    for (const path of [
      '/api/v1/follow/receipt.pdf',
      `/api/v1/follow/documents/${randomUUID()}`,
      '/api/v1/follow/renew',
    ])
      expect((await stranger.call('POST', path, { token: flipped })).status).toBe(404);

    // Revoked: the old link opens nothing, the new one does.
    expect(await answer(token)).toMatchObject({ status: 200 });
    const renewed = await stranger.call('POST', '/api/v1/follow/renew', { token });
    expect(renewed.status).toBe(200);
    expect(renewed.body.token).not.toBe(token);
    expect(await answer(token)).toEqual(notFound);
    expect((await answer(renewed.body.token)).status).toBe(200);
    // Expired: past the request's retention date (the housekeeping has not deleted it yet).
    await stack.api
      .get(DataSource)
      .query(`UPDATE submission SET purge_at = now() - interval '1 minute' WHERE id = $1`, [id]);
    expect(await answer(renewed.body.token)).toEqual(notFound);
    // The link of a request is its owner's to ask for: to any other browser, 404.
    expect((await stranger.call('GET', `/api/v1/submissions/${id}/follow-link`)).status).toBe(404);
  }, 30_000);

  it('is rate-limited per address, valid link or not, with the same answer for both', async () => {
    const { karim, id } = await submitted();
    const token = (await karim.call('GET', `/api/v1/submissions/${id}/follow-link`)).body.token as string;
    const guesser = browser(address());
    let refusedAt = 0;
    for (let i = 1; i <= FOLLOW_LIMIT + 1 && !refusedAt; i++) {
      const res = await guesser.call('POST', '/api/v1/follow', { token: randomBytes(36).toString('base64url') });
      if (res.status === 429) refusedAt = i;
      else expect(res.status).toBe(404);
    }
    expect(refusedAt).toBe(FOLLOW_LIMIT + 1);
    // From that address, even the right link waits: nothing tells a guess that hit from one that missed.
    const right = await guesser.call('POST', '/api/v1/follow', { token });
    expect(right.status).toBe(429);
    expect(right.body.code).toBe('RATE_LIMITED');
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await guesser.call('POST', '/api/v1/follow/messages', { token, body: 'Bonjour' })).status).toBe(429);
    // Another address is not concerned.
    expect((await browser(address()).call('POST', '/api/v1/follow', { token })).status).toBe(200);
  }, 30_000);
});
