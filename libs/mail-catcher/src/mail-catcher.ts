import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { contentDisposition, escapeHtml } from '@guichet/shared';

/** One message the catcher received. */
export interface CaughtMail {
  id: string;
  /** As sent, with angle brackets: `<notification-id@guichet.local>`. */
  messageId: string;
  /** The From header, as text. */
  from: string;
  /** The envelope recipients (RCPT TO), Bcc included. */
  to: string[];
  subject: string;
  text: string;
  /** ISO 8601. */
  receivedAt: string;
  attachments: Array<{ filename: string; contentType: string; size: number }>;
  /** The sender's TCP port: which process sent the mail, for a test that must tell its workers apart. */
  clientPort: number;
}

export interface MailCatcherOptions {
  /** Both servers listen here. Default 127.0.0.1: a catcher holds mail that nobody else should read. */
  host?: string;
  /** 0 picks a free port; `MailCatcher.smtpPort` tells which. */
  smtpPort: number;
  httpPort: number;
  /** Keep the last N messages. Default 1000. */
  max?: number;
}

export interface MailCatcher {
  smtpPort: number;
  httpPort: number;
  /** Newest first. */
  messages(): CaughtMail[];
  /** The newest message that matches, now or when it arrives; rejects after timeoutMs (default 10 s). */
  waitFor(predicate: (mail: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
  clear(): void;
  close(): Promise<void>;
}

interface Stored {
  mail: CaughtMail;
  headerLines: Array<{ key: string; line: string }>;
  contents: Buffer[];
}

interface Waiter {
  predicate: (mail: CaughtMail) => boolean;
  resolve: (mail: CaughtMail) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export const MAIL_CATCHER_MAX_SIZE = 25 * 1024 * 1024;

/**
 * A development SMTP server that keeps what it receives in memory and shows
 * it on a small French web page (and as JSON for tests). Never for production:
 * no TLS, any credentials accepted.
 */
export async function startMailCatcher(options: MailCatcherOptions): Promise<MailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const max = options.max ?? 1000;
  let smtpPort = 0;
  let httpPort = 0;
  let stored: Stored[] = []; // oldest first
  let waiters: Waiter[] = [];
  let sequence = 0;

  const newestFirst = () => [...stored].reverse();

  function keep(entry: Stored): void {
    stored.push(entry);
    if (stored.length > max) stored = stored.slice(stored.length - max);
    for (const waiter of waiters.filter((w) => w.predicate(entry.mail))) {
      clearTimeout(waiter.timer);
      waiters = waiters.filter((w) => w !== waiter);
      waiter.resolve(entry.mail);
    }
  }

  async function receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const parsed = await simpleParser(stream, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true });
    if (stream.sizeExceeded) {
      throw Object.assign(new Error('Message trop volumineux'), { responseCode: 552 });
    }
    const attachments = parsed.attachments.map((a, index) => ({
      filename: a.filename ?? `piece-jointe-${index + 1}`,
      contentType: a.contentType,
      size: a.size ?? a.content.length,
    }));
    keep({
      mail: {
        id: String(++sequence),
        messageId: parsed.messageId ?? '',
        from: parsed.from?.text ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
        to: session.envelope.rcptTo.map((r) => r.address),
        subject: parsed.subject ?? '',
        text: parsed.text ?? '',
        receivedAt: new Date().toISOString(),
        attachments,
        clientPort: session.remotePort,
      },
      headerLines: parsed.headerLines.map(({ key, line }) => ({ key, line })),
      contents: parsed.attachments.map((a) => a.content),
    });
  }

  const smtp = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    size: MAIL_CATCHER_MAX_SIZE,
    banner: 'Guichet mail catcher (development)',
    logger: false,
    closeTimeout: 1000,
    // Any credentials will do: a mail URL with a user and password works against the catcher as is.
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    onData: (stream, session, callback) => {
      receive(stream, session).then(
        () => callback(),
        (error: unknown) => {
          stream.resume(); // drain whatever the parser left
          callback(error instanceof Error ? error : new Error('Message illisible'));
        },
      );
    },
  });
  // Client resets and the like arrive here; a development catcher shrugs them off.
  smtp.on('error', () => undefined);

  const http = createServer((req, res) => {
    try {
      route(req, res, { list: newestFirst, find: (id) => stored.find((s) => s.mail.id === id), clear, smtpPort, max });
    } catch {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Erreur interne du récupérateur de courriels.');
      else res.destroy();
    }
  });

  function clear(): void {
    stored = [];
  }

  try {
    smtpPort = await listen(smtp.server, options.smtpPort, host);
    httpPort = await listen(http, options.httpPort, host);
  } catch (error) {
    smtp.server.close();
    http.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    smtpPort,
    httpPort,
    messages: () => newestFirst().map((s) => s.mail),
    waitFor(predicate, timeoutMs = 10_000) {
      const found = newestFirst().find((s) => predicate(s.mail));
      if (found) return Promise.resolve(found.mail);
      return new Promise<CaughtMail>((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters = waiters.filter((w) => w !== waiter);
            reject(new Error(`no matching mail within ${timeoutMs} ms (${stored.length} caught)`));
          }, timeoutMs),
        };
        waiters.push(waiter);
      });
    },
    clear,
    close() {
      closing ??= (async () => {
        for (const waiter of waiters) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error('mail catcher closed'));
        }
        waiters = [];
        http.closeAllConnections();
        await Promise.all([
          new Promise<void>((resolve) => smtp.close(() => resolve())),
          new Promise<void>((resolve) => http.close(() => resolve())),
        ]);
      })();
      return closing;
    },
  };
}

