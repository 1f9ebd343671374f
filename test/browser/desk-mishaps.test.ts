import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { grantDefinition } from '../fixtures/grant';
import { CookieClient } from '../support/browserless';
import { chooseTestIdentity, expectAccessible, type Browser } from '../support/browser';
import { ROOT } from '../support/processes';
import { SessionClient } from '../support/session-client';
import { startWebStackWithSignIn, type WebStack, type WebStackWithSignIn } from '../support/web-stack';

const SHOTS = join(ROOT, 'test-results', 'screenshots', 'desk-mishaps');
const SLUG = 'subvention-lundi';
const LEA = 'Léa Fontaine — instructrice';

let shots = 0;
/** axe finds nothing, one h1; a screenshot to look at. */
async function check(page: Page, name: string) {
  await expectAccessible(page, name);
  expect({ page: name, h1: await page.locator('h1').count() }).toEqual({ page: name, h1: 1 });
  await page.screenshot({ path: join(SHOTS, `${String(shots++).padStart(2, '0')}-${name}.png`), fullPage: true });
}

/** Focus, then Enter: what a keyboard user does on a button. */
async function press(page: Page, name: string) {
  await page.getByRole('button', { name, exact: true }).first().focus();
  await page.keyboard.press('Enter');
}

/** The button that sends the open transition form (its opener bears the same name). */
async function submitAction(page: Page, name: string) {
  await page.locator('#formulaire-action').getByRole('button', { name, exact: true }).focus();
  await page.keyboard.press('Enter');
}

const activeText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');
const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

/**
 * Léa's Monday the careless way (JOURNEYS.md), in Chromium: a decision whose
 * answer the network lost and that she confirms again, the same request in
 * two tabs, a very busy server, a session that ended under a typed
 * motivation, a message and a note sent again after a failure, 10,000 characters
 * pasted. Nothing she typed is lost, nothing is done twice, and what she is
 * told is true (not « a colleague » when it was she, in another tab).
 */
