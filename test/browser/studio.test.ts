import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { organisationId } from '@guichet/shared';
import { grantDefinition, tinyPdf } from '../fixtures/grant';
import { axeViolations, chooseTestIdentity, launchBrowser, untilLive, type Browser } from '../support/browser';
import { ROOT } from '../support/processes';
import { type Stack } from '../support/stack';
import { startWebStack, type WebStack } from '../support/web-stack';

const SHOTS = join(ROOT, 'test-results', 'screenshots', 'studio');
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
const TITLE = 'Inscription à l’accueil de loisirs';
const SLUG = 'inscription-a-l-accueil-de-loisirs';

/** Focus, then Enter: what a keyboard user does on a button. */
async function press(target: Locator) {
  await target.focus();
  await target.press('Enter');
}

let shots = 0;
/** Axe-clean, one h1; a screenshot; the list page also has no horizontal scroll at 320 px. */
async function check(page: Page, name: string, narrow = false) {
  expect({ page: name, violations: await axeViolations(page) }).toEqual({ page: name, violations: [] });
  expect({ page: name, h1: await page.locator('h1').count() }).toEqual({ page: name, h1: 1 });
  const n = String(shots++).padStart(2, '0');
  await page.screenshot({ path: join(SHOTS, `${n}-${name}.png`), fullPage: true });
  if (narrow) {
    await page.setViewportSize({ width: 320, height: 640 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    await page.screenshot({ path: join(SHOTS, `${n}-${name}-320.png`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect({ page: name, overflow }).toEqual({ page: name, overflow: 0 });
  }
}

/**
 * Claire's Monday, in Chromium, with clicks and keys only: she builds a
 * three-page service from scratch (a yes/no question, a page shown only on
 * "Oui" with a repeatable "Enfant" block, a PDF of 5 MB at most), publishes
 * it through the preview of its changes, and a citizen files it.
 */
describe('studio in Chromium', () => {
  let stack: Stack;
  let base: string;
  let web: WebStack;
  const browsers: Browser[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    web = await startWebStack();
    ({ base, stack } = web);
    browsers.push(...(await Promise.all([launchBrowser(), launchBrowser()])));
  });
  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await web?.close();
  });

  it('builds, publishes and gets a request for a service made from scratch', async () => {
    const [claire, citizen] = await Promise.all(browsers.map((b) => b.context.newPage()));
    const page = claire!;
    for (const p of [claire!, citizen!]) p.setDefaultTimeout(20_000);

    // --- Not signed in: the studio offers the agents' sign-in.
    await page.goto(`${base}/studio`);
    const signIn = page.getByRole('link', { name: 'Se connecter en tant qu’agent' });
    await signIn.waitFor();
    await check(page, 'connexion', true);
    await press(signIn);
    await chooseTestIdentity(page, 'Claire Rousseau — conceptrice', `${base}/studio`);
    await page.getByRole('heading', { level: 2, name: 'Créer une démarche' }).waitFor();
    expect(await page.title()).toBe('Studio — mes démarches — Guichet');
    await check(page, 'mes-demarches', true);

    const started = Date.now();
    // --- From scratch: the address is suggested from the title.
    await page.getByLabel('Titre de la démarche').fill(TITLE);
    await expect(page.getByLabel('Adresse de la démarche').inputValue()).resolves.toBe(SLUG);
    await press(page.getByRole('button', { name: 'Créer la démarche' }));
    await page.waitForURL(`${base}/studio/${SLUG}`);
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();

    const fields = page.locator('.studio-fields');
    const palette = (name: string) => page.getByRole('button', { name: `Ajouter un champ ${name}`, exact: true });
    const panel = page.locator('.studio-panel');
    const pageProps = page.locator('.studio-page-props');

    // Page 1, "Votre famille": the starter field goes, a required yes/no question comes.
    await pageProps.getByLabel('Titre de l’étape').fill('Votre famille');
    await press(fields.getByRole('button', { name: /^Votre demande/ }));
    await press(panel.getByRole('button', { name: 'Supprimer le champ « Votre demande »' }));
    await page.getByLabel('Libellé du nouveau champ').fill('Avez-vous des enfants à inscrire ?');
    await press(palette('Oui / non'));
    await panel.getByRole('heading', { name: 'Propriétés : Avez-vous des enfants à inscrire ?' }).waitFor();
    await panel.getByLabel('Obligatoire').check();
    await page.getByLabel('Libellé du nouveau champ').fill('Adresse électronique de contact');
    await press(palette('Courriel'));
    await panel.getByLabel('Aide').fill('Pour recevoir l’accusé de réception.');
    // Reorder by drag and drop, then back with the keyboard.
    const item = (label: string) => fields.locator('li', { hasText: label });
    await item('Adresse électronique de contact').dragTo(item('Avez-vous des enfants'));
    await expect(fields.locator('.studio-select').first().textContent()).resolves.toContain('Adresse électronique');
    await press(fields.getByRole('button', { name: 'Descendre « Adresse électronique de contact »' }));
    await expect(fields.locator('.studio-select').first().textContent()).resolves.toContain('Avez-vous des enfants');
    // The live preview is the citizen's renderer.
    const preview = page.locator('.studio-preview');
    await preview.getByRole('radio', { name: 'Oui', exact: true }).waitFor();

    // Page 2, "Vos enfants", shown only on "Oui", with a repeatable block "Enfant".
    await page.getByLabel('Titre de la nouvelle étape').fill('Vos enfants');
    await press(page.getByRole('button', { name: 'Ajouter l’étape' }));
    await pageProps.getByRole('heading', { name: 'Étape « Vos enfants »' }).waitFor();
    await pageProps
      .getByLabel('Afficher seulement si la réponse à')
      .selectOption({ label: 'Avez-vous des enfants à inscrire ?' });
    await pageProps.getByLabel('Réponse attendue').selectOption({ label: 'Oui' });
    await press(pageProps.getByRole('button', { name: 'Ajouter la condition' }));
    await pageProps.getByText('Afficher seulement si « Avez-vous des enfants à inscrire ? » est « Oui ».').waitFor();
    await page.getByLabel('Libellé du nouveau champ').fill('Enfants à inscrire');
    await press(palette('Bloc répétable'));
    await panel.getByLabel('Nom d’un élément (par exemple « Enfant »)').fill('Enfant');
    const child = panel.getByLabel('Libellé du champ à ajouter dans ce bloc');
    await child.fill('Prénom');
    await press(panel.getByRole('button', { name: 'Ajouter dans ce bloc' }));
    await child.fill('Date de naissance');
    await panel.getByLabel('Type du champ').selectOption({ label: 'Date' });
    await press(panel.getByRole('button', { name: 'Ajouter dans ce bloc' }));
    await preview.getByRole('group', { name: 'Enfant 1' }).getByLabel('Date de naissance').waitFor();

    // Page 3, "Justificatifs": a PDF of 5 MB at most.
    await page.getByLabel('Titre de la nouvelle étape').fill('Justificatifs');
    await press(page.getByRole('button', { name: 'Ajouter l’étape' }));
    await pageProps.getByRole('heading', { name: 'Étape « Justificatifs »' }).waitFor();
    // An empty step cannot be saved: the server's problem shows in the summary and next to the step.
    const summary = page.locator('.error-summary');
    await summary.getByRole('heading', { name: '1 problème empêche l’enregistrement' }).waitFor();
    await page.getByRole('button', { name: /^3\. Justificatifs \(1 problème\)/ }).waitFor();
    await check(page, 'probleme');
    await page.getByLabel('Libellé du nouveau champ').fill('Attestation d’assurance');
    await press(palette('Fichier à joindre'));
    await panel.getByLabel('Images (JPEG, PNG…)').uncheck();
    await expect(panel.getByLabel('Taille maximale (Mo)').inputValue()).resolves.toBe('5');
    await panel.getByLabel('Obligatoire').check();
    await preview.getByText('Formats acceptés : PDF ; taille maximale : 5 Mo.').waitFor();

    // Undo and redo, with the keys.
    await page.getByRole('button', { name: 'Annuler', exact: true }).focus();
    await page.keyboard.press('Control+z');
    await expect(panel.getByLabel('Obligatoire').isChecked()).resolves.toBe(false);
    await page.keyboard.press('Control+Shift+z');
    await expect(panel.getByLabel('Obligatoire').isChecked()).resolves.toBe(true);

    await page.getByText(/^Brouillon enregistré à/).waitFor();
    const built = Date.now() - started;
    await check(page, 'editeur');
    await press(page.getByRole('tab', { name: 'JSON' }));
    await expect(page.getByLabel('Définition complète (JSON)').inputValue()).resolves.toContain('"page:vos-enfants"');
    await check(page, 'json');
    await press(page.getByRole('tab', { name: 'Formulaire' }));

    // --- Publish, through the preview of what changes.
    await press(page.getByRole('button', { name: 'Publier…' }));
    const publishing = page.locator('.studio-publish-panel');
    await publishing.getByRole('heading', { name: 'Publier la première version' }).waitFor();
    await expect(publishing.textContent()).resolves.toContain('« Avez-vous des enfants à inscrire ? »');
    await check(page, 'publication');
    await press(publishing.getByRole('button', { name: 'Confirmer la publication' }));
    await page.getByText('Version 1 publiée.').waitFor();
    process.stdout.write(`studio: service built by script in ${(built / 1000).toFixed(1)} s\n`);

    // --- A citizen files it.
    const c = citizen!;
    await c.goto(`${base}/demarches/${SLUG}`);
    await untilLive(c);
    await press(
      c
        .getByRole('button', { name: /^Commencer/ })
        .or(c.getByRole('link', { name: /^Commencer/ }))
        .first(),
    );
    await c.waitForURL(/brouillon=/);
    await c.getByRole('radio', { name: 'Oui', exact: true }).check();
    await c.getByLabel('Adresse électronique de contact').fill('famille.martin@example.fr');
    await press(c.getByRole('button', { name: 'Continuer' }));
    await c.getByRole('heading', { level: 2, name: 'Vos enfants' }).waitFor();
    await c.getByLabel('Prénom').fill('Lina');
    await c.getByLabel('Date de naissance').fill('2017-04-12');
    await press(c.getByRole('button', { name: 'Continuer' }));
    await c.getByRole('heading', { level: 2, name: 'Justificatifs' }).waitFor();
    await c
      .locator('input[type=file]')
      .setInputFiles({ name: 'assurance.pdf', mimeType: 'application/pdf', buffer: PDF });
    await c.locator('.uploaded').first().waitFor();
    await press(c.getByRole('button', { name: 'Continuer' }));
    await press(c.getByRole('button', { name: /^Envoyer ma demande/ }));
    await c.getByRole('heading', { level: 1, name: 'Votre demande a bien été envoyée' }).waitFor();

    // --- Another designer saved meanwhile: Claire is told, and nothing of theirs is overwritten.
    await stack.api
      .get(DataSource)
      .query(`UPDATE service SET draft_revision = draft_revision + 1 WHERE slug = $1`, [SLUG]);
    await pageProps.getByLabel('Titre de l’étape').fill('Pièces justificatives');
    await page.getByRole('alert').filter({ hasText: 'Une autre personne a enregistré cette démarche' }).waitFor();
    await check(page, 'conflit');
  }, 90_000);

  it('creates a draft service from an example and starts a test of it', async () => {
    const page = await browsers[0]!.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${base}/studio`);
    const example = page.getByRole('radio', { name: 'Demande d’acte d’état civil' });
    await example.check();
    await expect(page.getByLabel('Titre de la démarche').inputValue()).resolves.toBe('Demande d’acte d’état civil');
    await page.getByLabel('Adresse de la démarche').fill('etat-civil-essai');
    await check(page, 'exemple');
    await press(page.getByRole('button', { name: 'Créer la démarche' }));
    await page.waitForURL(`${base}/studio/etat-civil-essai`);
    await page.getByRole('heading', { level: 1, name: 'Demande d’acte d’état civil' }).waitFor();
    await press(page.getByRole('button', { name: 'Tester', exact: true }));
    const link = page.getByRole('link', { name: 'Ouvrir l’essai (nouvel onglet)' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toMatch(/^\/demarches\/etat-civil-essai\?brouillon=[0-9a-f-]{36}&test=1$/);
    const [row] = await stack.api
      .get(DataSource)
      .query(
        `SELECT s.status, s.latest_version, (SELECT count(*)::int FROM test_submission t WHERE t.service_id = s.id) AS trials, (SELECT count(*)::int FROM submission r WHERE r.service_id = s.id) AS requests FROM service s WHERE s.slug = $1`,
        ['etat-civil-essai'],
      );
    expect(row).toEqual({ status: 'draft', latest_version: null, trials: 1, requests: 0 });
    await check(page, 'tester');

    // The trial opens in the citizens' form, on the draft definition, marked as a test.
    await page.goto(`${base}${await link.getAttribute('href')}`);
    await page.getByText('Mode test : vous essayez le brouillon de la démarche.').waitFor();
    await page.locator('h2.step-title').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('radio').first().focus();
    await page.keyboard.press('Space');
    await page.waitForFunction(() => /Brouillon enregistré/.test(document.body.textContent ?? ''), undefined, {
      timeout: 10_000,
    });
    const [trial] = await stack.api
      .get(DataSource)
      .query(`SELECT revision, data FROM test_submission WHERE id = $1`, [
        new URL(page.url()).searchParams.get('brouillon'),
      ]);
    expect(trial.revision).toBeGreaterThan(1);
    expect(Object.keys(trial.data).length).toBeGreaterThan(0);
  }, 60_000);

  it('a trial of a form with a required file: the designer attaches one and « Continuer » moves on', async () => {
    // A draft whose first page asks a required PDF (created through the API: the walk is the trial's).
    const slug = 'subvention-essai-fichier';
    const definition = grantDefinition() as unknown as {
      schema: { required: string[] };
      pages: Array<{ id: string }>;
    };
    definition.schema.required.push('budget');
    definition.pages.reverse();
    const { token } = await new ApiTokenService(stack.api.get(DataSource)).issue({
      organisationId: organisationId(web.organisation.id),
      name: 'studio',
      role: 'designer',
    });
    const created = await fetch(`${base}/api/v1/services`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ slug, title: 'Subvention (essai)', organisationId: web.organisation.id, definition }),
    });
    expect(created.status).toBe(201);

    const browser = await launchBrowser();
    browsers.push(browser);
    const page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${base}/auth/login?as=agent&returnTo=${encodeURIComponent(`/studio/${slug}`)}`);
    await chooseTestIdentity(page, 'Claire Rousseau — conceptrice', `${base}/studio/${slug}`);
    await page.getByRole('heading', { level: 1, name: 'Subvention (essai)' }).waitFor();
    await press(page.getByRole('button', { name: 'Tester', exact: true }));
    const link = page.getByRole('link', { name: 'Ouvrir l’essai (nouvel onglet)' });
    await link.waitFor();
    await page.goto(`${base}${await link.getAttribute('href')}`);

    // The banner promises what the trial does: files are attached, and deleted with it.
    const banner = page.getByText(/^Mode test : vous essayez le brouillon de la démarche\./);
    await banner.waitFor();
    const said = (await banner.textContent())!;
    expect(said).toContain('avec ses fichiers');
    expect(said).not.toMatch(/ne peu(t|vent) pas être joint|sans fichier|pas de fichier/i);
    await expect(page.locator('h2.step-title').textContent()).resolves.toBe('Pièces');
    expect(await axeViolations(page)).toEqual([]);

    // The file chooser's result, then « Continuer » by keyboard: the next page, no error.
    await page.getByLabel('Budget prévisionnel').setInputFiles({
      name: 'budget.pdf',
      mimeType: 'application/pdf',
      buffer: tinyPdf(),
    });
    await page.locator('[data-pointer="/budget"] .uploaded').waitFor();
    await press(page.getByRole('button', { name: 'Continuer', exact: true }));
    await page.getByRole('heading', { level: 2, name: 'Votre demande' }).waitFor();
    expect(await page.locator('.error-summary').count()).toBe(0);
    await check(page, 'essai-fichier');
  }, 90_000);

  it('prepares the organisation’s archive from the administration page, its status announced', async () => {
    const sophie = await launchBrowser();
    browsers.push(sophie);
    const page = await sophie.context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${base}/studio`);
    await press(page.getByRole('link', { name: 'Se connecter en tant qu’agent' }));
    await chooseTestIdentity(page, 'Sophie Marchand — administratrice', `${base}/studio`);
    await press(page.getByRole('link', { name: 'Administrer l’organisation' }).first());
    const section = page.getByRole('region', { name: 'Exporter les données de l’organisation' });
    await section.getByRole('heading', { level: 2 }).waitFor();
    const button = section.getByRole('button', { name: 'Préparer l’archive' });
    await press(button);
    // The status is announced (role=status) and the focus stays on the button.
    const status = (text: RegExp) => section.locator('[role="status"]', { hasText: text });
    await status(/^Archive (en préparation…|prête)/).waitFor();
    expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);
    await status(/^Archive prête \(\d+(,\d)? (Ko|Mo)\), disponible jusqu’au .+\.$/).waitFor();
    const link = section.getByRole('link', { name: /^Télécharger l’archive \(ZIP, / });
    expect(await link.getAttribute('href')).toMatch(
      /^\/api\/v1\/organisations\/[0-9a-f-]{36}\/archives\/[0-9a-f-]{36}\/file$/,
    );
    await check(page, 'archive');
  }, 60_000);
});
