import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { organisationId } from '@guichet/shared';
import { startMailCatcher, type MailCatcher } from '@guichet/mail-catcher';
import { Organisation, createDataSource, runMigrations } from '@guichet/persistence';
import { REFERENCE_PATTERN } from '@guichet/submissions';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { testRedisUrl } from '../support/database';
import {
  DIST,
  GiveUp,
  collectOutput,
  freePort,
  startEmbeddedServer,
  stopProcess,
  waitUntil,
  type EmbeddedServer,
} from '../support/processes';
import { REFERENCE_IN_TEXT, referenceOf, noteWriter } from '../support/slow-helpers';

/** A request that takes longer than this during the outage counts as a hang. */
const FAIL_FAST_MS = 5_000;
/** Virtual citizens filing at once. */
const CITIZENS = 6;
/** How long PostgreSQL stays away between its fast shutdown and its start. */
const DOWN_MS = 3_000;

type Step = 'create' | 'autosave' | 'submit';

interface Call {
  step: Step;
  status: number | 'thrown';
  code?: string;
  ms: number;
  at: number;
}

/** What one citizen did and what the API answered, step by step: the test's record of what must be in the database. */
interface Journey {
  id?: string;
  calls: Call[];
  /** The last step that the API confirmed (2xx). */
  confirmed?: Step;
  reference?: string;
  /** The citizen's browser (cookies kept), to come back later. */
  call?: ReturnType<typeof browserOf>;
}

function browserOf(base: string, journey: Journey) {
  const client = new CookieClient();
  return async (step: Step, method: string, path: string, body: unknown) => {
    const csrf = client.cookie(base, 'csrf_token');
    const at = Date.now();
    try {
      const response = await client.request(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: JSON.stringify(body),
        // Far above the bound: a hang shows up as a slow call, not as a test timeout.
        signal: AbortSignal.timeout(20_000),
      });
      const text = await response.text();
      const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      journey.calls.push({
        step,
        status: response.status,
        code: typeof json.code === 'string' ? json.code : undefined,
        ms: Date.now() - at,
        at,
      });
      return { status: response.status, body: json };
    } catch (error) {
      journey.calls.push({ step, status: 'thrown', code: String(error), ms: Date.now() - at, at });
      return { status: 0, body: {} as Record<string, unknown> };
    }
  };
}

const note = noteWriter('postgres-restart');

/**
 * PostgreSQL restarted (fast shutdown, then started again on the same port
 * and data) under a running API and worker while citizens draft, autosave and
 * submit. Requests during the outage fail fast with 503 SERVICE_UNAVAILABLE
 * (never a 500, never a hang); the processes recover without a restart; and
 * the database holds exactly what the API confirmed: every reference is a
 * complete submission (event, outbox rows, then its receipt), every 503 left
 * nothing behind, and a citizen whose submit was refused submits again.
 */
