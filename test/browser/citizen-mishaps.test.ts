import { DataSource } from 'typeorm';
import type { ServiceDefinition } from '@guichet/shared';
import { expectAccessible, untilLive } from '../support/browser';
import { pressEnterOn, startDraft, useWebLookupStack } from '../support/lookup-browser';
import { waitUntil } from '../support/processes';

const SLUG = 'nid-de-poule';

/** Karim's report (JOURNEYS.md): where, what; the second answer is optional, so a lost one would go unnoticed. */
function report(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['lieu'],
      properties: {
        lieu: { type: 'string', title: 'Où est le nid-de-poule ?', minLength: 1, maxLength: 200 },
        details: { type: 'string', title: 'Ce que vous avez vu', maxLength: 500 },
      },
    },
    uiSchema: {},
    pages: [{ id: 'signalement', title: 'Le signalement', fields: ['lieu', 'details'] }],
    settings: { signIn: 'none', retentionMonths: 12 },
  } as unknown as ServiceDefinition;
}

/**
 * What careless and unlucky citizens do, in Chromium. Karim's patchy 4G
 * (JOURNEYS.md: « The 4G drop in step 2 lost nothing »): the answers typed
 * while the network is gone reach the server once it is back, even when the tab
 * was closed meanwhile; a send whose last save could not go through sends
 * nothing, rather than the server's older copy. One draft in two tabs never
 * overwrites silently. « Précédent » after sending does not offer to send the
 * request again.
 */
