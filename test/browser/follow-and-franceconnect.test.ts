import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { importExamples } from '@guichet/forms';
import { ApiTokenService } from '@guichet/identity';
import { organisationId } from '@guichet/shared';
import { Submission } from '@guichet/persistence';
import { axeViolations, chooseTestIdentity, launchBrowser, untilLive, type Browser } from '../support/browser';
import { pdfInfo, pdfText } from '../support/pdf';
import { ROOT, waitUntil } from '../support/processes';
import { startWebStack, type WebStack } from '../support/web-stack';

const SHOTS = join(ROOT, 'test-results', 'screenshots', 'follow');
const POTHOLE = 'signaler-un-probleme-de-voirie';
const GRANT = 'demande-de-subvention-association';
const OCCUPATION = 'occupation-du-domaine-public';
const EMAIL = 'karim.riverain@example.fr';
const FC_SIGN_IN = 'S’identifier avec FranceConnect';
const FC_WHAT = 'Qu’est-ce que FranceConnect ?';

/** What a receipt must not say for a service whose settings ask for no decision (`silenceMeans: none`). */
const IMPLICIT_DECISION = /implicite|réputée (acceptée|rejetée)/;

let shots = 0;
/** axe-clean and one h1, with a screenshot to look at. */
async function check(page: Page, name: string) {
  expect({ page: name, violations: await axeViolations(page) }).toEqual({ page: name, violations: [] });
  expect({ page: name, h1: await page.locator('h1').count() }).toEqual({ page: name, h1: 1 });
  await page.screenshot({ path: join(SHOTS, `${String(shots++).padStart(2, '0')}-${name}.png`), fullPage: true });
}

/** Focus, then Enter: what a keyboard user does on a button or a link. */
async function press(page: Page, name: string | RegExp) {
  const target = page
    .getByRole('button', { name, exact: typeof name === 'string' })
    .or(page.getByRole('link', { name, exact: typeof name === 'string' }));
  await target.first().focus();
  await page.keyboard.press('Enter');
}

/** Presses Tab until `matches` holds for the focused element (at most `limit` times); how many it took. */
async function tabTo(page: Page, matches: (el: Element) => boolean, limit = 80): Promise<number> {
  for (let tabs = 1; tabs <= limit; tabs++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(`(${matches.toString()})(document.activeElement)`)) return tabs;
  }
  throw new Error(`focus never reached the element in ${limit} Tabs`);
}

/** The focused element's ring: what a keyboard user sees. */
const focusRing = (page: Page) =>
  page.evaluate(() => {
    const style = getComputedStyle(document.activeElement!);
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });

/**
 * Karim reports a pothole without an account, and follows it from another
 * browser with the link of his receipt email (/suivi#token); a forged link
 * gets a clear French page. FranceConnect's official button, where a citizen
 * may sign in: its accessible names, its link to franceconnect.gouv.fr in a
 * new window, reached by Tab with a visible ring, its logo from our origin.
 */
