import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { startMailCatcher, type MailCatcher } from '@guichet/mail-catcher';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { startStack, type Stack } from '../support/stack';
import { createTenant, publishService } from '../support/tenant';

/**
 * The same outbox, relay and workers on BullMQ's PostgreSQL backend (no
 * Redis at all): a receipt email on submission, a motivated refusal with its
 * PDF on decision.
 */
describe('workflow on the PostgreSQL queue backend', () => {
  let stack: Stack;
  let mail: MailCatcher;

  beforeAll(async () => {
    mail = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
    stack = await startStack({ backend: 'postgres', env: { SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}` } });
  });
  afterAll(async () => {
    await stack?.close();
    await mail?.close();
  });

  it('emails the receipt, then the refusal with its motivation and letter', async () => {
    const designer = await createTenant(stack);
    await publishService(stack.url, designer, {
      slug: 'cantine-pg',
      title: 'Cantine',
      definition: canteenDefinition(),
    });
    const { token } = await new ApiTokenService(stack.api.get(DataSource)).issue({
      organisationId: designer.organisationId,
      name: 'instruction',
      role: 'caseworker',
    });

    const client = new CookieClient();
    const call = async (method: string, path: string, body?: unknown) => {
      const csrf = client.cookie(stack.url, 'csrf_token');
      const response = await client.request(`${stack.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await response.json()) as Record<string, string>;
    };
    const draft = await call('POST', '/api/v1/public/services/cantine-pg/submissions', { data: validCanteenData() });
    const { reference } = await call('POST', `/api/v1/submissions/${draft.id}/submit`, {});
    expect(reference).toMatch(/^GCH-/);
    await mail.waitFor((m) => m.text.includes(`Référence : ${reference!}`) && m.attachments.length === 0, 20_000);

    const fire = (transition: string, comment?: string) =>
      request(stack.url)
        .post(`/api/v1/submissions/${draft.id}/transitions`)
        .set('Authorization', `Bearer ${token}`)
        .send({ transition, comment });
    await fire('start_review').expect(200);
    await fire('reject', 'Vous ne résidez pas dans la commune.').expect(200);
    const refusal = await mail.waitFor(
      (m) => m.text.includes(reference!) && m.attachments.some((a) => a.filename.startsWith('decision-refus')),
      20_000,
    );
    expect(refusal.to).toEqual(['marie.dubois@example.fr']);
    const pdf = await fetch(`http://127.0.0.1:${mail.httpPort}/messages/${refusal.id}/attachments/0`);
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], {
      input: Buffer.from(await pdf.arrayBuffer()),
    }).toString('utf8');
    expect(text).toContain('Décision de refus');
    expect(text).toContain('Vous ne résidez pas dans la commune.');
    expect(text).toContain('Voies et délais de recours');
  });
});