function listen(server: NetServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/* ------------------------------------------------------------------------ */
/* HTTP                                                                     */
/* ------------------------------------------------------------------------ */

interface Store {
  list(): Stored[];
  find(id: string): Stored | undefined;
  clear(): void;
  smtpPort: number;
  max: number;
}

const HTML_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': contentType, 'x-content-type-options': 'nosniff', ...headers });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value), { 'cache-control': 'no-store' });
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  send(res, status, 'text/html; charset=utf-8', html, HTML_HEADERS);
}

function notFound(req: IncomingMessage, res: ServerResponse, api: boolean): void {
  if (api) return sendJson(res, 404, { code: 'NOT_FOUND', message: 'Courriel introuvable.' });
  sendHtml(
    res,
    404,
    page(
      'Page introuvable',
      `<h1>Page introuvable</h1><p>Aucun courriel ni page ne correspond à <code>${escapeHtml(req.url ?? '')}</code>.</p>` +
        `<p><a href="/">Revenir à la liste des courriels</a></p>`,
    ),
  );
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  send(res, 405, 'text/plain; charset=utf-8', 'Méthode non autorisée.', { allow });
}

function route(req: IncomingMessage, res: ServerResponse, store: Store): void {
  const path = new URL(req.url ?? '/', 'http://catcher.invalid').pathname;
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  let match: RegExpExecArray | null;

  if (path === '/') {
    if (method !== 'GET') return methodNotAllowed(res, 'GET, HEAD');
    return sendHtml(res, 200, listPage(store));
  }
  if (path === '/clear') {
    if (method !== 'POST') return methodNotAllowed(res, 'POST');
    // The form posts from this page; another site posting here gets nothing done.
    const origin = req.headers.origin;
    if (origin && origin !== 'null' && new URL(origin).host !== req.headers.host)
      return send(res, 403, 'text/plain; charset=utf-8', 'Requête refusée : elle ne vient pas de cette page.');
    store.clear();
    res.writeHead(303, { location: '/' }).end();
    return;
  }
  if (path === '/api/messages') {
    if (method === 'GET')
      return sendJson(
        res,
        200,
        store.list().map((s) => s.mail),
      );
    if (method === 'DELETE') {
      store.clear();
      res.writeHead(204).end();
      return;
    }
    return methodNotAllowed(res, 'GET, HEAD, DELETE');
  }
  if ((match = /^\/api\/messages\/([^/]+)$/.exec(path))) {
    if (method !== 'GET') return methodNotAllowed(res, 'GET, HEAD');
    const found = store.find(decodeURIComponent(match[1]!));
    return found ? sendJson(res, 200, found.mail) : notFound(req, res, true);
  }
  if ((match = /^\/messages\/([^/]+)$/.exec(path))) {
    if (method !== 'GET') return methodNotAllowed(res, 'GET, HEAD');
    const found = store.find(decodeURIComponent(match[1]!));
    return found ? sendHtml(res, 200, messagePage(found)) : notFound(req, res, false);
  }
  if ((match = /^\/messages\/([^/]+)\/attachments\/(\d+)$/.exec(path))) {
    if (method !== 'GET') return methodNotAllowed(res, 'GET, HEAD');
    const found = store.find(decodeURIComponent(match[1]!));
    const index = Number(match[2]);
    const meta = found?.mail.attachments[index];
    const content = found?.contents[index];
    if (!meta || !content) return notFound(req, res, false);
    // Whatever the sender claimed the type to be, it is downloaded, never rendered on this origin.
    const type = /^[\w.+-]+\/[\w.+-]+$/.test(meta.contentType) ? meta.contentType : 'application/octet-stream';
    return send(res, 200, type, content, {
      'content-disposition': contentDisposition('attachment', meta.filename),
      'content-security-policy': "default-src 'none'; sandbox",
      'content-length': String(content.length),
    });
  }
  notFound(req, res, path.startsWith('/api/'));
}

/* ------------------------------------------------------------------------ */
/* Pages (French, accessible, self-contained)                               */
/* ------------------------------------------------------------------------ */

const dateFormat = new Intl.DateTimeFormat('fr-FR', {
  dateStyle: 'short',
  timeStyle: 'medium',
  timeZone: 'Europe/Paris',
});
const numberFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

