import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { organisationId } from '@guichet/shared';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '@guichet/mail-catcher';
import { Organisation, createDataSource } from '@guichet/persistence';
import { REFERENCE_PATTERN } from '@guichet/submissions';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { createTestDatabase, type TestDatabase } from '../support/database';
import {
  DIST,
  GiveUp,
  collectOutput,
  freePort,
  startRedisServer,
  stopProcess,
  waitUntil,
  type RedisServer,
} from '../support/processes';
import { WebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver';
import { referenceOf, noteWriter, inPool, groupBy } from '../support/slow-helpers';

/** Concurrency of the notify and webhook queues in one worker process (apps/worker/src/workflow). */
const NOTIFY_CONCURRENCY = 8;
const WEBHOOK_CONCURRENCY = 8;

interface Filed {
  id: string;
  reference: string;
}

interface Child {
  name: string;
  process: ChildProcess;
  output: { text: () => string };
}

const note = noteWriter('workflow-faults');

/**
 * The outbox under real faults, with real processes: the API and the worker
 * as built (dist), a private redis-server that is stopped and comes back
 * empty, a worker killed with SIGKILL in the middle of a batch. Receipts go
 * to an SMTP mail catcher, webhooks to a receiver that verifies signatures.
 * Nothing may be lost; nothing may be done twice, except in the one window no
 * system can close (the peer accepted, the worker died before recording it),
 * where the repeat carries the same Message-ID / webhook-id for receivers to
 * deduplicate on.
 */
describe('workflow under faults', () => {
  jest.setTimeout(240_000);

  const slug = 'cantine-pannes';
  const receiver = new WebhookReceiver();
  const children: Child[] = [];
  let database: TestDatabase | undefined;
  let dataSource: DataSource | undefined;
  let dataDir: string | undefined;
  let redis: RedisServer | undefined;
  let redisPort: number;
  let mail: MailCatcher | undefined;
  let base: string;
  let env: Record<string, string>;
  /** References and submission ids of requests filed by earlier steps, so each test counts only its own. */
  const earlier = { references: new Set<string>(), ids: new Set<string>() };

  function startNode(name: 'api' | 'worker'): Child {
    const child = spawn(process.execPath, [join(DIST, 'apps', name, 'src', 'main.js')], {
      env: { ...process.env, ...env },
      // An IPC channel: if jest itself dies, the child sees it close and stops (watchParent).
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const started = { name, process: child, output: collectOutput(child) };
    children.push(started);
    return started;
  }

  const db = () => dataSource!;

  function citizen() {
    const client = new CookieClient();
    return async (method: string, path: string, body?: unknown) => {
      const csrf = client.cookie(base, 'csrf_token');
      const response = await client.request(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
    };
  }

  /** One anonymous citizen drafts and submits; returns what the API answered, or why it refused. */
  async function file(): Promise<Filed | { error: string }> {
    const call = citizen();
    try {
      const draft = await call('POST', `/api/v1/public/services/${slug}/submissions`, { data: validCanteenData() });
      if (draft.status !== 201) return { error: `draft ${draft.status} ${JSON.stringify(draft.body)}` };
      const id = String(draft.body!.id);
      const done = await call('POST', `/api/v1/submissions/${id}/submit`, {});
      const reference = done.body?.reference;
      if (done.status !== 200 || typeof reference !== 'string' || !REFERENCE_PATTERN.test(reference)) {
        return { error: `submit ${done.status} ${JSON.stringify(done.body)}` };
      }
      return { id, reference };
    } catch (error) {
      return { error: String(error) };
    }
  }

  async function fileMany(count: number): Promise<Filed[]> {
    const answers = await inPool(
      Array.from({ length: count }, (_, i) => i),
      16,
      () => file(),
    );
    const refused = answers.filter((a): a is { error: string } => 'error' in a);
    expect(refused.slice(0, 5)).toEqual([]);
    return answers as Filed[];
  }

  function receiptsFor(references: ReadonlySet<string>): CaughtMail[] {
    return mail!.messages().filter((m) => {
      const reference = referenceOf(m);
      return reference !== undefined && references.has(reference);
    });
  }

  function hooksFor(ids: ReadonlySet<string>): ReceivedWebhook[] {
    return receiver.accepted().filter((h) => ids.has(String(h.body.data.submissionId)));
  }

  async function outboxState(
    ids?: readonly string[],
  ): Promise<{ total: number; relayed: number; open: number; failed: number }> {
    const [row] = (await db().query(
      `SELECT count(*)::int AS total, count(relayed_at)::int AS relayed,
              count(*) FILTER (WHERE done_at IS NULL)::int AS open, count(failed_at)::int AS failed
       FROM outbox ${ids ? `WHERE payload->>'submissionId' = ANY($1)` : ''}`,
      ids ? [ids] : [],
    )) as Array<{ total: number; relayed: number; open: number; failed: number }>;
    return row!;
  }

  /** Waits until every reference has its receipt and every submission its webhook, and the outbox is drained. */
  async function waitForDeliveries(filed: readonly Filed[], timeoutMs: number): Promise<void> {
    const references = new Set(filed.map((f) => f.reference));
    const ids = new Set(filed.map((f) => f.id));
    const worker = children.at(-1)!;
    const progress = () => ({
      mailed: new Set(receiptsFor(references).map(referenceOf)).size,
      hooked: new Set(hooksFor(ids).map((h) => h.body.data.submissionId)).size,
    });
    try {
      await waitUntil(`${filed.length} receipts and ${filed.length} webhooks`, timeoutMs, () => {
        if (worker.process.exitCode !== null) throw new GiveUp(`worker exited: ${worker.output.text()}`);
        const { mailed, hooked } = progress();
        return (mailed === references.size && hooked === ids.size) || undefined;
      });
    } catch (error) {
      const { mailed, hooked } = progress();
      throw new Error(
        `${(error as Error).message} (${mailed} receipts, ${hooked} webhooks; outbox ${JSON.stringify(
          await outboxState(),
        )}; worker said: ${worker.output.text().slice(-2000)})`,
      );
    }
    await waitUntil('an empty outbox', 30_000, async () => (await outboxState()).open === 0 || undefined);
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.url, poolSize: 2, applicationName: 'guichet-faults-test' });
    await dataSource.initialize();
    dataDir = await mkdtemp(join(tmpdir(), 'guichet-faults-'));
    redisPort = await freePort();
    redis = await startRedisServer(redisPort);
    mail = await startMailCatcher({ smtpPort: 0, httpPort: 0, max: 10_000 });
    const hookUrl = await receiver.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      NODE_ENV: 'test',
      PORT: String(port),
      DATABASE_URL: database.url,
      QUEUE_BACKEND: 'redis',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `faults${randomBytes(4).toString('hex')}`,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`,
      WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      RETRY_DELAY_SCALE: '0.01',
      // Faults, not overload: these citizens do not wait and retry a 503 as the page does, so neither do changes take
      // turns nor are they shed on the pool's queue here (unit-tested, and measured by bench/overload.bench.ts).
      OVERLOAD_MAX_INFLIGHT: '0',
      OVERLOAD_DB_WAIT_MS: '0',
      OUTBOX_RECONCILE_SECONDS: '5',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      // A thousand citizens from 127.0.0.1: faults are the subject here, not rate limits.
      RATE_LIMITS: 'off',
    };
    const api = startNode('api');
    startNode('worker');
    await waitUntil('API ready', 60_000, async () => {
      if (api.process.exitCode !== null) throw new GiveUp(`API exited: ${api.output.text()}`);
      return (await fetch(`${base}/health/ready`)).status === 200 || undefined;
    });

    const organisation = await db()
      .getRepository(Organisation)
      .save({ slug: `commune-${randomBytes(4).toString('hex')}`, name: 'Commune de test (pannes)' });
    const { token } = await new ApiTokenService(db()).issue({
      organisationId: organisationId(organisation.id),
      name: 'pannes',
      role: 'designer',
    });
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const definition = canteenDefinition();
    definition.settings.webhookUrl = hookUrl;
    const created = await fetch(`${base}/api/v1/services`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ slug, title: 'Cantine (pannes)', organisationId: organisation.id, definition }),
    });
    expect(created.status).toBe(201);
    expect((await fetch(`${base}/api/v1/services/${slug}/publish`, { method: 'POST', headers: auth })).status).toBe(
      201,
    );
    const hook = await fetch(`${base}/api/v1/services/${slug}/webhook`, { headers: auth });
    expect(hook.status).toBe(200);
    const { url, secret } = (await hook.json()) as { url: string; secret: string };
    expect(url).toBe(hookUrl);
    receiver.secret = secret;

    // One request end to end first: the worker is up and the whole path works before anything breaks.
    const warmUp = await fileMany(1);
    await waitForDeliveries(warmUp, 60_000);
    for (const f of warmUp) {
      earlier.references.add(f.reference);
      earlier.ids.add(f.id);
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled(children.map((c) => stopProcess(c.process, 'SIGTERM', 10_000)));
    await Promise.allSettled([
      redis ? stopProcess(redis.process, 'SIGKILL') : undefined,
      mail?.close(),
      receiver.stop(),
      dataSource?.isInitialized ? dataSource.destroy() : undefined,
    ]);
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('Redis stopped while 500 submissions arrive: every one accepted, then each receipt and webhook exactly once', async () => {
    const count = 500;
    await stopProcess(redis!.process, 'SIGKILL');
    expect(redis!.process.signalCode).toBe('SIGKILL');

    const started = Date.now();
    const filed = await fileMany(count);
    note(`${count} submissions filed with Redis down in ${Date.now() - started} ms`);
    const references = new Set(filed.map((f) => f.reference));
    const ids = new Set(filed.map((f) => f.id));
    expect(references.size).toBe(count);
    expect(ids.size).toBe(count);
    // Redis was down the whole time: every effect waits in the outbox (receipt, webhook; the routing is the
    // submit's own, no job; no caseworker of this organisation chose instant emails, so no notice), none relayed.
    expect(await outboxState([...ids])).toEqual({ total: 2 * count, relayed: 0, open: 2 * count, failed: 0 });
    expect(receiptsFor(references)).toEqual([]);
    expect(hooksFor(ids)).toEqual([]);

    // The same port, nothing in it: the relay must fill it again from the outbox.
    redis = await startRedisServer(redisPort);
    const back = Date.now();
    await waitForDeliveries(filed, 120_000);
    note(`${count} receipts and webhooks delivered ${Date.now() - back} ms after Redis came back`);

    const receipts = receiptsFor(references);
    const byReference = groupBy(receipts, (m) => referenceOf(m)!);
    expect([...references].filter((r) => byReference.get(r)?.length !== 1)).toEqual([]);
    expect(receipts).toHaveLength(count);
    expect(new Set(receipts.map((m) => m.messageId)).size).toBe(count);
    // Each one whole: the receipt's mentions for its own request (RECEIPT_EMAIL=text, no attachment).
    expect(
      receipts.filter(
        (m) => !m.text.includes(`ACCUSÉ DE RÉCEPTION`) || !m.text.includes(`Référence : ${referenceOf(m)}`),
      ),
    ).toEqual([]);

    const hooks = hooksFor(ids);
    const bySubmission = groupBy(hooks, (h) => String(h.body.data.submissionId));
    expect([...ids].filter((id) => bySubmission.get(id)?.length !== 1)).toEqual([]);
    expect(hooks).toHaveLength(count);
    expect(hooks.filter((h) => !h.verified)).toEqual([]);
    expect(new Set(hooks.map((h) => h.id)).size).toBe(count);
    const referenceOfId = new Map(filed.map((f) => [f.id, f.reference]));
    expect(hooks.filter((h) => h.body.data.reference !== referenceOfId.get(String(h.body.data.submissionId)))).toEqual(
      [],
    );
    // Nothing was refused along the way either (the receiver answered every call).
    expect(receiver.received.filter((h) => ids.has(String(h.body.data.submissionId)))).toHaveLength(count);

    expect(await outboxState()).toMatchObject({ open: 0, failed: 0 });
    const deliveries = (await db().query(
      `SELECT status, count(*)::int AS n FROM delivery WHERE submission_id = ANY($1) GROUP BY status`,
      [[...ids]],
    )) as Array<{ status: string; n: number }>;
    expect(deliveries).toEqual([{ status: 'sent', n: 2 * count }]);

    for (const f of filed) {
      earlier.references.add(f.reference);
      earlier.ids.add(f.id);
    }
  });

  it('a worker killed with SIGKILL in the middle of a batch: nothing lost, repeats only where the peer had accepted', async () => {
    const count = 300;
    const killAt = Math.round(count * 0.4);
    const first = children.at(-1)!;
    expect(first.name).toBe('worker');
    expect(first.process.exitCode).toBeNull();

    // Counted as each mail arrives (inside the catcher, before it answers "250"), and killed right there.
    const seen = new Set<string>();
    const killed = mail!.waitFor((m) => {
      const reference = referenceOf(m);
      if (reference && !earlier.references.has(reference)) seen.add(reference);
      if (seen.size < killAt) return false;
      if (first.process.exitCode === null && first.process.signalCode === null) first.process.kill('SIGKILL');
      return true;
    }, 120_000);
    const filing = fileMany(count);
    filing.catch(() => undefined); // awaited below; a failure before then must not go unhandled
    await killed;
    const caughtAtKill = seen.size;
    await new Promise<void>((resolve) =>
      first.process.exitCode !== null ? resolve() : first.process.once('exit', () => resolve()),
    );
    expect(first.process.signalCode).toBe('SIGKILL');

    // What the dead worker had begun and not recorded as sent: the only deliveries that may come twice.
    const interrupted = (await db().query(
      `SELECT channel, message_id FROM delivery WHERE status = 'sending' AND NOT (submission_id = ANY($1))`,
      [[...earlier.ids]],
    )) as Array<{ channel: 'email' | 'webhook'; message_id: string }>;
    const interruptedIds = new Set(interrupted.map((d) => d.message_id));
    note(
      `worker killed with ${caughtAtKill}/${count} receipts caught; ` +
        `${interrupted.filter((d) => d.channel === 'email').length} emails and ` +
        `${interrupted.filter((d) => d.channel === 'webhook').length} webhooks in flight`,
    );
    expect(caughtAtKill).toBeGreaterThanOrEqual(count * 0.2);
    expect(caughtAtKill).toBeLessThanOrEqual(count * 0.8);
    // The kill landed while the mail that triggered it was between the SMTP server and the "sent" mark.
    expect(interrupted.filter((d) => d.channel === 'email').length).toBeGreaterThanOrEqual(1);
    expect(interrupted.filter((d) => d.channel === 'email').length).toBeLessThanOrEqual(NOTIFY_CONCURRENCY);
    expect(interrupted.filter((d) => d.channel === 'webhook').length).toBeLessThanOrEqual(WEBHOOK_CONCURRENCY);

    startNode('worker');
    const filed = await filing;
    const references = new Set(filed.map((f) => f.reference));
    const ids = new Set(filed.map((f) => f.id));
    expect(references.size).toBe(count);

    const restarted = Date.now();
    await waitForDeliveries(filed, 150_000);
    note(`all delivered ${Date.now() - restarted} ms after the new worker started`);

    // Nothing lost.
    const receipts = receiptsFor(references);
    const byReference = groupBy(receipts, (m) => referenceOf(m)!);
    expect([...references].filter((r) => !byReference.has(r))).toEqual([]);
    const hooks = hooksFor(ids);
    const bySubmission = groupBy(hooks, (h) => String(h.body.data.submissionId));
    expect([...ids].filter((id) => !bySubmission.has(id))).toEqual([]);
    expect(hooks.filter((h) => !h.verified)).toEqual([]);

    // (a) One Message-ID per reference, (b) one webhook-id per submission, each its own.
    expect([...byReference].filter(([, mails]) => new Set(mails.map((m) => m.messageId)).size !== 1)).toEqual([]);
    expect(new Set(receipts.map((m) => m.messageId)).size).toBe(count);
    expect([...bySubmission].filter(([, calls]) => new Set(calls.map((h) => h.id)).size !== 1)).toEqual([]);
    expect(new Set(hooks.map((h) => h.id)).size).toBe(count);

    // (c) Raw repeats: only deliveries the dead worker had in flight, so at most its concurrency.
    const repeatedMails = [...byReference.values()].filter((mails) => mails.length > 1).map((mails) => mails[0]!);
    const repeatedHooks = [...bySubmission.values()].filter((calls) => calls.length > 1).map((calls) => calls[0]!);
    const mailRepeats = receipts.length - count;
    const hookRepeats = hooks.length - count;
    note(
      `raw repeats after SIGKILL: ${mailRepeats} emails (same Message-ID), ` +
        `${hookRepeats} webhooks (same webhook-id); ${count} distinct of each`,
    );
    expect(repeatedMails.filter((m) => !interruptedIds.has(m.messageId))).toEqual([]);
    expect(repeatedHooks.filter((h) => !interruptedIds.has(h.id))).toEqual([]);
    expect(mailRepeats).toBeLessThanOrEqual(NOTIFY_CONCURRENCY);
    expect(hookRepeats).toBeLessThanOrEqual(WEBHOOK_CONCURRENCY);
    expect(mailRepeats + hookRepeats).toBeLessThanOrEqual(NOTIFY_CONCURRENCY + WEBHOOK_CONCURRENCY);

    expect(await outboxState()).toMatchObject({ open: 0, failed: 0 });
    const deliveries = (await db().query(
      `SELECT status, count(*)::int AS n FROM delivery WHERE submission_id = ANY($1) GROUP BY status`,
      [[...ids]],
    )) as Array<{ status: string; n: number }>;
    expect(deliveries).toEqual([{ status: 'sent', n: 2 * count }]);
  });
});