describe('a citizen’s mishaps: a patchy connection, « Précédent » after sending', () => {
  const web = useWebLookupStack(
    {
      service: { slug: SLUG, title: 'Signaler un nid-de-poule', definition: report() },
    },
    60_000,
  );

  const stored = async (id: string) =>
    (await web.stack.api.get(DataSource).query(`SELECT status, data FROM submission WHERE id = $1`, [id]))[0] as
      { status: string; data: Record<string, unknown> } | undefined;
  const savedStatus = (page: import('playwright-core').Page) =>
    page.locator('[role="status"]', { hasText: /^Brouillon enregistré à/ });

  it('a tab closed while offline: reopened, the answers this browser kept are saved and sent, not dropped', async () => {
    const page = await web.browser.context.newPage();
    const id = await startDraft(page, `${web.base}/demarches/${SLUG}`, {
      field: { name: /^Où est le nid-de-poule/ },
      text: 'Rue des Lilas, devant le 12',
    });
    await waitUntil('the first answer saved', 15_000, async () => (await stored(id))?.data.lieu !== undefined);
    await savedStatus(page).waitFor();

    // The 4G drops; Karim types on, the page says it could not save and keeps the answer here.
    await web.browser.context.setOffline(true);
    await page.getByRole('textbox', { name: /^Ce que vous avez vu/ }).focus();
    await page.keyboard.type('Un trou profond, une roue de vélo y est restée');
    await page.locator('[role="status"]', { hasText: /^Brouillon non enregistré : connexion perdue\./ }).waitFor();
    // Then his phone drops the tab.
    await page.close();
    await web.browser.context.setOffline(false);
    expect((await stored(id))!.data).toEqual({ lieu: 'Rue des Lilas, devant le 12' });

    // Back online, he opens the draft again: his answer is there, and goes to the server without his doing anything.
    const again = await web.browser.context.newPage();
    again.setDefaultTimeout(15_000);
    await again.goto(`${web.base}/demarches/${SLUG}?brouillon=${id}`);
    await untilLive(again);
    await expect(again.getByRole('textbox', { name: /^Ce que vous avez vu/ }).inputValue()).resolves.toBe(
      'Un trou profond, une roue de vélo y est restée',
    );
    await waitUntil('the kept answer saved', 15_000, async () => (await stored(id))?.data.details !== undefined);
    await savedStatus(again).waitFor();
    await expectAccessible(again, 'brouillon rouvert, réponse gardée enregistrée');

    await pressEnterOn(again, /^Continuer/);
    await again.locator('h2.step-title', { hasText: 'Vérifiez vos réponses' }).waitFor();
    await pressEnterOn(again, /^Envoyer ma demande/);
    await again.getByRole('heading', { level: 1, name: 'Votre demande a bien été envoyée' }).waitFor();
    expect(await stored(id)).toEqual({
      status: 'submitted',
      data: { lieu: 'Rue des Lilas, devant le 12', details: 'Un trou profond, une roue de vélo y est restée' },
    });
    await again.close();
  }, 90_000);

  it('a send whose last save fails sends nothing, says so with the focus on it, and sends everything once it goes through', async () => {
    const page = await web.browser.context.newPage();
    const id = await startDraft(page, `${web.base}/demarches/${SLUG}`, {
      field: { name: /^Où est le nid-de-poule/ },
      text: 'Place de la Mairie',
    });
    await waitUntil('the first answer saved', 15_000, async () => (await stored(id))?.data.lieu !== undefined);
    await savedStatus(page).waitFor();

    // The connection fails the saves only (the page and the API otherwise answer), from the next answer on.
    const draftUrl = new RegExp(`/api/v1/submissions/${id}$`);
    let refused = 0;
    await page.route(draftUrl, (route) => {
      if (route.request().method() !== 'PATCH') return route.fallback();
      refused++;
      return route.abort('internetdisconnected');
    });
    const submits: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith(`/api/v1/submissions/${id}/submit`)) submits.push(req.url());
    });
    await page.getByRole('textbox', { name: /^Ce que vous avez vu/ }).focus();
    await page.keyboard.type('Au milieu du passage piéton');
    await pressEnterOn(page, /^Continuer/);
    await page.locator('h2.step-title', { hasText: 'Vérifiez vos réponses' }).waitFor();
    await pressEnterOn(page, /^Envoyer ma demande/);

    // Nothing sent: the server's copy lacks the last answer. Said in the error summary, which takes the focus.
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    await expect(summary.textContent()).resolves.toMatch(/n’a pas été envoyée/);
    await expect(page.evaluate(() => document.activeElement?.closest('.error-summary') !== null)).resolves.toBe(true);
    expect(refused).toBeGreaterThan(0);
    expect(submits).toEqual([]);
    expect(await stored(id)).toEqual({ status: 'draft', data: { lieu: 'Place de la Mairie' } });
    await expect(page.getByText('Au milieu du passage piéton').count()).resolves.toBeGreaterThan(0);
    await expectAccessible(page, 'envoi refusé, dernière réponse non enregistrée');

    // The connection is back: the same button sends the answers on screen, all of them, once.
    await page.unroute(draftUrl);
    await pressEnterOn(page, /^Envoyer ma demande/);
    await page.getByRole('heading', { level: 1, name: 'Votre demande a bien été envoyée' }).waitFor();
    expect(submits).toHaveLength(1);
    expect(await stored(id)).toEqual({
      status: 'submitted',
      data: { lieu: 'Place de la Mairie', details: 'Au milieu du passage piéton' },
    });
    await page.close();
  }, 90_000);

  it('one draft in two tabs: the later save is told of the other, and the citizen keeps either answers, knowingly', async () => {
    const first = await web.browser.context.newPage();
    const id = await startDraft(first, `${web.base}/demarches/${SLUG}`, {
      field: { name: /^Où est le nid-de-poule/ },
      text: 'Avenue Jean-Jaurès',
    });
    await waitUntil('the first answer saved', 15_000, async () => (await stored(id))?.data.lieu !== undefined);
    const second = await web.browser.context.newPage();
    second.setDefaultTimeout(15_000);
    await second.goto(first.url());
    await untilLive(second);

    // The first tab saves on; the second, opened before, types over the older copy.
    await first.getByRole('textbox', { name: /^Ce que vous avez vu/ }).focus();
    await first.keyboard.type('Très profond');
    await waitUntil('the first tab saved', 15_000, async () => (await stored(id))?.data.details === 'Très profond');
    const lieu = second.getByRole('textbox', { name: /^Où est le nid-de-poule/ });
    await lieu.focus();
    await second.keyboard.press('End');
    await second.keyboard.type(', côté pair');
    const conflict = second.locator('[role="alert"]', { hasText: /modifié ailleurs \(un autre onglet/ });
    await conflict.waitFor();
    await expect(conflict.textContent()).resolves.toMatch(/Les réponses de cet onglet ne sont pas enregistrées/);
    // Nothing overwritten behind the citizen's back.
    expect((await stored(id))!.data).toEqual({ lieu: 'Avenue Jean-Jaurès', details: 'Très profond' });
    await expectAccessible(second, 'deuxième onglet, conflit');

    // Kept: this tab's answers, as on its screen, replace the others; the save goes on from there.
    await pressEnterOn(second, 'Garder les réponses de cet onglet');
    await savedStatus(second).waitFor();
    expect((await stored(id))!.data).toEqual({ lieu: 'Avenue Jean-Jaurès, côté pair' });
    await expect(conflict.count()).resolves.toBe(0);

    // The first tab is now the older one: it is told in turn, and loads what the second kept.
    await first.keyboard.type(', une roue y est restée');
    const told = first.locator('[role="alert"]', { hasText: /modifié ailleurs/ });
    await told.waitFor();
    await pressEnterOn(first, 'Charger la dernière version enregistrée');
    await untilLive(first);
    await expect(first.getByRole('textbox', { name: /^Où est le nid-de-poule/ }).inputValue()).resolves.toBe(
      'Avenue Jean-Jaurès, côté pair',
    );
    await expect(first.getByRole('textbox', { name: /^Ce que vous avez vu/ }).inputValue()).resolves.toBe('');
    expect((await stored(id))!.data).toEqual({ lieu: 'Avenue Jean-Jaurès, côté pair' });
    await first.close();
    await second.close();
  }, 90_000);

  it('« Précédent » after sending shows the request as sent, with where to follow it, and nothing to send again', async () => {
    const page = await web.browser.context.newPage();
    const id = await startDraft(page, `${web.base}/demarches/${SLUG}`, {
      field: { name: /^Où est le nid-de-poule/ },
      text: 'Chemin du Moulin',
    });
    await pressEnterOn(page, /^Continuer/);
    await page.locator('h2.step-title', { hasText: 'Vérifiez vos réponses' }).waitFor();
    await pressEnterOn(page, /^Envoyer ma demande/);
    await page.getByRole('heading', { level: 1, name: 'Votre demande a bien été envoyée' }).waitFor();
    const [{ reference: ref }] = await web.stack.api
      .get(DataSource)
      .query(`SELECT reference FROM submission WHERE id = $1`, [id]);
    expect(ref).toMatch(/^GCH-/);

    for (const step of ['verification', null]) {
      await page.goBack();
      await page.waitForURL((url) => url.searchParams.get('etape') === step);
      const heading = page.getByRole('heading', { level: 1, name: 'Cette demande a déjà été envoyée' });
      await heading.waitFor();
      await expect(page.getByText(new RegExp(`Sa référence est ${ref} et son état « Déposée »`)).count()).resolves.toBe(
        1,
      );
      await expect(
        page
          .getByRole('button')
          .filter({ hasText: /envoyer|Continuer/i })
          .count(),
      ).resolves.toBe(0);
      await expect(page.getByRole('textbox').count()).resolves.toBe(0);
      await expect(page.title()).resolves.toBe('Demande déjà envoyée — Guichet');
      await expectAccessible(page, `déjà envoyée, étape ${step}`);
    }
    await page.getByRole('link', { name: 'Suivre ma demande' }).click();
    await page.waitForURL(new RegExp(`/mes-demarches/${id}$`));
    await page.getByRole('heading', { level: 1, name: new RegExp(`${ref}`) }).waitFor();
    expect(await stored(id)).toEqual({ status: 'submitted', data: { lieu: 'Chemin du Moulin' } });
    await page.close();
  }, 90_000);
});
