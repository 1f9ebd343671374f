import { execFileSync } from 'node:child_process';
import { startMailCatcher, type MailCatcher } from '@guichet/mail-catcher';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { startStack, type Stack } from '../support/stack';
import { createTenant, publishService } from '../support/tenant';

/** RECEIPT_EMAIL=pdf: the receipt email attaches the PDF (the default, `text`, is walked in workflow.test.ts). */
describe('receipt email with its PDF attached', () => {
  let stack: Stack;
  let mail: MailCatcher;

  beforeAll(async () => {
    mail = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
    stack = await startStack({
      backend: 'redis',
      env: { SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`, RECEIPT_EMAIL: 'pdf' },
    });
    const designer = await createTenant(stack);
    await publishService(stack.url, designer, {
      slug: 'cantine-pdf',
      title: 'Cantine',
      definition: canteenDefinition(),
    });
  });
  afterAll(async () => {
    await stack?.close();
    await mail?.close();
  });

  it('attaches the receipt as a PDF, with its mentions and the answers', async () => {
    const client = new CookieClient();
    const post = async (path: string, body: unknown) => {
      const csrf = client.cookie(stack.url, 'csrf_token');
      const response = await client.request(`${stack.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { id: string; reference: string } };
    };
    const draft = await post('/api/v1/public/services/cantine-pdf/submissions', { data: validCanteenData() });
    expect(draft.status).toBe(201);
    const done = await post(`/api/v1/submissions/${draft.body.id}/submit`, {});
    expect(done.status).toBe(200);
    const reference = done.body.reference;

    const receipt = await mail.waitFor((m) => m.subject.includes(reference), 15_000);
    expect(receipt.attachments).toEqual([
      expect.objectContaining({ filename: `accuse-de-reception-${reference}.pdf`, contentType: 'application/pdf' }),
    ]);
    expect(receipt.text).not.toContain('ACCUSÉ DE RÉCEPTION');
    const attached = await fetch(`http://127.0.0.1:${mail.httpPort}/messages/${receipt.id}/attachments/0`);
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], {
      input: Buffer.from(await attached.arrayBuffer()),
    }).toString('utf8');
    expect(text).toContain('Accusé de réception');
    expect(text).toContain(reference);
    expect(text).toContain('Léo'); // the child's first name, an answer
  });
});
