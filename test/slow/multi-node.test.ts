import { sessionCookieName } from '@guichet/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { organisationId } from '@guichet/shared';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '@guichet/mail-catcher';
import { Organisation, createDataSource } from '@guichet/persistence';
import { QueueConnection, QueueName, claimKey, defaultQueuePrefix } from '@guichet/queue';
import { REFERENCE_PATTERN } from '@guichet/submissions';
import { HOUSEKEEPING_JOB_OPTIONS } from '../../apps/worker/src/housekeeping';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '../support/database';
import { signInEnv, startIdp, type RunningIdp } from '../support/idp';
import { DIST, GiveUp, collectOutput, freePort, stopProcess, waitUntil } from '../support/processes';
import { SessionClient } from '../support/session-client';
import { referenceOf, noteWriter, inPool, groupBy } from '../support/slow-helpers';

/** Concurrency of the notify queue in one worker process (apps/worker/src/workflow): what one SIGKILL can interrupt. */
const NOTIFY_CONCURRENCY = 8;
/** The housekeeping tasks of apps/worker/src/maintenance.service.ts, each a job scheduler `housekeeping-<name>`. */
const HOUSEKEEPING_TASKS = [
  'orphan-files',
  'pings',
  'outbox',
  'exports',
  'stale-drafts',
  'retention-notices',
  'digests',
  'retention-purge',
];
/** The period the test gives them (production: an hour). */
const PERIOD_MS = 3000;
const HOUR_MS = 3600_000;
const SLUG = 'cantine-noeuds';

interface Child {
  name: string;
  process: ChildProcess;
  output: { text: () => string };
}

interface Filed {
  id: string;
  reference: string;
}

/** One installation: its database, its mail catcher, its queue prefix, its processes. */
interface Installation {
  label: string;
  database: TestDatabase;
  dataSource: DataSource;
  mail: MailCatcher;
  dataDir: string;
  env: Record<string, string>;
  apis: string[];
  prefix: string;
  queue: QueueConnection;
}

const note = noteWriter('multi-node');

/** What the citizens' browsers had to try again, by cause: reported, as a busy machine makes some. */
const retried = new Map<string, number>();

/**
 * One browser in front of a load balancer: the cookies belong to the site,
 * whichever API process answers (the API processes listen on two ports here,
 * behind one host name in production). Like a browser, it tries a request
 * again when the connection drops before an answer (a kept-alive socket the
 * server had just closed) or when the API answers 503 (busy: « Réessayez dans
 * quelques instants »); a submit carries an Idempotency-Key, so a repeat gets the first
 * answer.
 */
class SiteBrowser {
  readonly cookies = new Map<string, string>();

  async call(
    base: string,
    method: string,
    path: string,
    body?: unknown,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown> | null }> {
    for (let attempt = 1; ; attempt++) {
      let answer: { status: number; body: Record<string, unknown> | null };
      try {
        answer = await this.once(base, method, path, body, extraHeaders);
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const why = `${String(error)}: ${cause?.code ?? cause?.message ?? 'no cause'}`;
        if (attempt >= 3 || !(error instanceof TypeError)) throw new Error(`${method} ${base}${path}: ${why}`);
        retried.set(why, (retried.get(why) ?? 0) + 1);
        continue;
      }
      if (answer.status === 503 && attempt < 3) {
        const why = `503 ${String(answer.body?.code)}`;
        retried.set(why, (retried.get(why) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
        continue;
      }
      return { status: answer.status, body: answer.body };
    }
  }

  private async once(
    base: string,
    method: string,
    path: string,
    body: unknown,
    extraHeaders: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> | null }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...extraHeaders };
    const csrf = this.cookies.get('csrf_token');
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(90_000),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
    };
  }
}