function formatDate(iso: string): string {
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(dateFormat.format(new Date(iso)))}</time>`;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} octet${bytes > 1 ? 's' : ''}`;
  if (bytes < 1024 * 1024) return `${numberFormat.format(bytes / 1024)} Ko`;
  return `${numberFormat.format(bytes / (1024 * 1024))} Mo`;
}

function subjectOf(mail: CaughtMail): string {
  return mail.subject.trim() ? mail.subject : '(sans objet)';
}

const STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #161616; background: #fff; line-height: 1.5; }
.bandeau { background: #000091; color: #fff; padding: .5rem 1rem; }
.bandeau p { margin: 0; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
a { color: #000091; }
a:focus, button:focus { outline: 3px solid #0a76f6; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
caption { text-align: left; font-weight: bold; padding: .5rem 0; }
th, td { border: 1px solid #929292; padding: .4rem .6rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
thead th { background: #eee; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f6f6; border: 1px solid #929292; padding: 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: bold; }
dd { margin: 0; overflow-wrap: anywhere; }
button { font: inherit; padding: .4rem 1rem; border: 1px solid #000091; background: #fff; color: #000091; cursor: pointer; }
`;

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – Récupérateur de courriels Guichet</title>
<style>${STYLE}</style>
</head>
<body>
<header class="bandeau"><p>Guichet – récupérateur de courriels (développement)</p></header>
<main>
${content}
</main>
</body>
</html>
`;
}

function listPage(store: Store): string {
  const list = store.list();
  const intro =
    `<p>Les courriels envoyés au serveur SMTP (port ${store.smtpPort}) sont gardés en mémoire ` +
    `(les ${store.max} derniers) et ne partent jamais vers leurs destinataires. ` +
    `Rechargez la page pour voir les nouveaux.</p>`;
  if (list.length === 0)
    return page('Courriels reçus', `<h1>Courriels reçus</h1>${intro}<p>Aucun courriel reçu pour l’instant.</p>`);
  const rows = list
    .map(
      ({ mail }) => `<tr>
<td>${formatDate(mail.receivedAt)}</td>
<td>${escapeHtml(mail.from)}</td>
<td>${escapeHtml(mail.to.join(', '))}</td>
<td><a href="/messages/${encodeURIComponent(mail.id)}">${escapeHtml(subjectOf(mail))}</a></td>
<td>${mail.attachments.length}</td>
</tr>`,
    )
    .join('\n');
  const count = `${list.length} courriel${list.length > 1 ? 's' : ''}`;
  return page(
    `Courriels reçus (${list.length})`,
    `<h1>Courriels reçus</h1>
${intro}
<form method="post" action="/clear"><button type="submit">Supprimer tous les courriels</button></form>
<table>
<caption>${count}, du plus récent au plus ancien</caption>
<thead><tr><th scope="col">Reçu le</th><th scope="col">Expéditeur</th><th scope="col">Destinataires</th><th scope="col">Objet</th><th scope="col">Pièces jointes</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`,
  );
}

function messagePage({ mail, headerLines }: Stored): string {
  const attachments = mail.attachments.length
    ? `<ul>${mail.attachments
        .map(
          (a, i) =>
            `<li><a href="/messages/${encodeURIComponent(mail.id)}/attachments/${i}" download>${escapeHtml(a.filename)}</a> ` +
            `(${escapeHtml(a.contentType)}, ${formatSize(a.size)})</li>`,
        )
        .join('')}</ul>`
    : '<p>Aucune pièce jointe.</p>';
  const headers = headerLines
    .map(({ key, line }) => {
      const value = line.slice(line.indexOf(':') + 1).trim();
      return `<tr><th scope="row">${escapeHtml(key)}</th><td><code>${escapeHtml(value)}</code></td></tr>`;
    })
    .join('\n');
  return page(
    subjectOf(mail),
    `<p><a href="/">Retour à la liste des courriels</a></p>
<h1>${escapeHtml(subjectOf(mail))}</h1>
<dl>
<dt>Expéditeur</dt><dd>${escapeHtml(mail.from)}</dd>
<dt>Destinataires</dt><dd>${escapeHtml(mail.to.join(', '))}</dd>
<dt>Reçu le</dt><dd>${formatDate(mail.receivedAt)}</dd>
<dt>Message-ID</dt><dd><code>${escapeHtml(mail.messageId)}</code></dd>
</dl>
<h2>Texte</h2>
${mail.text ? `<pre>${escapeHtml(mail.text)}</pre>` : '<p>Ce courriel n’a pas de partie texte.</p>'}
<h2>Pièces jointes</h2>
${attachments}
<h2>En-têtes</h2>
<table>
<caption>En-têtes du message, tels que reçus</caption>
<thead><tr><th scope="col">Nom</th><th scope="col">Valeur</th></tr></thead>
<tbody>
${headers}
</tbody>
</table>`,
  );
}
