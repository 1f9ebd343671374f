import type { QueryRunner } from 'typeorm';
import { DataSource } from 'typeorm';
import type { ServiceDefinition } from '@guichet/shared';
import { axeViolations, type Browser } from '../support/browser';
import { pressEnterOn, startDraft, startWebLookupStack } from '../support/lookup-browser';
import type { Stack } from '../support/stack';
import { waitUntil } from '../support/processes';

const SLUG = 'inscription-pic';
const POOL_SIZE = 2;

/** One question, no sign-in: the shortest path from the service's page to « envoyée ». */
function oneQuestion(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['nom'],
      properties: { nom: { type: 'string', title: 'Nom de l’enfant', minLength: 1, maxLength: 100 } },
    },
    uiSchema: {},
    pages: [{ id: 'enfant', title: 'Votre enfant', fields: ['nom'] }],
    settings: { signIn: 'none', retentionMonths: 12 },
  } as unknown as ServiceDefinition;
}

/**
 * Peak day in Chromium (issue 22): the citizen sends the request while the
 * API cannot get a database connection (every connection of its pool held by
 * the test, as a burst of families would hold them). The API answers 503 with
 * Retry-After; the page says calmly that the service is very busy and that the
 * answers are kept, and sends the same request again by itself, with the same
 * Idempotency-Key, once the server can take it. The request is filed once;
 * axe finds nothing on the waiting page nor on the receipt.
 */
describe('peak day: a submit the server is too busy to take', () => {
  let stack: Stack;
  let browser: Browser;
  let base: string;
  const held: QueryRunner[] = [];

  beforeAll(async () => {
    ({ stack, browser, base } = await startWebLookupStack({
      service: { slug: SLUG, title: 'Inscription à la cantine', definition: oneQuestion() },
      // Counters in Redis: only the request's own statements wait for the pool.
      backend: 'redis',
      env: () => ({
        DATABASE_POOL_SIZE: String(POOL_SIZE),
        // Only the pool's own wait (connectionTimeoutMillis, 3 s) turns the submit away: no shedder races it.
        OVERLOAD_LAG_MS: '0',
        OVERLOAD_DB_WAIT_MS: '0',
        REQUEST_TIMEOUT_SECONDS: '60',
      }),
    }));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(held.splice(0).map((runner) => runner.release().catch(() => undefined)));
    await browser?.close();
    await stack?.close();
  });

  /** Takes every connection of the API's pool. */
  async function holdPool(): Promise<void> {
    const dataSource = stack.api.get(DataSource);
    for (let i = 0; i < POOL_SIZE; i++) {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      held.push(runner);
    }
  }
  const releasePool = () => Promise.all(held.splice(0).map((runner) => runner.release()));

  it('says the service is very busy, keeps the answers, and sends the same request again by itself', async () => {
    const page = await browser.context.newPage();
    const draftId = await startDraft(page, `${base}/demarches/${SLUG}`, {
      field: { name: /^Nom de l’enfant/ },
      text: 'Lucie Martin',
    });
    await pressEnterOn(page, /^Continuer/);
    await page.locator('h2.step-title', { hasText: 'Vérifiez vos réponses' }).waitFor();

    const submits: Array<{ key: string | undefined; status?: number }> = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith(`/api/v1/submissions/${draftId}/submit`))
        submits.push({ key: req.headers()['idempotency-key'] });
    });
    page.on('response', (res) => {
      if (res.request().method() === 'POST' && res.url().endsWith(`/api/v1/submissions/${draftId}/submit`)) {
        const pending = submits.find((s) => s.status === undefined);
        if (pending) pending.status = res.status();
      }
    });

    // The draft saved first: an autosave still on its way would meet the held pool and say the same « très
    // demandé » (its own busy state), and the submit would wait behind it.
    await page.locator('[role="status"]', { hasText: /^Brouillon enregistré à/ }).waitFor();
    const dataSource = stack.api.get(DataSource);
    await waitUntil('the draft saved with its answer', 15_000, async () => {
      const [row] = await dataSource.query(`SELECT data FROM submission WHERE id = $1`, [draftId]);
      return row?.data?.nom === 'Lucie Martin';
    });
    await holdPool();
    await pressEnterOn(page, /^Envoyer ma demande/);
    // Said in the polite status region, calmly, with the answers kept; the citizen has nothing to do.
    const status = page.locator('[role="status"][aria-live="polite"]', {
      hasText: /^Le service est très demandé : nouvel essai dans \d+ secondes?… Vos réponses sont gardées\.$/,
    });
    await status.waitFor({ timeout: 20_000 });
    expect(submits).toEqual([{ key: expect.stringMatching(/\S/), status: 503 }]);
    // Still the summary, the answers on it; no error shown, nothing asked of the citizen.
    await expect(
      page.getByRole('heading', { level: 1, name: 'Votre demande a bien été envoyée' }).count(),
    ).resolves.toBe(0);
    await expect(page.getByText('Lucie Martin').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('[role="alert"]').count()).resolves.toBe(0);
    // The focus stays where the citizen pressed Entrée: nothing moved under a screen reader's cursor.
    await expect(
      page.evaluate(() => ({
        tag: document.activeElement?.tagName,
        text: document.activeElement?.textContent?.trim(),
      })),
    ).resolves.toEqual({ tag: 'BUTTON', text: 'Envoi en cours…' });
    expect(await axeViolations(page)).toEqual([]);

    await releasePool();
    await page
      .getByRole('heading', { level: 1, name: 'Votre demande a bien été envoyée' })
      .waitFor({ timeout: 30_000 });
    // Sent again with the same key, and filed once.
    expect(submits.length).toBeGreaterThanOrEqual(2);
    expect(new Set(submits.map((s) => s.key)).size).toBe(1);
    expect(submits.at(-1)!.status).toBe(200);
    expect(await dataSource.query(`SELECT status, data FROM submission WHERE id = $1`, [draftId])).toEqual([
      { status: 'submitted', data: { nom: 'Lucie Martin' } },
    ]);
    expect(
      await dataSource.query(
        `SELECT count(*)::int AS n FROM submission_event WHERE submission_id = $1 AND type = 'submitted'`,
        [draftId],
      ),
    ).toEqual([{ n: 1 }]);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  }, 90_000);
});