/** Deletes every key of a queue prefix (queues, schedulers, the installation's claim) from the shared Redis. */
async function deletePrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Guichet as an operator runs it on several machines, with real processes
 * (the API and the worker as built, in dist/): two API processes and three
 * workers on one PostgreSQL database and the machine's Redis. Citizens draft
 * on one API and submit on the other (their session crosses every time); a
 * worker is SIGKILLed while receipts are in flight; every receipt is sent
 * exactly once (one Message-ID per request: a mail the dead worker had
 * handed to the SMTP server before recording it may come again with the same
 * Message-ID, the one window no queue can close), and every housekeeping task
 * runs once per period between the three workers. Then a second installation
 * (its own database, the prefix derived from its own id) runs on the same
 * Redis at the same time, and neither takes the other's jobs.
 */
describe('several API and worker processes', () => {
  const children: Child[] = [];
  const installations: Installation[] = [];
  const redisUrl = testRedisUrl();
  let idp: RunningIdp | undefined;
  /** Requests filed before the big run (the session test's), so that each test counts only its own. */
  const earlier = new Set<string>();

  function startNode(kind: 'api' | 'worker', name: string, env: Record<string, string>): Child {
    const child = spawn(process.execPath, [join(DIST, 'apps', kind, 'src', 'main.js')], {
      env: { ...process.env, ...env },
      // An IPC channel: if jest itself dies, the child sees it close and stops (watchParent).
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const started = { name, process: child, output: collectOutput(child) };
    children.push(started);
    return started;
  }

  function child(name: string): Child {
    return children.find((c) => c.name === name)!;
  }

  async function waitReady(api: Child, base: string): Promise<void> {
    await waitUntil(`${api.name} ready`, 90_000, async () => {
      if (api.process.exitCode !== null) throw new GiveUp(`${api.name} exited: ${api.output.text()}`);
      return (await fetch(`${base}/health/ready`)).status === 200 || undefined;
    });
  }

  /** A database, a mail catcher and the processes of one installation; `prefix` undefined lets it derive its own. */
  async function startInstallation(
    label: string,
    counts: { apis: number; workers: number },
    prefix: string | undefined,
    apiPorts?: number[],
  ): Promise<Installation> {
    const database = await createTestDatabase();
    const dataSource = createDataSource({ url: database.url, poolSize: 2, applicationName: `guichet-${label}-test` });
    await dataSource.initialize();
    const mail = await startMailCatcher({ smtpPort: 0, httpPort: 0, max: 10_000 });
    // One attachments folder for every process of the installation: the shared volume of a real install.
    const dataDir = await mkdtemp(join(tmpdir(), `guichet-${label}-`));
    const ports = apiPorts ?? (await Promise.all(Array.from({ length: counts.apis }, () => freePort())));
    const apis = ports.map((port) => `http://127.0.0.1:${port}`);
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      // Eight processes on a PostgreSQL shared with other runs (100 connections): small pools, the workers' larger.
      DATABASE_POOL_SIZE: '6',
      QUEUE_BACKEND: 'redis',
      REDIS_URL: redisUrl,
      ...(prefix ? { QUEUE_PREFIX: prefix } : {}),
      // One secret for every API process of the installation: a session opened on one is read by the others.
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`,
      RETRY_DELAY_SCALE: '0.01',
      // Faults, not overload: these citizens do not wait and retry a 503 as the page does, so neither do changes take
      // turns nor are they shed on the pool's queue here (unit-tested, and measured by bench/overload.bench.ts).
      OVERLOAD_MAX_INFLIGHT: '0',
      OVERLOAD_DB_WAIT_MS: '0',
      OUTBOX_RECONCILE_SECONDS: '5',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      // A thousand citizens from 127.0.0.1: several processes are the subject here, not rate limits.
      RATE_LIMITS: 'off',
      ...(idp ? signInEnv(idp.issuer, idp.secret) : {}),
    };
    const apiChildren = ports.map((port, i) =>
      startNode('api', `${label}-api${i + 1}`, { ...env, PORT: String(port), PUBLIC_URL: apis[i]! }),
    );
    for (let i = 1; i <= counts.workers; i++) {
      startNode('worker', `${label}-worker${i}`, { ...env, DATABASE_POOL_SIZE: '6' });
    }
    await Promise.all(apiChildren.map((api, i) => waitReady(api, apis[i]!)));

    const [{ id }] = (await dataSource.query(`SELECT id FROM installation`)) as [{ id: string }];
    const installation: Installation = {
      label,
      database,
      dataSource,
      mail,
      dataDir,
      env,
      apis,
      prefix: prefix ?? defaultQueuePrefix(id!),
      queue: undefined as unknown as QueueConnection,
    };
    installation.queue = new QueueConnection({
      kind: 'redis',
      redisUrl,
      databaseUrl: database.url,
      prefix: installation.prefix,
    });
    installations.push(installation);

    // Every worker process takes jobs from the queues (the housekeeping one included) before anything is filed.
    await waitUntil(`${label}: ${counts.workers} workers on each queue`, 60_000, async () => {
      for (const c of children.filter((c) => c.name.startsWith(`${label}-worker`))) {
        if (c.process.exitCode !== null) throw new GiveUp(`${c.name} exited: ${c.output.text()}`);
      }
      const [notify, housekeeping] = await Promise.all(
        [QueueName.Notify, QueueName.Housekeeping].map((q) => installation.queue.queue(q).getWorkersCount()),
      );
      const schedulers = await installation.queue.queue(QueueName.Housekeeping).getJobSchedulersCount();
      return (notify === counts.workers && housekeeping === counts.workers && schedulers > 0) || undefined;
    });

    // A service, created through one API and published through the other.
    const organisation = await dataSource
      .getRepository(Organisation)
      .save({ slug: `commune-${randomBytes(4).toString('hex')}`, name: `Commune de test (${label})` });
    const { token } = await new ApiTokenService(dataSource).issue({
      organisationId: organisationId(organisation.id),
      name: 'plusieurs-noeuds',
      role: 'designer',
    });
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${apis[0]}/api/v1/services`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        slug: SLUG,
        title: 'Cantine (plusieurs nœuds)',
        organisationId: organisation.id,
        definition: canteenDefinition(),
      }),
    });
    expect(created.status).toBe(201);
    const published = await fetch(`${apis.at(-1)}/api/v1/services/${SLUG}/publish`, {
      method: 'POST',
      headers: auth,
    });
    expect(published.status).toBe(201);
    return installation;
  }

  /** One anonymous citizen drafts on one API and submits on another (the session crosses); or why it was refused. */
  async function file(draftOn: string, submitOn: string): Promise<Filed | { error: string }> {
    const browser = new SiteBrowser();
    try {
      const draft = await browser.call(draftOn, 'POST', `/api/v1/public/services/${SLUG}/submissions`, {
        data: validCanteenData(),
      });
      if (draft.status !== 201) return { error: `draft ${draft.status} ${JSON.stringify(draft.body)}` };
      const id = String(draft.body!.id);
      const done = await browser.call(
        submitOn,
        'POST',
        `/api/v1/submissions/${id}/submit`,
        {},
        { 'idempotency-key': randomBytes(16).toString('hex') },
      );
      const reference = done.body?.reference;
      if (done.status !== 200 || typeof reference !== 'string' || !REFERENCE_PATTERN.test(reference)) {
        return { error: `submit ${done.status} ${JSON.stringify(done.body)}` };
      }
      return { id, reference };
    } catch (error) {
      return { error: String(error) };
    }
  }

  /** `count` citizens, `parallel` at a time, alternating which API takes the draft and which the submit. */
  async function fileMany(installation: Installation, count: number, parallel = 16): Promise<Filed[]> {
    const { apis } = installation;
    const answers = await inPool(
      Array.from({ length: count }, (_, i) => i),
      parallel,
      (i) => file(apis[i % apis.length]!, apis[(i + 1) % apis.length]!),
    );
    const refused = answers.filter((a): a is { error: string } => 'error' in a);
    expect(refused.slice(0, 5)).toEqual([]);
    return answers as Filed[];
  }

  function receiptsFor(installation: Installation, references: ReadonlySet<string>): CaughtMail[] {
    return installation.mail.messages().filter((m) => {
      const reference = referenceOf(m);
      return reference !== undefined && references.has(reference);
    });
  }

  async function outboxState(installation: Installation): Promise<{ open: number; failed: number }> {
    const [row] = (await installation.dataSource.query(
      `SELECT count(*) FILTER (WHERE done_at IS NULL)::int AS open, count(failed_at)::int AS failed FROM outbox`,
    )) as Array<{ open: number; failed: number }>;
    return row!;
  }

  /** Waits until every reference has its receipt in the installation's own mail catcher, and its outbox is drained. */
  async function waitForReceipts(installation: Installation, filed: readonly Filed[], timeoutMs: number) {
    const references = new Set(filed.map((f) => f.reference));
    const mailed = () => new Set(receiptsFor(installation, references).map(referenceOf)).size;
    const workers = children.filter((c) => c.name.startsWith(`${installation.label}-worker`));
    try {
      await waitUntil(`${filed.length} receipts (${installation.label})`, timeoutMs, () => {
        if (workers.every((w) => w.process.exitCode !== null || w.process.signalCode !== null)) {
          throw new GiveUp('every worker exited');
        }
        return mailed() === references.size || undefined;
      });
      await waitUntil('an empty outbox', 60_000, async () => (await outboxState(installation)).open === 0 || undefined);
    } catch (error) {
      throw new Error(
        `${(error as Error).message} (${mailed()} receipts; outbox ${JSON.stringify(
          await outboxState(installation),
        )}; workers said: ${workers.map((w) => `${w.name}: ${w.output.text().slice(-1500)}`).join(' | ')})`,
      );
    }
  }

  /** No process died on its own (the one the test killed aside); and what the browsers had to try again. */
  function expectAllAlive(): void {
    const dead = children.filter((c) => c.name !== 'a-worker1' && c.process.exitCode !== null);
    expect(dead.map((c) => `${c.name}: ${c.output.text().slice(-2000)}`)).toEqual([]);
    if (retried.size) note(`requests tried again: ${[...retried].map(([why, n]) => `${n} × ${why}`).join('; ')}`);
    retried.clear();
  }

  /** Every job of these queues in these states, as BullMQ keeps them. */
  async function jobs(installation: Installation, queues: QueueName[], states: Array<'completed' | 'failed'>) {
    const all: Job[] = [];
    for (const name of queues) all.push(...(await installation.queue.queue(name).getJobs(states, 0, -1)));
    return all.filter(Boolean);
  }

  beforeAll(async () => {
    // The identity provider, for the signed-in session test; both APIs' callbacks are registered.
    const ports = [await freePort(), await freePort()];
    idp = await startIdp({
      redirectUris: ports.map((p) => `http://127.0.0.1:${p}/auth/callback`),
      postLogoutRedirectUris: ports.map((p) => `http://127.0.0.1:${p}/`),
    });
    await startInstallation('a', { apis: 2, workers: 3 }, `mnode${randomBytes(4).toString('hex')}`, ports);
  }, 240_000);

  afterAll(async () => {
    await Promise.allSettled(children.map((c) => stopProcess(c.process, 'SIGTERM', 10_000)));
    await Promise.allSettled([
      idp?.stop(),
      ...installations.map(async (i) => {
        await i.queue.close();
        await i.mail.close();
        if (i.dataSource.isInitialized) await i.dataSource.destroy();
        await deletePrefix(redisUrl, i.prefix);
        await i.database.drop();
        await rm(i.dataDir, { recursive: true, force: true });
      }),
    ]);
  }, 60_000);

  it('a session opened on one API works on the other, for a signed-in citizen as for an anonymous one', async () => {
    const [one, two] = installations[0]!.apis as [string, string];
    const signedIn = await SessionClient.signIn(one, 'citizen', 'citoyen-marie-claire-dubois');
    const me = await signedIn.call('GET', '/api/v1/me');
    expect(me.status).toBe(200);

    // The same cookies (session and CSRF) at the other API process.
    const browser = new SiteBrowser();
    for (const name of [sessionCookieName({ SESSION_SECRET: installations[0]!.env.SESSION_SECRET }), 'csrf_token']) {
      const value = signedIn.cookies.cookie(one, name);
      expect(value).toBeTruthy();
      browser.cookies.set(name, value!);
    }
    const there = await browser.call(two, 'GET', '/api/v1/me');
    expect(there).toMatchObject({ status: 200, body: { id: me.body.id, kind: 'citizen' } });
    // A state-changing call with the CSRF token the first API gave: a draft on the second, submitted on the first.
    const draft = await browser.call(two, 'POST', `/api/v1/public/services/${SLUG}/submissions`, {
      data: validCanteenData(),
    });
    expect(draft.status).toBe(201);
    const submitted = await signedIn.call('POST', `/api/v1/submissions/${String(draft.body!.id)}/submit`, {});
    expect(submitted.status).toBe(200);
    expect(submitted.body.reference).toMatch(REFERENCE_PATTERN);
    earlier.add(submitted.body.reference as string);
    const mine = await browser.call(two, 'GET', `/api/v1/submissions/${String(draft.body!.id)}`);
    expect(mine.status).toBe(200);

    // Signed out on the second: the session is gone on the first too.
    expect((await browser.call(two, 'POST', '/auth/logout', {})).status).toBe(200);
    expect((await signedIn.call('GET', '/api/v1/me')).status).toBe(401);
    note('a session opened on API 1 (sign-in, CSRF) worked on API 2: /me, a draft, a submit back on API 1, sign-out');
  });

  it('1,000 submits over both APIs, a worker SIGKILLed while receipts are in flight: every receipt once, every housekeeping task once per period', async () => {
    const a = installations[0]!;
    const count = 1000;
    const killAt = Math.round(count * 0.4);
    const housekeeping = a.queue.queue(QueueName.Housekeeping);

    // Three workers started, each upserted the same schedulers: seven, not twenty-one, each with one next job.
    const hourly = await housekeeping.getJobSchedulers(0, -1);
    expect(hourly.map((s) => s.key).sort()).toEqual(HOUSEKEEPING_TASKS.map((t) => `housekeeping-${t}`).sort());
    expect(hourly.every((s) => Number(s.every) === HOUR_MS)).toBe(true);
    expect(await housekeeping.getJobCounts('delayed', 'waiting', 'active')).toEqual({
      delayed: HOUSEKEEPING_TASKS.length,
      waiting: 0,
      active: 0,
    });
    // Every worker has upserted its seven schedulers (each upsert takes one id from the queue's counter; no job has
    // run yet, the first is an hour away), so none of them will set the hour back.
    const redis = new Redis(redisUrl);
    try {
      await waitUntil('three workers upserted their schedulers', 60_000, async () => {
        const upserts = Number(await redis.get(`{${a.prefix}}:${QueueName.Housekeeping}:id`));
        return upserts >= 3 * HOUSEKEEPING_TASKS.length || undefined;
      });
    } finally {
      redis.disconnect();
    }
    // The period made short, with the product's own call (production keeps the hour). Removed first: BullMQ keeps a
    // scheduler's offset when its period changes in place, and the hour's offset would push late runs an hour away.
    const shortened = Date.now();
    for (const task of HOUSEKEEPING_TASKS) {
      await housekeeping.removeJobScheduler(`housekeeping-${task}`);
      await a.queue.schedule(
        QueueName.Housekeeping,
        `housekeeping-${task}`,
        PERIOD_MS,
        `housekeeping.${task}`,
        HOUSEKEEPING_JOB_OPTIONS,
      );
    }

    const victim = child('a-worker1');
    expect(victim.process.exitCode).toBeNull();
    const seen = new Set<string>();
    // Counted as each mail arrives (inside the catcher, before it answers "250"), and the worker killed right there,
    // on one of its own mails: that job is then in flight for sure (killed on any mail, the victim was sometimes
    // idle at that instant and nothing was left to take over: CI, stop 26).
    const killed = a.mail.waitFor((m) => {
      const reference = referenceOf(m);
      if (reference && !earlier.has(reference)) seen.add(reference);
      if (seen.size < killAt || !ownsTcpPort(victim.process.pid!, m.clientPort)) return false;
      if (victim.process.exitCode === null && victim.process.signalCode === null) victim.process.kill('SIGKILL');
      return true;
    }, 400_000);
    killed.catch(() => undefined);

    const started = Date.now();
    let filedMs = 0;
    const filing = fileMany(a, count).then((filed) => {
      filedMs = Date.now() - started;
      return filed;
    });
    filing.catch(() => undefined); // awaited below; a failure before then must not go unhandled

    await killed;
    const caughtAtKill = seen.size;
    await new Promise<void>((resolve) =>
      victim.process.exitCode !== null || victim.process.signalCode !== null
        ? resolve()
        : victim.process.once('exit', () => resolve()),
    );
    expect(victim.process.signalCode).toBe('SIGKILL');
    // What was begun and not recorded as sent when the worker died (the others' too, a superset): the only
    // receipts that may come twice. The dead worker's stay 'sending' until another worker takes its jobs over.
    const sendingAtKill = (await a.dataSource.query(
      `SELECT message_id FROM delivery WHERE channel = 'email' AND status = 'sending'`,
    )) as Array<{ message_id: string }>;
    const inFlight = new Set(sendingAtKill.map((d) => d.message_id));
    note(`worker killed with ${caughtAtKill}/${count} receipts caught, ${inFlight.size} emails being sent`);

    const filed = await filing;
    note(`${count} submits over 2 APIs in ${filedMs} ms: ${((count * 1000) / filedMs).toFixed(1)} submits/s`);
    const references = new Set(filed.map((f) => f.reference));
    expect(references.size).toBe(count);
    expect(caughtAtKill).toBeLessThan(count);

    await waitForReceipts(a, filed, 300_000);
    const allMs = Date.now() - started;
    note(`all ${count} receipts ${allMs} ms after the first submit (${allMs - filedMs} ms after the last)`);

    // Every receipt, each with one Message-ID of its own.
    const receipts = receiptsFor(a, references);
    const byReference = groupBy(receipts, (m) => referenceOf(m)!);
    expect([...references].filter((r) => !byReference.has(r))).toEqual([]);
    expect([...byReference].filter(([, mails]) => new Set(mails.map((m) => m.messageId)).size !== 1)).toEqual([]);
    const distinctIds = new Set(receipts.map((m) => m.messageId)).size;
    expect(distinctIds).toBe(count);
    // Each one whole: the receipt's mentions for its own request (RECEIPT_EMAIL=text, no attachment).
    expect(
      receipts.filter(
        (m) => !m.text.includes(`ACCUSÉ DE RÉCEPTION`) || !m.text.includes(`Référence : ${referenceOf(m)}`),
      ),
    ).toEqual([]);
    // Raw repeats (same Message-ID, for the mail server to drop) come only from the window no queue can close: the
    // SMTP server accepted the mail, and the "sent" mark was not written, because the worker died (in flight at the
    // kill) or the mark failed and the job was tried again (a busy PostgreSQL pool).
    const done = await jobs(a, [QueueName.Notify], ['completed']);
    const receiptJobs = done.filter((j) => j.name === 'notify.email');
    const jobOf = new Map(receiptJobs.map((j) => [(j.data as { submissionId: string }).submissionId, j]));
    const idOf = new Map(filed.map((f) => [f.reference, f.id]));
    const repeated = [...byReference.values()].filter((mails) => mails.length > 1).map((mails) => mails[0]!);
    const retriedJob = (m: CaughtMail) => {
      const job = jobOf.get(idOf.get(referenceOf(m)!)!);
      return job !== undefined && (job.attemptsMade > 1 || job.stalledCounter > 0);
    };
    const rawRepeats = receipts.length - count;
    note(
      `receipts: ${count} requests, ${distinctIds} distinct Message-IDs, ${count - distinctIds} duplicates; ` +
        `${rawRepeats} raw repeats of a Message-ID (${repeated.filter((m) => inFlight.has(m.messageId)).length} ` +
        `in flight at the SIGKILL, ${repeated.filter((m) => !inFlight.has(m.messageId)).length} after a retried attempt)`,
    );
    expect(repeated.filter((m) => !inFlight.has(m.messageId) && !retriedJob(m))).toEqual([]);

    // The dead worker's jobs were in flight: the others took them over once their locks lapsed.
    const takenOver = receiptJobs.filter((j) => j.stalledCounter > 0).length;
    note(`${takenOver} receipt jobs taken over from the killed worker`);
    expect(takenOver).toBeGreaterThanOrEqual(1);
    expect(takenOver).toBeLessThanOrEqual(NOTIFY_CONCURRENCY);
    expect(await outboxState(a)).toEqual({ open: 0, failed: 0 });
    const deliveries = (await a.dataSource.query(
      `SELECT status, count(*)::int AS n FROM delivery WHERE channel = 'email' AND submission_id = ANY($1)
       GROUP BY status`,
      [filed.map((f) => f.id)],
    )) as Array<{ status: string; n: number }>;
    expect(deliveries).toEqual([{ status: 'sent', n: count }]);

    // Housekeeping: one job per task and period (its id names the period), between the workers, never two.
    const elapsed = Date.now() - shortened;
    const schedulers = await housekeeping.getJobSchedulers(0, -1);
    expect(schedulers.map((s) => [s.key, Number(s.every)]).sort()).toEqual(
      HOUSEKEEPING_TASKS.map((t) => [`housekeeping-${t}`, PERIOD_MS]).sort(),
    );
    // Failed for good: none. A run may have failed an attempt (a busy pool) and succeeded on its retry: reported.
    expect(await jobs(a, [QueueName.Housekeeping], ['failed'])).toEqual([]);
    const ran = await jobs(a, [QueueName.Housekeeping], ['completed']);
    const retriedRuns = ran.filter((j) => j.attemptsMade > 1).length;
    const byTask = groupBy(ran, (j) => j.name);
    expect([...byTask.keys()].sort()).toEqual(HOUSEKEEPING_TASKS.map((t) => `housekeeping.${t}`).sort());
    const periods = Math.ceil(elapsed / PERIOD_MS);
    const lines: string[] = [];
    for (const [task, runs] of byTask) {
      const slots = runs.map((j) => Number(/:(\d+)$/.exec(j.id!)![1]));
      const sorted = [...slots].sort((x, y) => x - y);
      expect(new Set(slots).size).toBe(runs.length);
      const gaps = sorted.slice(1).map((t, i) => t - sorted[i]!);
      expect(gaps.filter((g) => g < PERIOD_MS)).toEqual([]);
      expect(runs.length).toBeLessThanOrEqual(periods + 1);
      expect(runs.length).toBeGreaterThanOrEqual(3);
      lines.push(`${task.replace('housekeeping.', '')} ${runs.length}`);
    }
    // A task the killed worker was running is run again by another (at-least-once): at most one, it runs one at a time.
    const rerun = ran.filter((j) => j.stalledCounter > 0).length;
    expect(rerun).toBeLessThanOrEqual(1);
    note(
      `housekeeping over ${periods} periods of ${PERIOD_MS} ms, 3 then 2 workers: runs per task ${lines.join(', ')}; ` +
        `${rerun} run again after the SIGKILL, ${retriedRuns} retried after a failed attempt`,
    );
    expectAllAlive();
  }, 480_000);

  it('a second installation on the same Redis at the same time: its own prefix, its own jobs, each receipt once', async () => {
    const a = installations[0]!;
    const b = await startInstallation('b', { apis: 1, workers: 2 }, undefined);
    expect(b.prefix).toMatch(/^guichet-[0-9a-f]{12}$/);
    expect(b.prefix).not.toBe(a.prefix);
    const [{ id: idA }] = (await a.dataSource.query(`SELECT id FROM installation`)) as [{ id: string }];
    const [{ id: idB }] = (await b.dataSource.query(`SELECT id FROM installation`)) as [{ id: string }];
    const redis = new Redis(redisUrl);
    try {
      expect(await redis.get(claimKey(a.prefix))).toBe(idA);
      expect(await redis.get(claimKey(b.prefix))).toBe(idB);
    } finally {
      redis.disconnect();
    }
    // Each prefix's queues have their installation's workers only: two left of A's three, B's two.
    expect(await a.queue.queue(QueueName.Notify).getWorkersCount()).toBe(2);
    expect(await b.queue.queue(QueueName.Notify).getWorkersCount()).toBe(2);
    expect(await b.queue.queue(QueueName.Housekeeping).getJobSchedulersCount()).toBe(HOUSEKEEPING_TASKS.length);

    const count = 100;
    const started = Date.now();
    const [filedA, filedB] = await Promise.all([fileMany(a, count, 8), fileMany(b, count, 8)]);
    const filedMs = Date.now() - started;
    await Promise.all([waitForReceipts(a, filedA, 240_000), waitForReceipts(b, filedB, 240_000)]);
    const allMs = Date.now() - started;
    note(
      `two installations at once: ${2 * count} submits in ${filedMs} ms (${((2 * count * 1000) / filedMs).toFixed(
        1,
      )} submits/s), all receipts ${allMs} ms after the first submit`,
    );

    const lines: string[] = [];
    for (const [mine, filed, theirs] of [
      [a, filedA, filedB],
      [b, filedB, filedA],
    ] as const) {
      const references = new Set(filed.map((f) => f.reference));
      // Sent by the installation's own workers (they alone have its SMTP settings), once each.
      const receipts = receiptsFor(mine, references);
      const byReference = groupBy(receipts, (m) => referenceOf(m)!);
      expect([...references].filter((r) => byReference.get(r)?.length !== 1)).toEqual([]);
      expect(new Set(receipts.map((m) => m.messageId)).size).toBe(count);
      // None of the other installation's requests reached this one's mail.
      expect(receiptsFor(mine, new Set(theirs.map((f) => f.reference)))).toEqual([]);
      // Every receipt job this installation's queue completed is about one of its own requests, and nothing failed
      // (a job taken by the other installation's worker would fail there: « outbox row … » unknown).
      const ids = new Set(
        ((await mine.dataSource.query(`SELECT id FROM submission`)) as Array<{ id: string }>).map((r) => r.id),
      );
      const done = await jobs(mine, [QueueName.Notify], ['completed']);
      expect(done.filter((j) => !ids.has(String((j.data as { submissionId: string }).submissionId)))).toEqual([]);
      const receiptJobsFor = new Set(
        done.filter((j) => j.name === 'notify.email').map((j) => (j.data as { submissionId: string }).submissionId),
      );
      expect(filed.filter((f) => !receiptJobsFor.has(f.id))).toEqual([]);
      const failed = await jobs(
        mine,
        [QueueName.Notify, QueueName.Route, QueueName.Webhook, QueueName.System, QueueName.Housekeeping],
        ['failed'],
      );
      expect(failed.map((j) => `${j.name}: ${j.failedReason}`)).toEqual([]);
      expect(await outboxState(mine)).toEqual({ open: 0, failed: 0 });
      lines.push(`${mine.label} (${mine.prefix === a.prefix ? 'QUEUE_PREFIX' : 'derived'} prefix): ${count} receipts`);
    }
    note(`${lines.join(', ')}; 0 duplicates, 0 jobs of one installation seen by the other`);
    expectAllAlive();
  }, 360_000);
});

/** Whether process `pid` holds the TCP socket whose local port is `port` (Linux: its fds against /proc/net/tcp*). */
function ownsTcpPort(pid: number, port: number): boolean {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false; // the process is gone
  }
  for (const fd of fds) {
    try {
      const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (socket) inodes.add(socket[1]!);
    } catch {
      // closed in the meantime
    }
  }
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return ['/proc/net/tcp', '/proc/net/tcp6'].some((table) =>
    readFileSync(table, 'utf8')
      .split('\n')
      .slice(1)
      .some((line) => {
        const columns = line.trim().split(/\s+/);
        return columns[1]?.endsWith(hex) === true && inodes.has(columns[9] ?? '');
      }),
  );
}
