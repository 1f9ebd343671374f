import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { Mailer, MailSendError } from '@guichet/notify';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '@guichet/mail-catcher';
import { freePort } from '../support/processes';

/** A small but real PDF: the catcher must hand back the very same bytes. */
const PDF = Buffer.concat([
  Buffer.from('%PDF-1.4\n%'),
  Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]),
  Buffer.from('\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
]);

describe('Mailer → mail catcher', () => {
  let catcher: MailCatcher;
  let mailer: Mailer;
  let web: string;
  const from = '"Mairie de Saint-Étienne" <ne-pas-repondre@saint-etienne.example>';

  beforeAll(async () => {
    catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
    web = `http://127.0.0.1:${catcher.httpPort}`;
  });

  beforeEach(() => {
    catcher.clear();
    mailer = new Mailer({ smtpUrl: `smtp://127.0.0.1:${catcher.smtpPort}`, from });
  });

  afterEach(() => mailer.close());
  afterAll(() => catcher.close());

  it('reports the ports it really listens on', () => {
    expect(catcher.smtpPort).toBeGreaterThan(0);
    expect(catcher.httpPort).toBeGreaterThan(0);
    expect(catcher.smtpPort).not.toBe(catcher.httpPort);
  });

  it('carries a UTF-8 subject and text, the Message-ID and a PDF attachment', async () => {
    const subject = 'Votre demande « Inscription à la cantine » a été acceptée — réf. GUI-2025-000042';
    const text =
      'Bonjour Zoé,\n\nVotre dossier a été accepté. Vous trouverez l’accusé de réception ci-joint.\n\nÀ bientôt,\nLa mairie';
    await mailer.send({
      to: 'zoe.lefevre@example.fr',
      subject,
      text,
      messageId: '<4f2a9c1e-notification@guichet.local>',
      attachments: [
        { filename: 'accusé-de-réception-GUI-2025-000042.pdf', content: PDF, contentType: 'application/pdf' },
      ],
    });

    const mail = await catcher.waitFor((m) => m.messageId === '<4f2a9c1e-notification@guichet.local>', 5000);
    expect(mail).toMatchObject<Partial<CaughtMail>>({
      subject,
      to: ['zoe.lefevre@example.fr'],
      attachments: [
        { filename: 'accusé-de-réception-GUI-2025-000042.pdf', contentType: 'application/pdf', size: PDF.length },
      ],
    });
    expect(mail.from).toContain('Mairie de Saint-Étienne');
    expect(mail.text.trim()).toBe(text);
    expect(Number.isNaN(Date.parse(mail.receivedAt))).toBe(false);

    const download = await fetch(`${web}/messages/${mail.id}/attachments/0`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toMatch(
      /^attachment; filename="accuse-de-reception-GUI-2025-000042\.pdf"; filename\*=UTF-8''accus%C3%A9-de-r%C3%A9ception/,
    );
    expect(Buffer.from(await download.arrayBuffer()).equals(PDF)).toBe(true);
    expect((await fetch(`${web}/messages/${mail.id}/attachments/1`)).status).toBe(404);
  });

  it('adds the angle brackets a Message-ID needs, and asks autoresponders to stay quiet', async () => {
    await mailer.send({ to: 'a@example.fr', subject: 'Test', text: 'x', messageId: 'abc-123@guichet.local' });
    const mail = await catcher.waitFor((m) => m.subject === 'Test', 5000);
    expect(mail.messageId).toBe('<abc-123@guichet.local>');
    const page = await (await fetch(`${web}/messages/${mail.id}`)).text();
    expect(page).toMatch(/<th scope="row">auto-submitted<\/th><td><code>auto-generated<\/code>/);
  });

  it('escapes a hostile subject on the list and on the message page', async () => {
    const subject = '<script>alert("xss")</script> & <img src=x onerror=alert(1)>';
    await mailer.send({
      to: 'victime@example.fr',
      subject,
      text: '</pre><script>alert(2)</script>',
      messageId: '<hostile@guichet.local>',
      attachments: [
        { filename: '<b>facture</b>.html', content: Buffer.from('<script>1</script>'), contentType: 'text/html' },
      ],
    });
    const mail = await catcher.waitFor((m) => m.messageId === '<hostile@guichet.local>', 5000);
    expect(mail.subject).toBe(subject);

    const list = await fetch(`${web}/`);
    expect(list.status).toBe(200);
    expect(list.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(list.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await list.text();
    expect(html).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    expect(html).toContain('<caption>1 courriel, du plus récent au plus ancien</caption>');
    expect(html).toContain('<th scope="col">Objet</th>');
    expect(html).toContain(
      `<a href="/messages/${mail.id}">&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;</a>`,
    );
    expect(html).not.toMatch(/<script|<img/i);

    const detail = await (await fetch(`${web}/messages/${mail.id}`)).text();
    expect(detail).toContain('<pre>&lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt;</pre>');
    expect(detail).toContain('&lt;b&gt;facture&lt;/b&gt;.html');
    expect(detail).not.toMatch(/<script|<img|<b>/i);

    // An HTML attachment is downloaded in a sandbox, never rendered on the catcher's origin.
    const attachment = await fetch(`${web}/messages/${mail.id}/attachments/0`);
    expect(attachment.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(attachment.headers.get('content-security-policy')).toContain('sandbox');
  });

  it('serves every mail as JSON, newest first, and clears on DELETE', async () => {
    for (const n of [1, 2, 3])
      await mailer.send({ to: `n${n}@example.fr`, subject: `Message ${n}`, text: `n°${n}`, messageId: `<m${n}@t>` });
    await catcher.waitFor((m) => m.subject === 'Message 3', 5000);

    const response = await fetch(`${web}/api/messages`);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const all = (await response.json()) as CaughtMail[];
    expect(all.map((m) => m.subject)).toEqual(['Message 3', 'Message 2', 'Message 1']);
    expect(all[0]).toEqual(catcher.messages()[0]);
    expect(Object.keys(all[0]!).sort()).toEqual(
      ['attachments', 'clientPort', 'from', 'id', 'messageId', 'receivedAt', 'subject', 'text', 'to'].sort(),
    );

    expect((await fetch(`${web}/api/messages`, { method: 'DELETE' })).status).toBe(204);
    expect(await (await fetch(`${web}/api/messages`)).json()).toEqual([]);
    expect(catcher.messages()).toEqual([]);
    expect(await (await fetch(`${web}/`)).text()).toContain('Aucun courriel reçu');
    expect((await fetch(`${web}/messages/1`)).status).toBe(404);
  });

  it('accepts the credentials of a production-like SMTP URL', async () => {
    const withAuth = new Mailer({ smtpUrl: `smtp://guichet:secret@127.0.0.1:${catcher.smtpPort}`, from });
    try {
      await withAuth.send({ to: 'a@example.fr', subject: 'Avec identifiants', text: 'ok', messageId: '<auth@t>' });
    } finally {
      withAuth.close();
    }
    await expect(catcher.waitFor((m) => m.messageId === '<auth@t>', 5000)).resolves.toBeDefined();
  });

  it('stops waiting after the timeout', async () => {
    await expect(catcher.waitFor((m) => m.subject === 'jamais', 100)).rejects.toThrow(/no matching mail within 100 ms/);
  });
});

describe('mail catcher limits', () => {
  it('keeps only the last `max` mails', async () => {
    const catcher = await startMailCatcher({ smtpPort: 0, httpPort: 0, max: 2 });
    const mailer = new Mailer({ smtpUrl: `smtp://127.0.0.1:${catcher.smtpPort}`, from: 'guichet@example.fr' });
    try {
      for (const n of [1, 2, 3])
        await mailer.send({ to: 'a@example.fr', subject: `S${n}`, text: '.', messageId: `<s${n}@t>` });
      await catcher.waitFor((m) => m.subject === 'S3', 5000);
      expect(catcher.messages().map((m) => m.subject)).toEqual(['S3', 'S2']);
    } finally {
      mailer.close();
      await catcher.close();
    }
  });

  it('refuses a port that is taken', async () => {
    const first = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
    try {
      await expect(startMailCatcher({ smtpPort: first.smtpPort, httpPort: 0 })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });
});

describe('Mailer failures', () => {
  it('retries when the server is unreachable', async () => {
    const mailer = new Mailer({ smtpUrl: `smtp://127.0.0.1:${await freePort()}`, from: 'guichet@example.fr' });
    try {
      const error = await mailer
        .send({ to: 'a@example.fr', subject: 'x', text: 'x', messageId: '<x@t>' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MailSendError);
      expect(error).toMatchObject({ retry: true });
    } finally {
      mailer.close();
    }
  });

  it('does not retry a recipient the server refuses for good, and does not name it', async () => {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (_address, _session, callback) =>
        callback(Object.assign(new Error('No such user'), { responseCode: 550 })),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const mailer = new Mailer({
      smtpUrl: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
      from: 'guichet@example.fr',
    });
    try {
      const error = (await mailer
        .send({ to: 'camille.martin@example.fr', subject: 'x', text: 'x', messageId: '<y@t>' })
        .catch((e: unknown) => e)) as MailSendError;
      expect(error).toBeInstanceOf(MailSendError);
      expect(error).toMatchObject({ retry: false, responseCode: 550 });
      expect(error.message).not.toContain('camille');
    } finally {
      mailer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a URL that is not SMTP', () => {
    expect(() => new Mailer({ smtpUrl: 'http://127.0.0.1:25', from: 'guichet@example.fr' })).toThrow(/smtp/);
  });
});
