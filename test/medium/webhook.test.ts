import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret, sendWebhook, type WebhookPolicy } from '@guichet/notify';
import { freePort } from '../support/processes';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real receiver on 127.0.0.1 whose answer each test chooses. */
describe('sendWebhook against a real HTTP server', () => {
  let server: Server;
  let port: number;
  let received: Received[];
  let respond: (req: IncomingMessage, res: ServerResponse) => void;
  const secret = newWebhookSecret();
  const local: WebhookPolicy = { allowHosts: ['127.0.0.1', 'localhost'], requireHttps: true };
  const message = () => ({
    id: 'msg_2f6e0c1e-delivery-1',
    timestamp: new Date(),
    payload: {
      type: 'submission.status_changed',
      timestamp: new Date().toISOString(),
      data: { submissionId: 'b7d4…', reference: 'GUI-2025-000042', from: 'in_review', to: 'accepted' },
    },
  });
  const url = (path = '/hooks/guichet') => `http://127.0.0.1:${port}${path}`;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        respond(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  beforeEach(() => {
    received = [];
    respond = (_req, res) => res.writeHead(204).end();
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('delivers a body that Webhook.verify accepts with the target secret', async () => {
    const sent = message();
    await expect(sendWebhook({ url: url('/hooks/guichet?x=1'), secret }, sent, local)).resolves.toEqual({
      ok: true,
      status: 204,
    });
    expect(received).toHaveLength(1);
    const [{ path, headers, body }] = received as [Received];
    expect(path).toBe('/hooks/guichet?x=1');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-id']).toBe(sent.id);
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(sent.timestamp.getTime() / 1000)));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const verified = new Webhook(secret).verify(body, {
      'webhook-id': String(headers['webhook-id']),
      'webhook-timestamp': String(headers['webhook-timestamp']),
      'webhook-signature': String(headers['webhook-signature']),
    });
    expect(verified).toEqual(sent.payload);
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers as Record<string, string>)).toThrow(/signature/i);
  });

  it('keeps the webhook-id of a retried message', async () => {
    respond = (_req, res) => res.writeHead(received.length === 1 ? 503 : 200).end();
    const sent = message();
    await expect(sendWebhook({ url: url(), secret }, sent, local)).resolves.toEqual({
      ok: false,
      retry: true,
      status: 503,
      reason: 'HTTP 503',
    });
    await expect(sendWebhook({ url: url(), secret }, { ...sent, timestamp: new Date() }, local)).resolves.toEqual({
      ok: true,
      status: 200,
    });
    expect(received.map((r) => r.headers['webhook-id'])).toEqual([sent.id, sent.id]);
  });

  it.each([
    [500, true],
    [502, true],
    [408, true],
    [429, true],
    [400, false],
    [401, false],
    [404, false],
    [410, false],
    [422, false],
  ])('answers HTTP %i with retry: %s', async (status, retry) => {
    respond = (_req, res) => res.writeHead(status).end('nope');
    await expect(sendWebhook({ url: url(), secret }, message(), local)).resolves.toEqual({
      ok: false,
      retry,
      status,
      reason: `HTTP ${status}`,
    });
  });

  it('never follows a redirect', async () => {
    respond = (req, res) =>
      req.url === '/moved' ? res.writeHead(302, { location: url('/elsewhere') }).end() : res.writeHead(200).end();
    await expect(sendWebhook({ url: url('/moved'), secret }, message(), local)).resolves.toEqual({
      ok: false,
      retry: false,
      status: 302,
      reason: 'redirect not followed (HTTP 302)',
    });
    expect(received.map((r) => r.path)).toEqual(['/moved']);
  });

  it('gives up after timeoutMs on a receiver that never answers, and retries later', async () => {
    respond = () => undefined; // holds the request open
    const started = Date.now();
    await expect(sendWebhook({ url: url(), secret }, message(), { ...local, timeoutMs: 300 })).resolves.toEqual({
      ok: false,
      retry: true,
      reason: 'timed out after 300 ms',
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reads at most maxResponseBytes of an endless body, then hangs up', async () => {
    let closed!: () => void;
    const hungUp = new Promise<void>((resolve) => (closed = resolve));
    respond = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(16 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', closed);
      pump();
    };
    const started = Date.now();
    await expect(
      sendWebhook({ url: url(), secret }, message(), { ...local, timeoutMs: 10_000, maxResponseBytes: 1024 }),
    ).resolves.toEqual({ ok: true, status: 200 });
    await hungUp;
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('retries when nothing listens', async () => {
    const closedPort = await freePort();
    await expect(sendWebhook({ url: `http://127.0.0.1:${closedPort}/`, secret }, message(), local)).resolves.toEqual({
      ok: false,
      retry: true,
      reason: 'connection failed (ECONNREFUSED)',
    });
  });

  it('refuses loopback without an allow-list entry, for a literal IP and for a name that resolves to it', async () => {
    const open: WebhookPolicy = { allowHosts: [], requireHttps: false };
    await expect(sendWebhook({ url: url(), secret }, message(), open)).resolves.toEqual({
      ok: false,
      retry: false,
      reason: 'address refused (loopback)',
    });
    // "localhost" is only resolved at connect time, by the guarded lookup.
    await expect(sendWebhook({ url: `http://localhost:${port}/hooks`, secret }, message(), open)).resolves.toEqual({
      ok: false,
      retry: false,
      reason: 'address refused (loopback)',
    });
    // An entry for another port does not open this one.
    await expect(
      sendWebhook({ url: url(), secret }, message(), { ...open, allowHosts: [`127.0.0.1:${port + 1}`] }),
    ).resolves.toMatchObject({ ok: false, retry: false, reason: 'address refused (loopback)' });
    expect(received).toEqual([]);
  });

  it('requires HTTPS unless the host is allowed', async () => {
    await expect(
      sendWebhook({ url: `http://localhost:${port}/hooks`, secret }, message(), { allowHosts: [], requireHttps: true }),
    ).resolves.toEqual({ ok: false, retry: false, reason: 'HTTPS required' });
    expect(received).toEqual([]);
    await expect(
      sendWebhook({ url: `http://localhost:${port}/hooks`, secret }, message(), {
        allowHosts: [`localhost:${port}`],
        requireHttps: true,
      }),
    ).resolves.toEqual({ ok: true, status: 204 });
  });

  it('keeps URLs, hosts and credentials out of the reason', async () => {
    const outcome = await sendWebhook(
      { url: `http://jeanne.dupont:s3cret@localhost:${port}/hooks?email=jeanne@example.fr`, secret },
      message(),
      { allowHosts: [], requireHttps: false },
    );
    expect(outcome.ok).toBe(false);
    expect(JSON.stringify(outcome)).not.toMatch(/jeanne|s3cret|localhost|example|hooks/);
  });
});

describe('sendWebhook over HTTPS', () => {
  let server: ReturnType<typeof createHttpsServer>;
  let port: number;
  let hits = 0;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-webhook-tls-'));
    // A throwaway certificate for 127.0.0.1 that nothing trusts.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    server = createHttpsServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => {
        hits++;
        res.writeHead(204).end();
      },
    );
    rmSync(dir, { recursive: true, force: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const message = { id: 'msg_tls', timestamp: new Date(), payload: {} };

  it('checks the certificate: a self-signed one fails, and is retried', async () => {
    await expect(
      sendWebhook({ url: `https://127.0.0.1:${port}/`, secret: newWebhookSecret() }, message, {
        allowHosts: ['127.0.0.1'],
        requireHttps: true,
      }),
    ).resolves.toEqual({ ok: false, retry: true, reason: 'connection failed (DEPTH_ZERO_SELF_SIGNED_CERT)' });
    expect(hits).toBe(0);
  });

  it('refuses a name that resolves to loopback before any TLS', async () => {
    await expect(
      sendWebhook({ url: `https://localhost:${port}/`, secret: newWebhookSecret() }, message, {
        allowHosts: [],
        requireHttps: true,
      }),
    ).resolves.toEqual({ ok: false, retry: false, reason: 'address refused (loopback)' });
    expect(hits).toBe(0);
  });
});