describe('a caseworker’s mishaps in Chromium', () => {
  let desk: WebStackWithSignIn;
  let web: WebStack;
  let browser: Browser;
  let ds: DataSource;
  let karim: SessionClient;
  let n = 0;

  /** A citizen's request, filed over HTTP, then taken into review by Karim: « Accepter » is on offer. */
  async function inReview(name: string): Promise<string> {
    const citizen = new CookieClient();
    const post = async (path: string, json: unknown) => {
      const res = await citizen.request(`${web.base}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-csrf-token': citizen.cookie(web.base, 'csrf_token') ?? '',
        },
        body: JSON.stringify(json),
      });
      expect([path, res.status < 300]).toEqual([path, true]);
      return (await res.json()) as { id: string };
    };
    const draft = await post(`/api/v1/public/services/${SLUG}/submissions`, {
      data: {
        association: { name },
        funding: { amountRequested: 6000, startDate: '2026-06-01' },
        email: `asso-${++n}@example.fr`,
      },
    });
    await post(`/api/v1/submissions/${draft.id}/submit`, {});
    const started = await karim.call('POST', `/api/v1/submissions/${draft.id}/transitions`, {
      transition: 'start_review',
    });
    expect(started.status).toBe(200);
    return draft.id;
  }

  /** Léa on the request's page, through the provider when her session is gone (it may remember her). */
  async function signIn(page: Page, path: string) {
    const target = `${web.base}${path}`;
    await page.goto(`${web.base}/auth/login?as=agent&returnTo=${encodeURIComponent(path)}`);
    const identities = page.getByRole('group', { name: 'Identités de test' });
    await Promise.race([identities.waitFor(), page.waitForURL(target)]);
    if (page.url() !== target) await chooseTestIdentity(page, LEA, target);
  }

  async function signedIn(id: string): Promise<Page> {
    const page = await browser.context.newPage();
    await signIn(page, `/instruction/${SLUG}/${id}`);
    await page.getByRole('heading', { level: 1, name: /^Demande GCH-/ }).waitFor();
    return page;
  }

  const count = async (sql: string, params: unknown[]) =>
    Number(((await ds.query(sql, params)) as Array<{ n: string }>)[0]!.n);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    desk = await startWebStackWithSignIn({
      service: { slug: SLUG, title: 'Subvention aux associations', definition: grantDefinition() },
      signIn: { karim: ['agent', 'agent-karim'] },
    });
    ({ web, ds, browser } = desk);
    karim = desk.signedIn.karim!;
  }, 120_000);
  afterAll(() => desk?.close());

  it('a decision whose answer the network lost: confirmed again, told it was already hers, taken and emailed once', async () => {
    const id = await inReview('Les Amis du Lavoir');
    const lea = await signedIn(id);
    const motivation = 'Dossier complet, budget cohérent.';
    await press(lea, 'Accepter');
    await lea.getByLabel(/^Motivation/).fill(motivation);
    await submitAction(lea, 'Continuer');
    // The server takes the decision; its answer never reaches the browser.
    let lost = false;
    await lea.route(`**/api/v1/submissions/${id}/transitions`, async (route) => {
      if (lost) return route.continue();
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await press(lea, 'Confirmer la décision');
    const summary = lea.locator('.error-summary');
    await summary.waitFor();
    expect(await lea.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    await expect(summary.textContent()).resolves.toContain('la décision n’a peut-être pas été enregistrée');
    await expect(summary.textContent()).resolves.toContain('Votre motivation est gardée');
    // Her motivation is still there, in the form she confirms from again.
    expect(await lea.getByLabel(/^Motivation/).inputValue()).toBe(motivation);
    await check(lea, 'decision-reponse-perdue');
    await submitAction(lea, 'Continuer');
    await press(lea, 'Confirmer la décision');
    // True words: her own decision, recorded once; not « a colleague acted ».
    const notice = lea.locator('.notice').filter({ hasText: 'Cette décision était déjà enregistrée' });
    await notice.waitFor();
    expect(await notice.getAttribute('role')).toBe('status');
    await expect(activeText(lea)).resolves.toContain('Cette décision était déjà enregistrée');
    await expect(notice.textContent()).resolves.toContain('« Acceptée »');
    expect(await lea.getByText('Un collègue a agi').count()).toBe(0);
    await check(lea, 'decision-deja-enregistree');
    expect(
      await count(
        `SELECT count(*) AS n FROM submission_event WHERE submission_id = $1 AND to_status = 'accepted' AND comment = $2`,
        [id, motivation],
      ),
    ).toBe(1);
    // One decision, hence one set of its actions (the email, the letter): the second try wrote nothing.
    expect(
      await count(`SELECT count(*) AS n FROM submission_event WHERE submission_id = $1 AND type = 'transition'`, [id]),
    ).toBe(2);
    await lea.close();
  }, 120_000);

  it('the same request in two tabs: the stale one says she acted already, gives her text back, and « Précédent » shows the request as it is', async () => {
    const id = await inReview('Chorale des Quais');
    const first = await signedIn(id);
    const second = await signedIn(id);
    // In the first tab, a correction asked.
    await press(first, 'Demander des modifications');
    await first.getByLabel(/^Motivation/).fill('Joignez le budget signé, s’il vous plaît.');
    await submitAction(first, 'Demander des modifications');
    await first.getByText('C’est fait : la demande est « Modifications demandées ».').waitFor();
    // In the second, read before, an acceptance typed at length.
    const typed = 'Accord pour 6 000 € 🎶 — versement en deux fois, la seconde sur justificatifs.';
    await press(second, 'Accepter');
    await second.getByLabel(/^Motivation/).fill(typed);
    await submitAction(second, 'Continuer');
    await press(second, 'Confirmer la décision');
    const alert = second.getByRole('alert').filter({ hasText: 'Vous avez déjà agi sur cette demande' });
    await alert.waitFor();
    await expect(activeText(second)).resolves.toContain('Vous avez déjà agi sur cette demande depuis un autre onglet');
    await expect(alert.textContent()).resolves.toContain('« Modifications demandées »');
    // What she typed is given back, to copy into a message or a note.
    await expect(alert.locator('blockquote').textContent()).resolves.toBe(typed);
    expect(await second.getByText('Un collègue a agi').count()).toBe(0);
    await check(second, 'deux-onglets-perime');
    expect(
      await count(`SELECT count(*) AS n FROM submission_event WHERE submission_id = $1 AND to_status = 'accepted'`, [
        id,
      ]),
    ).toBe(0);

    // « Précédent » after the decision, in the first tab: the list, then forward again, the request as it is now.
    await first.goto(`${web.base}/instruction/${SLUG}?tab=tous`);
    await first.locator('tbody tr').first().waitFor();
    await first.goBack();
    await first.getByRole('heading', { level: 1, name: /^Demande GCH-/ }).waitFor();
    await expect(first.locator('.desk-summary .status').textContent()).resolves.toBe('Modifications demandées');
    expect(await first.getByRole('button', { name: 'Accepter', exact: true }).count()).toBe(0);
    await check(first, 'precedent-apres-decision');
    await first.close();
    await second.close();
  }, 120_000);

  it('a very busy server (503, Retry-After): the decision waits, says so, and goes through once without retyping', async () => {
    const id = await inReview('Judo Club des Berges');
    const lea = await signedIn(id);
    await press(lea, 'Accepter');
    await lea.getByLabel(/^Motivation/).fill('Accord.');
    await submitAction(lea, 'Continuer');
    let refused = 0;
    await lea.route(`**/api/v1/submissions/${id}/transitions`, async (route) => {
      if (refused++ > 0) return route.continue();
      await route.fulfill({
        status: 503,
        headers: { 'content-type': 'application/json', 'retry-after': '1' },
        body: JSON.stringify({ code: 'SERVICE_UNAVAILABLE', message: 'Le service est momentanément surchargé.' }),
      });
    });
    await press(lea, 'Confirmer la décision');
    await lea
      .getByRole('status')
      .filter({ hasText: 'Le service est très chargé : nouvel essai dans 1 seconde' })
      .waitFor();
    await lea.getByText('Décision enregistrée : la demande est « Acceptée ».').waitFor();
    expect(refused).toBe(2);
    expect(
      await count(`SELECT count(*) AS n FROM submission_event WHERE submission_id = $1 AND to_status = 'accepted'`, [
        id,
      ]),
    ).toBe(1);
    await check(lea, 'tres-charge-puis-decision');
    await lea.close();
  }, 120_000);

  it('a session ended under a typed motivation: told so, signs in again in another tab, confirms from the same page', async () => {
    const id = await inReview('Atelier Vélo Solidaire');
    const lea = await signedIn(id);
    const motivation = 'Projet d’intérêt local, budget détaillé.';
    await press(lea, 'Accepter');
    await lea.getByLabel(/^Motivation/).fill(motivation);
    await submitAction(lea, 'Continuer');
    const message = 'Nous revenons vers vous après la commission.';
    await lea.getByLabel('Écrire à l’usager').fill(message);
    // She once tried a form of the commune without an account in this browser: it holds the citizens' hint too.
    await browser.context.addCookies([{ name: 'gch_anon', value: '1', url: web.base }]);
    // Her session ends on the server (idle time, an operator's restart of the sessions).
    const [, ended] = (await ds.query(`DELETE FROM session WHERE sess::text LIKE '%lea.fontaine@%'`)) as [
      unknown,
      number,
    ];
    expect(ended).toBeGreaterThan(0);
    await press(lea, 'Confirmer la décision');
    const summary = lea.locator('.error-summary');
    await summary.waitFor();
    expect(await lea.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    await expect(summary.textContent()).resolves.toContain('Votre session a pris fin');
    expect(await lea.getByLabel(/^Motivation/).inputValue()).toBe(motivation);
    const again = lea.locator('.notice').getByRole('link', { name: 'Se reconnecter (nouvel onglet)' });
    expect(await again.getAttribute('target')).toBe('_blank');
    await check(lea, 'session-terminee');
    // Her message too: told the session ended (not « introuvable »), her text kept, a link to sign in again.
    await press(lea, 'Envoyer le message');
    const error = lea.locator('#message-usager-erreur');
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain('Votre session a pris fin : rien n’a été enregistré');
    await expect(activeId(lea)).resolves.toBe('message-usager');
    expect(await lea.getByLabel('Écrire à l’usager').inputValue()).toBe(message);
    expect(
      await lea
        .locator('#message-usager')
        .locator('..')
        .getByRole('link', { name: 'Se reconnecter (nouvel onglet)' })
        .count(),
    ).toBe(1);
    await check(lea, 'session-terminee-message');
    // The link, in a new tab of the same browser: the provider, then back to this request.
    const [tab] = await Promise.all([browser.context.waitForEvent('page'), again.click()]);
    const identities = tab.getByRole('group', { name: 'Identités de test' });
    const target = `${web.base}/instruction/${SLUG}/${id}`;
    await Promise.race([identities.waitFor(), tab.waitForURL(target)]);
    if (tab.url() !== target) await chooseTestIdentity(tab, LEA, target);
    await tab.getByRole('heading', { level: 1, name: /^Demande GCH-/ }).waitFor();
    await tab.close();
    await submitAction(lea, 'Continuer');
    await press(lea, 'Confirmer la décision');
    await lea.getByText('Décision enregistrée : la demande est « Acceptée ».').waitFor();
    expect(
      await count(
        `SELECT count(*) AS n FROM submission_event WHERE submission_id = $1 AND to_status = 'accepted' AND comment = $2`,
        [id, motivation],
      ),
    ).toBe(1);
    await press(lea, 'Envoyer le message');
    await lea.getByRole('status').filter({ hasText: 'Message envoyé à l’usager.' }).waitFor();
    expect(await count(`SELECT count(*) AS n FROM submission_message WHERE submission_id = $1`, [id])).toBe(1);
    await browser.context.clearCookies({ name: 'gch_anon' });
    await lea.close();
  }, 120_000);

  it('a message sent again after its answer was lost reaches the citizen once, with one email', async () => {
    const id = await inReview('Théâtre du Moulin');
    const lea = await signedIn(id);
    const body = 'Bonjour, pouvez-vous préciser le calendrier des représentations ? 🎭';
    const field = lea.getByLabel('Écrire à l’usager');
    await field.fill(body);
    let lost = false;
    await lea.route(`**/api/v1/submissions/${id}/messages`, async (route) => {
      if (lost) return route.continue();
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await press(lea, 'Envoyer le message');
    const error = lea.locator('#message-usager-erreur');
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain('le message n’est peut-être pas parti');
    await expect(activeId(lea)).resolves.toBe('message-usager');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.inputValue()).toBe(body);
    await check(lea, 'message-reponse-perdue');
    await press(lea, 'Envoyer le message');
    await lea.getByRole('status').filter({ hasText: 'Message envoyé à l’usager.' }).waitFor();
    expect(await count(`SELECT count(*) AS n FROM submission_message WHERE submission_id = $1`, [id])).toBe(1);
    expect(
      await count(
        `SELECT count(*) AS n FROM outbox WHERE payload->>'submissionId' = $1 AND payload->>'template' = 'message_received'`,
        [id],
      ),
    ).toBe(1);
    await expect(lea.locator('.message--caseworker .message-body').allTextContents()).resolves.toEqual([body]);
    await lea.close();
  }, 120_000);

  it('a note saved again after its answer was lost is recorded once', async () => {
    const id = await inReview('Cercle d’Échecs du Port');
    const lea = await signedIn(id);
    const body = 'Le budget prévisionnel ne compte pas la location de la salle : à vérifier avec le trésorier.';
    const field = lea.getByLabel('Ajouter une note');
    await field.fill(body);
    let lost = false;
    await lea.route(`**/api/v1/submissions/${id}/notes`, async (route) => {
      if (lost) return route.continue();
      lost = true;
      await route.fetch();
      await route.abort('connectionreset');
    });
    await press(lea, 'Enregistrer la note');
    const error = lea.locator('#note-privee-erreur');
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain('la note n’est peut-être pas enregistrée');
    await expect(activeId(lea)).resolves.toBe('note-privee');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.inputValue()).toBe(body);
    // The first try reached the server: recorded once already.
    expect(await count(`SELECT count(*) AS n FROM submission_note WHERE submission_id = $1`, [id])).toBe(1);
    await check(lea, 'note-reponse-perdue');
    await press(lea, 'Enregistrer la note');
    await lea.getByRole('status').filter({ hasText: 'Note enregistrée.' }).waitFor();
    expect(await count(`SELECT count(*) AS n FROM submission_note WHERE submission_id = $1`, [id])).toBe(1);
    expect(
      await count(`SELECT count(*) AS n FROM submission_event WHERE submission_id = $1 AND type = 'note_added'`, [id]),
    ).toBe(1);
    await expect(lea.locator('section[aria-labelledby=notes] .message-body').allTextContents()).resolves.toEqual([
      body,
    ]);
    await lea.close();
  }, 120_000);

  it('10,000 characters and emoji pasted: kept whole, the excess said, nothing sent until shortened', async () => {
    const id = await inReview('Fanfare des Tilleuls');
    const lea = await signedIn(id);
    // A paste (insertText: what the clipboard does) of 10,002 UTF-16 units: accents and emoji.
    const pasted = 'é🎺'.repeat(3334);
    const field = lea.getByLabel('Écrire à l’usager');
    await field.focus();
    await lea.keyboard.insertText(pasted);
    expect((await field.inputValue()).length).toBe(pasted.length);
    const counter = lea.locator('#message-usager-compte');
    // Numbers as French writes them (narrow no-break spaces).
    await expect(counter.textContent()).resolves.toMatch(/^5\s002 caractères en trop : 5\s000 au plus\.$/);
    expect(await counter.getAttribute('aria-live')).toBe('polite');
    expect((await field.getAttribute('aria-describedby'))!.split(' ')).toContain('message-usager-compte');
    await press(lea, 'Envoyer le message');
    const error = lea.locator('#message-usager-erreur');
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(/Le texte compte 10\s002 caractères : 5\s000 au plus\./);
    await expect(activeId(lea)).resolves.toBe('message-usager');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.inputValue()).toBe(pasted);
    await check(lea, 'message-trop-long');
    expect(await count(`SELECT count(*) AS n FROM submission_message WHERE submission_id = $1`, [id])).toBe(0);
    // Shortened to the limit, emoji whole: sent as typed.
    const kept = pasted.slice(0, 4998);
    await field.fill(kept);
    await expect(counter.textContent()).resolves.toMatch(/^5\s000 caractères au plus\.$/);
    await press(lea, 'Envoyer le message');
    await lea.getByRole('status').filter({ hasText: 'Message envoyé à l’usager.' }).waitFor();
    const [{ body }] = (await ds.query(`SELECT body FROM submission_message WHERE submission_id = $1`, [id])) as [
      { body: string },
    ];
    expect(body).toBe(kept);

    // The same with a motivation: the whole text kept, refused in the error summary with a link to it.
    await press(lea, 'Accepter');
    const motivation = lea.getByLabel(/^Motivation/);
    await motivation.focus();
    await lea.keyboard.insertText(pasted);
    expect((await motivation.inputValue()).length).toBe(pasted.length);
    await submitAction(lea, 'Continuer');
    const summary = lea.locator('.error-summary');
    await summary.waitFor();
    expect(await lea.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    await expect(summary.getByRole('link').textContent()).resolves.toMatch(/Le texte compte 10\s002 caractères/);
    expect(await motivation.getAttribute('aria-invalid')).toBe('true');
    await check(lea, 'motivation-trop-longue');
    expect(
      await count(`SELECT count(*) AS n FROM submission_event WHERE submission_id = $1 AND to_status = 'accepted'`, [
        id,
      ]),
    ).toBe(0);
    await lea.close();
  }, 120_000);

  it('removed from the service while signed in: the next action is refused in words that say so, her text kept', async () => {
    const id = await inReview('Club de Pétanque');
    const lea = await signedIn(id);
    const body = 'Pouvez-vous joindre le procès-verbal de l’assemblée générale ?';
    const field = lea.getByLabel('Écrire à l’usager');
    await field.fill(body);
    await press(lea, 'Accepter');
    await lea.getByLabel(/^Motivation/).fill('Accord.');
    await submitAction(lea, 'Continuer');
    // An administrator takes her caseworker role away (rights are read at each request).
    const [, removed] = (await ds.query(
      `DELETE FROM agent_membership WHERE email = 'lea.fontaine@mairie-de-demo.fr' RETURNING email, role, organisation_id`,
    )) as [Array<{ email: string; role: string; organisation_id: string }>, number];
    expect(removed).toBeGreaterThan(0);
    try {
      await press(lea, 'Confirmer la décision');
      const summary = lea.locator('.error-summary');
      await summary.waitFor();
      expect(await lea.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
      await expect(summary.textContent()).resolves.toContain(
        'Vous n’avez plus accès à cette demande : vos droits ont changé',
      );
      expect(await lea.getByLabel(/^Motivation/).inputValue()).toBe('Accord.');
      await check(lea, 'droits-retires-decision');
      await press(lea, 'Envoyer le message');
      const error = lea.locator('#message-usager-erreur');
      await error.waitFor();
      await expect(error.textContent()).resolves.toContain('Vous n’avez plus accès à cette demande');
      await expect(activeId(lea)).resolves.toBe('message-usager');
      expect(await field.inputValue()).toBe(body);
      await press(lea, 'M’attribuer la demande');
      // The page's notice (the decision's error summary above may still say the same of the decision).
      const alert = lea.locator('.notice[role=alert]').filter({ hasText: 'Vous n’avez plus accès à cette demande' });
      await alert.waitFor();
      await check(lea, 'droits-retires');
      expect(await count(`SELECT count(*) AS n FROM submission_message WHERE submission_id = $1`, [id])).toBe(0);
    } finally {
      await ds.query(
        `INSERT INTO agent_membership (email, role, organisation_id) VALUES ('lea.fontaine@mairie-de-demo.fr', 'caseworker', $1)`,
        [web.organisation.id],
      );
    }
    await lea.close();
  }, 120_000);
});