describe('PostgreSQL restarted under load', () => {
  jest.setTimeout(120_000);

  const slug = 'cantine-redemarrage';
  const children: Array<{ name: string; process: ChildProcess; output: { text: () => string } }> = [];
  let dataDir: string;
  let pgPort: number;
  let postgres: EmbeddedServer;
  let dataSource: DataSource | undefined;
  let mail: MailCatcher | undefined;
  let base: string;

  function startNode(name: 'api' | 'worker', env: Record<string, string>) {
    const child = spawn(process.execPath, [join(DIST, 'apps', name, 'src', 'main.js')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const started = { name, process: child, output: collectOutput(child) };
    children.push(started);
    return started;
  }

  const db = () => dataSource!;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'guichet-pg-restart-'));
    pgPort = await freePort();
    postgres = await startEmbeddedServer(dataDir, pgPort);
    await runMigrations(postgres.url);
    dataSource = createDataSource({ url: postgres.url, poolSize: 2, applicationName: 'guichet-restart-test' });
    await dataSource.initialize();
    mail = await startMailCatcher({ smtpPort: 0, httpPort: 0, max: 10_000 });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = {
      NODE_ENV: 'test',
      PORT: String(port),
      DATABASE_URL: postgres.url,
      QUEUE_BACKEND: 'redis',
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: `pgrestart${randomBytes(4).toString('hex')}`,
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
      // Every citizen comes from 127.0.0.1: limits far above the load, so that the limiter runs but never refuses.
      RATE_LIMIT_DRAFTS_PER_IP: '100000',
      RATE_LIMIT_SUBMITS_PER_IP: '100000',
    };
    const api = startNode('api', env);
    startNode('worker', env);
    await waitUntil('API ready', 60_000, async () => {
      if (api.process.exitCode !== null) throw new GiveUp(`API exited: ${api.output.text()}`);
      return (await fetch(`${base}/health/ready`)).status === 200 || undefined;
    });

    const organisation = await db()
      .getRepository(Organisation)
      .save({ slug: `commune-${randomBytes(4).toString('hex')}`, name: 'Commune de test (redémarrage)' });
    const { token } = await new ApiTokenService(db()).issue({
      organisationId: organisationId(organisation.id),
      name: 'redemarrage',
      role: 'designer',
    });
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${base}/api/v1/services`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        slug,
        title: 'Cantine (redémarrage)',
        organisationId: organisation.id,
        definition: canteenDefinition(),
      }),
    });
    expect(created.status).toBe(201);
    expect((await fetch(`${base}/api/v1/services/${slug}/publish`, { method: 'POST', headers: auth })).status).toBe(
      201,
    );
  }, 90_000);

  afterAll(async () => {
    await Promise.allSettled(children.map((c) => stopProcess(c.process, 'SIGTERM', 10_000)));
    await Promise.allSettled([mail?.close(), dataSource?.isInitialized ? dataSource.destroy() : undefined]);
    await postgres?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** One citizen's browser: cookies, the CSRF token echoed back, every answer timed and recorded. */
  function browser(journey: Journey) {
    return browserOf(base, journey);
  }

  /**
   * Draft (half filled), autosave (complete), submit, from `from` to `until`;
   * stops at the first refusal, as a citizen would, to come back later.
   */
  async function file(journey: Journey, from: Step = 'create', until: Step = 'submit'): Promise<void> {
    const call = (journey.call ??= browser(journey));
    if (from === 'create') {
      const draft = await call('create', 'POST', `/api/v1/public/services/${slug}/submissions`, {
        data: { hasAllergy: 'non' },
      });
      if (draft.status !== 201) return;
      journey.id = String(draft.body.id);
      journey.confirmed = 'create';
      if (until === 'create') return;
    }
    if (from !== 'submit') {
      const saved = await call('autosave', 'PATCH', `/api/v1/submissions/${journey.id}`, {
        data: validCanteenData(),
        expectedRevision: 1,
      });
      if (saved.status !== 200) return;
      journey.confirmed = 'autosave';
      if (until === 'autosave') return;
    }
    const done = await call('submit', 'POST', `/api/v1/submissions/${journey.id}/submit`, {});
    if (done.status !== 200) return;
    journey.confirmed = 'submit';
    journey.reference = String(done.body.reference);
  }

  /**
   * Compares the database with what the API answered each citizen: a row
   * for every draft answered 201 and none for a draft refused; a submitted
   * request complete (reference, events, outbox rows like the others, the
   * saved answers); a refused autosave or submit leaving the draft as it was.
   */
  async function storedProblems(created: readonly Journey[]): Promise<string[]> {
    const rows = (await db().query(
      `SELECT s.id, s.status, s.reference, s.revision, s.data,
              (SELECT array_agg(e.type ORDER BY e.at) FROM submission_event e WHERE e.submission_id = s.id) AS events,
              (SELECT array_agg(o.topic ORDER BY o.topic) FROM outbox o WHERE o.payload->>'submissionId' = s.id::text)
                AS topics
         FROM submission s JOIN service v ON v.id = s.service_id WHERE v.slug = $1`,
      [slug],
    )) as Array<{
      id: string;
      status: string;
      reference: string | null;
      revision: number;
      data: Record<string, unknown>;
      events: string[];
      topics: string[] | null;
    }>;
    const byId = new Map(rows.map((s) => [s.id, s]));
    const problems: string[] = [];
    if (rows.length !== created.length) problems.push(`${rows.length} rows for ${created.length} drafts created`);
    const first = created.find((j) => j.confirmed === 'submit');
    const topics = first && byId.get(first.id!)?.topics?.join();
    if (!topics) problems.push('no outbox row for the first submitted request');
    for (const j of created) {
      const row = byId.get(j.id!);
      if (!row) {
        problems.push(`${j.id}: answered 201, not stored`);
      } else if (j.confirmed === 'submit') {
        if (row.status !== 'submitted' || row.reference !== j.reference || !REFERENCE_PATTERN.test(row.reference))
          problems.push(`${j.id}: submitted as ${j.reference}, stored ${row.status} ${row.reference}`);
        // The submit routes the request in its own transaction: its event comes right after.
        if (row.events.slice(0, 2).join() !== 'created,submitted' || row.events.slice(2).some((e) => e !== 'routed'))
          problems.push(`${j.id}: events ${row.events.join()}`);
        if (row.topics?.join() !== topics) problems.push(`${j.id}: outbox ${row.topics?.join()}`);
        if (!isDeepStrictEqual(row.data, validCanteenData())) problems.push(`${j.id}: answers changed`);
      } else {
        if (row.status !== 'draft' || row.reference !== null)
          problems.push(`${j.id}: refused but stored ${row.status} ${row.reference}`);
        if (row.events.join() !== 'created') problems.push(`${j.id}: refused but events ${row.events.join()}`);
        if (row.topics !== null) problems.push(`${j.id}: refused but outbox ${row.topics.join()}`);
        const saved = j.confirmed === 'autosave';
        if (
          !isDeepStrictEqual(row.data, saved ? validCanteenData() : { hasAllergy: 'non' }) ||
          row.revision !== (saved ? 2 : 1)
        )
          problems.push(`${j.id}: confirmed ${j.confirmed} but holds revision ${row.revision}`);
      }
    }
    return problems;
  }

  it('fails fast with 503 during the outage, recovers by itself, and keeps exactly what it confirmed', async () => {
    const journeys: Journey[] = [];
    const phase = { stop: false };
    const load = Promise.all(
      Array.from({ length: CITIZENS }, async () => {
        while (!phase.stop) {
          const journey: Journey = { calls: [] };
          journeys.push(journey);
          await file(journey);
          // A refused citizen pauses a little before the next attempt, as people (and the web app) do.
          if (journey.confirmed !== 'submit') await new Promise((r) => setTimeout(r, 100));
        }
      }),
    );
    const filedCount = () => journeys.filter((j) => j.confirmed === 'submit').length;
    // Whatever fails below, the citizens stop: a loop left running keeps Jest from exiting, and CI waits for it.
    let upAt = 0;
    try {
      await waitUntil('40 requests filed before the fault', 60_000, () => filedCount() >= 40 || undefined);
      const beforeFault = filedCount();
      // Citizens half way through, who will press "save" or "submit" while the database is away.
      const halfway = Array.from({ length: 20 }, (): Journey => ({ calls: [] }));
      await Promise.all(halfway.map((j, i) => file(j, 'create', i % 2 ? 'create' : 'autosave')));
      expect(halfway.map((j) => j.confirmed)).toEqual(halfway.map((_, i) => (i % 2 ? 'create' : 'autosave')));
      journeys.push(...halfway);

      // Fast shutdown: PostgreSQL ends every session, aborts open transactions and stops.
      const downAt = Date.now();
      process.kill(postgres.pid, 'SIGINT');
      await waitUntil('PostgreSQL stopped', 30_000, () => {
        try {
          process.kill(postgres.pid, 0);
          return undefined;
        } catch {
          return true;
        }
      });
      await postgres.stop();
      const stoppedAt = Date.now();
      await Promise.all(halfway.map((j) => file(j, j.confirmed === 'create' ? 'autosave' : 'submit')));
      expect(halfway.map((j) => j.calls.at(-1)!.status)).toEqual(halfway.map(() => 503));
      await new Promise((r) => setTimeout(r, Math.max(0, DOWN_MS - (stoppedAt - downAt))));
      postgres = await startEmbeddedServer(dataDir, pgPort);
      upAt = Date.now();
      note(`PostgreSQL down ${upAt - downAt} ms (fast shutdown ${stoppedAt - downAt} ms)`);

      await waitUntil('40 requests filed after the restart', 60_000, () => {
        const exited = children.find((c) => c.process.exitCode !== null);
        if (exited)
          throw new GiveUp(
            `${exited.name} exited with ${exited.process.exitCode}: ${exited.output.text().slice(-4000)}`,
          );
        return filedCount() >= beforeFault + 40 || undefined;
      });
    } finally {
      phase.stop = true;
      await load;
    }

    const calls = journeys.flatMap((j) => j.calls);
    const thrown = calls.filter((c) => c.status === 'thrown');
    const unavailable = calls.filter((c) => c.status === 503);
    const ok = calls.filter((c) => typeof c.status === 'number' && c.status < 300);
    const other = calls.filter((c) => c.status !== 503 && !(typeof c.status === 'number' && c.status < 300));
    const slowest = Math.max(0, ...unavailable.map((c) => c.ms));
    const lastFailure = Math.max(...[...unavailable, ...thrown].map((c) => c.at + c.ms));
    note(
      `${calls.length} requests: ${ok.length} succeeded, ${unavailable.length} answered 503, ` +
        `${thrown.length} thrown, ${other.length} other; slowest 503 ${slowest} ms; ` +
        `last failure ${lastFailure - upAt} ms after PostgreSQL was back; ${filedCount()} requests filed`,
    );

    // Fail fast, never a 500, never a hang, never a dropped connection.
    if (other.length)
      note(
        children[0]!.output
          .text()
          .split('\n')
          .filter((l) => l.includes('"error"'))
          .join('\n'),
      );
    expect(other.map((c) => `${c.step} ${c.status} ${c.code ?? ''}`)).toEqual([]);
    expect(thrown.map((c) => `${c.step} ${c.code ?? ''}`)).toEqual([]);
    expect(unavailable.length).toBeGreaterThan(0);
    expect(unavailable.filter((c) => c.code !== 'SERVICE_UNAVAILABLE')).toEqual([]);
    expect(slowest).toBeLessThan(FAIL_FAST_MS);
    // The outage is the only time anything failed: once PostgreSQL is back, the pools recover within seconds.
    expect(lastFailure - upAt).toBeLessThan(10_000);
    expect(children.map((c) => c.process.exitCode)).toEqual([null, null]);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);

    // Exactly what the API confirmed is in the database.
    const created = journeys.filter((j) => j.id !== undefined);
    expect(await storedProblems(created)).toEqual([]);

    // Citizens whose save or submit was refused come back: nothing they saved was lost, and it goes through.
    const refused = created.filter((j) => j.confirmed !== 'submit');
    const callsBefore = refused.reduce((n, j) => n + j.calls.length, 0);
    for (const j of refused) await file(j, j.confirmed === 'create' ? 'autosave' : 'submit');
    expect(refused.filter((j) => j.confirmed !== 'submit').map((j) => j.calls.at(-1))).toEqual([]);
    expect(await storedProblems(created)).toEqual([]);
    const retries = refused.reduce((n, j) => n + j.calls.length, 0) - callsBefore;
    note(`${refused.length} drafts refused during the outage, all submitted on retry (${retries} more requests)`);
    const submitted = created;

    // Every reference gets its receipt once the worker has caught up (it lived through the restart too).
    const references = new Set(submitted.map((j) => j.reference!));
    await waitUntil(`${references.size} receipts`, 60_000, () => {
      const mailed = new Set(
        mail!
          .messages()
          .map(referenceOf)
          .filter((r) => r !== undefined && references.has(r)),
      );
      return mailed.size === references.size || undefined;
    });
    const receipts = mail!.messages().filter((m) => references.has(referenceOf(m) ?? ''));
    const idsPerReference = new Map<string, Set<string>>();
    for (const m of receipts) {
      const r = REFERENCE_IN_TEXT.exec(m.subject)![0];
      idsPerReference.set(r, (idsPerReference.get(r) ?? new Set()).add(m.messageId));
    }
    // A repeat (a worker cut off between the SMTP "250" and the database) carries the same Message-ID.
    expect([...idsPerReference.values()].filter((ids) => ids.size !== 1)).toEqual([]);
    note(`${references.size} receipts delivered, ${receipts.length - references.size} repeats; lost: 0`);
    await waitUntil(
      'an empty outbox',
      60_000,
      async () =>
        (
          (await db().query(
            `SELECT count(*)::int AS n FROM outbox WHERE done_at IS NULL OR failed_at IS NOT NULL`,
          )) as Array<{ n: number }>
        )[0]!.n === 0 || undefined,
    );
  });
  it('never answers 201 for a draft its browser could not open again: the session is stored first', async () => {
    // The database refuses the session row as it would while shutting down, and only that row.
    await db().query(`CREATE FUNCTION refuse_session() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the database system is shutting down' USING ERRCODE = '57P03'; END $$`);
    await db().query(`CREATE TRIGGER refuse_session BEFORE INSERT OR UPDATE ON session
      FOR EACH ROW EXECUTE FUNCTION refuse_session()`);
    const count = async () =>
      ((await db().query(`SELECT count(*)::int AS n FROM submission`)) as Array<{ n: number }>)[0]!.n;
    const journey: Journey = { calls: [] };
    const before = await count();
    try {
      await file(journey, 'create', 'create');
    } finally {
      await db().query(`DROP TRIGGER refuse_session ON session; DROP FUNCTION refuse_session()`);
    }
    expect(journey.calls).toEqual([expect.objectContaining({ status: 503, code: 'SERVICE_UNAVAILABLE' })]);
    expect(await count()).toBe(before);

    // The same browser tries again once the database is back, and keeps its draft.
    await file(journey);
    expect(journey.calls.map((c) => c.status)).toEqual([503, 201, 200, 200]);
  });
});