describe('follow link and FranceConnect button in Chromium', () => {
  let web: WebStack;
  let base: string;
  let caseworker: string;
  const browsers: Browser[] = [];
  const fresh = async () => {
    const browser = await launchBrowser();
    browsers.push(browser);
    const page = await browser.context.newPage();
    const crashes: string[] = [];
    page.on('pageerror', (e) => crashes.push(e.message));
    return { page, crashes };
  };

  /** Karim's pothole report on his phone, four pages by keyboard, no account: its reference and id. */
  async function filePothole(phone: Page, slug: string): Promise<{ reference: string; id: string }> {
    await phone.goto(`${base}/demarches/${slug}`);
    await untilLive(phone);
    await phone.getByRole('heading', { level: 1, name: 'Signaler un problème sur la voirie' }).waitFor();
    expect(await phone.getByRole('link', { name: FC_SIGN_IN }).count()).toBe(0);
    await press(phone, /^Commencer/);
    await phone.waitForURL(/brouillon=/);
    // The address field (Base Adresse Nationale): this address is not in it, so it is typed by hand.
    await press(phone, 'Je ne trouve pas mon adresse : la saisir');
    await phone.getByLabel('Numéro et voie').fill('12 rue des Capucines');
    await phone.getByLabel('Code postal').fill('45000');
    await phone.getByLabel('Commune', { exact: true }).fill('Orléans');
    await press(phone, 'Continuer');
    await phone.getByRole('radio', { name: 'Nid-de-poule ou chaussée abîmée' }).check();
    await phone
      .getByLabel('Décrivez le problème')
      .fill('Un trou profond devant le numéro 12, dangereux pour les vélos.');
    await phone.getByRole('radio', { name: 'Oui', exact: true }).check();
    await press(phone, 'Continuer');
    await press(phone, 'Continuer'); // no photo
    await phone.getByRole('radio', { name: 'Oui', exact: true }).check();
    await phone.getByLabel('Adresse électronique').fill(EMAIL);
    await press(phone, 'Continuer');
    await press(phone, /^Envoyer ma demande/);
    await phone.getByRole('heading', { level: 1, name: 'Votre demande a bien été envoyée' }).waitFor();
    const reference = (await phone.locator('.reference strong').textContent())!;
    const id = new URL(phone.url()).pathname.split('/').pop()!;
    expect(reference).toMatch(/^GCH-/);
    return { reference, id };
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    web = await startWebStack();
    base = web.base;
    const ds = web.stack.api.get(DataSource);
    await importExamples(ds, web.organisation.id, join(ROOT, 'forms'));
    const issued = await new ApiTokenService(ds).issue({
      organisationId: organisationId(web.organisation.id),
      name: 'instruction',
      role: 'caseworker',
    });
    caseworker = `Bearer ${issued.token}`;
  });
  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await web?.close();
  });

  it('Karim files without an account, then follows his request in another browser with the receipt email’s link', async () => {
    // The pothole example keeps its own promise: a report asks for no decision.
    const example = JSON.parse(readFileSync(join(ROOT, 'forms', `${POTHOLE}.json`), 'utf8'));
    expect(example.definition.settings.receipt).toEqual({ silenceMeans: 'none' });

    // --- His phone: four pages, no account.
    const { page: phone } = await fresh();
    const { reference, id } = await filePothole(phone, POTHOLE);

    // --- The receipt email: its follow link, and a receipt that promises no implicit decision.
    const receipt = await web.mail.waitFor(
      (m) => m.to.includes(EMAIL) && m.subject.includes(reference) && m.subject.includes('a bien été déposée'),
      15_000,
    );
    expect(receipt.text).toContain('suivre son avancement à tout moment');
    expect(receipt.text).not.toMatch(IMPLICIT_DECISION);
    const link = new RegExp(`${base.replace(/[.]/g, '\\.')}/suivi#([A-Za-z0-9_-]{48})`).exec(receipt.text);
    expect(link).not.toBeNull();
    const token = link![1]!;
    // The receipt's mentions are in the email itself (RECEIPT_EMAIL=text); its PDF is downloaded below.
    expect(receipt.attachments).toEqual([]);
    expect(receipt.text).toContain(`ACCUSÉ DE RÉCEPTION`);
    expect(receipt.text).toContain(`Référence : ${reference}`);
    expect(receipt.text).toContain('Service chargé de votre demande');
    expect(receipt.text).toContain(`se télécharge depuis le suivi de votre demande : ${base}/suivi#${token}`);

    // --- Another browser, no cookie of the first: the link alone.
    const { page, crashes } = await fresh();
    await page.goto(`${base}/suivi#${token}`);
    await page.getByRole('heading', { level: 1, name: `Demande ${reference}` }).waitFor();
    expect(await page.title()).toContain(reference);
    await expect(page.locator('.status').textContent()).resolves.toBe('Déposée');
    const history = () => page.getByRole('region', { name: 'Historique' }).getByRole('listitem').allTextContents();
    expect((await history()).map((h) => h.split(' — ')[0])).toEqual(['Brouillon', 'Déposée']);
    // The request's state, never its answers.
    expect(await page.locator('main').textContent()).not.toContain('Un trou profond');
    await check(page, 'suivi');

    // The receipt again, from this browser: the same promise.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      press(page, 'Télécharger l’accusé de réception (PDF)'),
    ]);
    expect(download.suggestedFilename()).toBe(`accuse-de-reception-${reference}.pdf`);
    const copy = pdfText(readFileSync((await download.path())!));
    expect(copy).toContain(reference);
    expect(copy).not.toMatch(IMPLICIT_DECISION);

    // --- A message to the service, with the keyboard only: empty first, then written.
    await tabTo(page, (el) => el.id === 'message');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Envoyer le message');
    await page.keyboard.press('Enter');
    await page.getByText('Écrivez votre message.').waitFor();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('message');
    await expect(page.locator('#message').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#message').getAttribute('aria-describedby')).resolves.toBe('message-erreur');
    await check(page, 'suivi-message-vide');
    await page.keyboard.type('Bonjour, le trou s’agrandit : un cycliste a failli tomber ce matin.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Message envoyé.' }).waitFor();
    const messages = page.locator('.messages .message');
    await messages.first().waitFor();
    await expect(messages.allTextContents()).resolves.toEqual([
      expect.stringMatching(/^Vous — .*Bonjour, le trou s’agrandit : un cycliste a failli tomber ce matin\.$/),
    ]);
    await expect(page.locator('#message').inputValue()).resolves.toBe('');
    // The history says it in words, never an event's code.
    expect((await history()).map((h) => h.split(' — ')[0])).toEqual([
      'Brouillon',
      'Déposée',
      'Vous avez écrit au service',
    ]);
    await check(page, 'suivi-message-envoye');

    // --- The service takes it up and answers; the link shows it.
    const ds = web.stack.api.get(DataSource);
    await waitUntil('routing', 15_000, async () => {
      const row = await ds.getRepository(Submission).findOneByOrFail({ id });
      return row.groupKey !== null || undefined;
    });
    await request(web.stack.url)
      .post(`/api/v1/submissions/${id}/transitions`)
      .set('Authorization', caseworker)
      .send({ transition: 'start_review' })
      .expect(200);
    await request(web.stack.url)
      .post(`/api/v1/submissions/${id}/messages`)
      .set('Authorization', caseworker)
      .send({ body: 'Merci : une équipe intervient jeudi.' })
      .expect(201);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: `Demande ${reference}` }).waitFor();
    await messages.nth(1).waitFor();
    await expect(page.locator('.status').textContent()).resolves.toBe('En instruction');
    expect((await history()).map((h) => h.split(' — ')[0])).toEqual([
      'Brouillon',
      'Déposée',
      'Vous avez écrit au service',
      'En instruction',
      'Message du service',
    ]);
    await expect(messages.allTextContents()).resolves.toEqual([
      expect.stringMatching(/^Vous — /),
      expect.stringMatching(/^Le service instructeur — .*Merci : une équipe intervient jeudi\.$/),
    ]);
    await check(page, 'suivi-en-instruction');
    expect(crashes).toEqual([]);
  }, 120_000);

  it('a service whose silence is a decision: the receipt Karim downloads gives the date, the delay and the appeals, tagged', async () => {
    // The pothole report, as a service whose silence means rejection after 15 days.
    const example = JSON.parse(readFileSync(join(ROOT, 'forms', `${POTHOLE}.json`), 'utf8'));
    example.definition.settings.receipt = {
      silenceMeans: 'rejection',
      delayDays: 15,
      appeals: { authority: 'M. le maire', court: 'le tribunal administratif d’Orléans' },
    };
    const ds = web.stack.api.get(DataSource);
    const { token: designer } = await new ApiTokenService(ds).issue({
      organisationId: organisationId(web.organisation.id),
      name: 'studio',
      role: 'designer',
    });
    const headers = { Authorization: `Bearer ${designer}`, 'content-type': 'application/json' };
    const slug = 'voirie-silence-rejet';
    const created = await fetch(`${base}/api/v1/services`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        slug,
        title: example.service.title,
        organisationId: web.organisation.id,
        definition: example.definition,
      }),
    });
    expect([created.status, created.status === 201 || (await created.text())]).toEqual([201, true]);
    expect((await fetch(`${base}/api/v1/services/${slug}/publish`, { method: 'POST', headers })).status).toBe(201);

    const { page, crashes } = await fresh();
    const { reference } = await filePothole(page, slug);
    const receipt = await web.mail.waitFor(
      (m) => m.to.includes(EMAIL) && m.subject.includes(reference) && m.subject.includes('a bien été déposée'),
      15_000,
    );
    const token = /\/suivi#([A-Za-z0-9_-]{48})/.exec(receipt.text)![1]!;
    await page.goto(`${base}/suivi#${token}`);
    await page.getByRole('heading', { level: 1, name: `Demande ${reference}` }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      press(page, 'Télécharger l’accusé de réception (PDF)'),
    ]);
    const pdf = readFileSync((await download.path())!);
    const text = pdfText(pdf);
    const day = (date: Date) =>
      new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(date);
    expect(text).toContain(`Reçue le : ${day(new Date())} à `);
    expect(text).toContain(
      `décision implicite de rejet : faute de réponse dans un délai de 15 jours, elle sera réputée rejetée le ${day(new Date(Date.now() + 15 * 86_400_000))}.`,
    );
    expect(text).toContain('par un recours gracieux auprès de M. le maire');
    expect(text).toContain('recours contentieux devant le tribunal administratif d’Orléans');
    expect(text).toContain(`Référence : ${reference}`);
    expect(pdfInfo(pdf)).toMatch(/^Tagged: +yes$/m);
    expect(crashes).toEqual([]);
  }, 120_000);

  it('a forged, altered, cut or missing follow link gets a clear French page, never a crash', async () => {
    const { page, crashes } = await fresh();
    const forged = 'A'.repeat(24) + '_-'.repeat(12);
    for (const [name, hash] of [
      ['forge', `#${forged}`],
      ['coupe', `#${forged.slice(0, 20)}`],
      ['bizarre', '#%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
      ['absent', ''],
    ] as const) {
      await page.goto('about:blank');
      await page.goto(`${base}/suivi${hash}`);
      await page.getByRole('heading', { level: 1, name: 'Lien de suivi introuvable' }).waitFor();
      await expect(page.locator('main').textContent()).resolves.toContain(
        'Ce lien ne permet pas d’ouvrir une demande : il est incomplet, a été remplacé par un nouveau lien',
      );
      expect(await page.title()).toMatch(/^Suivre ma demande/);
      await check(page, `suivi-${name}`);
    }
    expect(crashes).toEqual([]);
  }, 60_000);

  it('FranceConnect’s button and its « Qu’est-ce que FranceConnect ? » link: names, target, Tab and ring, logo from our origin', async () => {
    const { page, crashes } = await fresh();
    const elsewhere: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (!['data:', 'blob:'].includes(url.protocol) && url.origin !== base) elsewhere.push(r.url());
    });

    /** The button and its link on the page open now, reached with Tab from the top. */
    async function official(returnTo: string, name: string) {
      const button = page.getByRole('link', { name: FC_SIGN_IN, exact: true });
      await button.waitFor();
      await check(page, name);
      expect(await button.count()).toBe(1);
      await expect(button.getAttribute('href')).resolves.toBe(
        `/auth/login?as=citizen&returnTo=${encodeURIComponent(returnTo)}`,
      );
      await expect(button.locator('span').allTextContents()).resolves.toEqual(['S’identifier avec', 'FranceConnect']);
      const looks = await button.evaluate((el) => {
        const style = getComputedStyle(el);
        return {
          background: style.backgroundColor,
          color: style.color,
          logo: getComputedStyle(el, '::before').backgroundImage,
        };
      });
      // FranceConnect's blue and text, whatever the organisation's accent colour.
      expect(looks).toMatchObject({ background: 'rgb(0, 0, 145)', color: 'rgb(245, 245, 254)' });
      const logo = /^url\("([^"]+)"\)$/.exec(looks.logo)?.[1];
      expect(logo).toMatch(new RegExp(`^${base.replace(/[.]/g, '\\.')}/assets/franceconnect-logo-[\\w-]+\\.svg$`));
      const served = await fetch(logo!);
      expect([served.status, served.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
      expect(await served.text()).toContain('viewBox="0 0 40 48"');

      const what = page.getByRole('link', { name: FC_WHAT, exact: true });
      expect(await what.count()).toBe(1);
      await expect(
        what.evaluate((el) => ({
          href: el.getAttribute('href'),
          target: el.getAttribute('target'),
          rel: el.getAttribute('rel'),
          title: el.getAttribute('title'),
        })),
      ).resolves.toEqual({
        href: 'https://franceconnect.gouv.fr/',
        target: '_blank',
        rel: 'noopener',
        title: 'Qu’est-ce que FranceConnect ? - nouvelle fenêtre',
      });
      // Below the button, in the same group.
      const [buttonBox, whatBox] = await Promise.all([button.boundingBox(), what.boundingBox()]);
      expect(whatBox!.y).toBeGreaterThanOrEqual(buttonBox!.y + buttonBox!.height);

      // By keyboard: Tab from the top reaches the button, then its link, each with a visible ring.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await tabTo(page, (el) => el.classList.contains('fc-button'));
      expect(await focusRing(page)).toEqual({ style: 'solid', width: 3 });
      await page.keyboard.press('Tab');
      await expect(page.evaluate(() => document.activeElement?.getAttribute('title'))).resolves.toBe(
        'Qu’est-ce que FranceConnect ? - nouvelle fenêtre',
      );
      expect((await focusRing(page)).style).toBe('solid');
      expect((await focusRing(page)).width).toBeGreaterThanOrEqual(2);
      await page.keyboard.press('Shift+Tab');
      await expect(page.evaluate(() => document.activeElement?.classList.contains('fc-button'))).resolves.toBe(true);
    }

    // « Mes démarches » without an account.
    await page.goto(`${base}/mes-demarches`);
    await page.getByRole('heading', { level: 1, name: 'Mes démarches' }).waitFor();
    await official('/mes-demarches', 'fc-mes-demarches');

    // A service that offers signing in: « Commencer sans compte » first, then the button.
    await page.goto(`${base}/demarches/${OCCUPATION}`);
    await untilLive(page);
    await page.getByRole('button', { name: 'Commencer sans compte' }).waitFor();
    await official(`/demarches/${OCCUPATION}`, 'fc-facultatif');

    // A service that requires it: Enter on the button signs in through the provider and comes back.
    await page.goto(`${base}/demarches/${GRANT}`);
    await untilLive(page);
    await page.getByRole('heading', { level: 1 }).waitFor();
    // The page promises what the example prefills, no more: name and first name, which the citizen may correct.
    const grant = JSON.parse(readFileSync(join(ROOT, 'forms', `${GRANT}.json`), 'utf8'));
    expect(
      grant.definition.settings.prefill.map((p: { claim: string; locked: boolean }) => [p.claim, p.locked]),
    ).toEqual([
      ['family_name', false],
      ['given_name', false],
    ]);
    const promise = page.locator('main p').filter({ hasText: 'identifier avec FranceConnect' });
    await expect(promise.allTextContents()).resolves.toEqual([
      'Cette démarche demande de vous identifier avec FranceConnect : vos nom et prénom seront remplis pour vous (vous pourrez les corriger).',
    ]);
    expect(await page.locator('main').textContent()).not.toContain('date de naissance');
    await official(`/demarches/${GRANT}`, 'fc-obligatoire');
    await page.keyboard.press('Enter');
    await chooseTestIdentity(page, 'Inés García López — née à l’étranger', `${base}/demarches/${GRANT}`);
    await page.getByRole('button', { name: /^Commencer/ }).waitFor();
    expect(await page.getByRole('link', { name: FC_SIGN_IN }).count()).toBe(0);
    // Only the identity provider, on its own origin, when the citizen chose to sign in.
    const idp = new URL(web.idp.issuer).origin;
    expect(elsewhere.filter((url) => new URL(url).origin !== idp)).toEqual([]);
    expect(crashes).toEqual([]);
  }, 90_000);
});
