import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { canteenDefinition } from '../fixtures/canteen';
import { axeViolations, chooseTestIdentity, launchBrowser, type Browser } from '../support/browser';
import { ROOT } from '../support/processes';
import { startWebStack, type WebStack } from '../support/web-stack';

const SHOTS = join(ROOT, 'test-results', 'screenshots', 'studio-keyboard');

/** Focus, then Enter: what a keyboard user does on a button. */
async function press(target: Locator) {
  await target.focus();
  await target.press('Enter');
}

/** What has the focus, in words a failure can be read by: its id, or its tag and text. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}: ${(el.textContent ?? '').trim().slice(0, 60)}`;
  });
}

let shots = 0;
async function check(page: Page, name: string) {
  expect({ state: name, violations: await axeViolations(page) }).toEqual({ state: name, violations: [] });
  // A picture for people to look at, not a check: the page's 15 s for each wait (below) is too short for a full-page
  // capture of the studio on a loaded 2-core machine (two cases failed on it in a clean-clone run, then passed alone).
  await page.screenshot({
    path: join(SHOTS, `${String(shots++).padStart(2, '0')}-${name}.png`),
    fullPage: true,
    timeout: 60_000,
  });
}

/**
 * Claire in the studio with the keyboard only (issue 20): focus never falls
 * to body when the control she is on goes away, undo and redo answer
 * wherever she is, skip links and a one-stop palette, problems that block
 * publishing shown at their field and linked to their control, routing on
 * a child's school, and no jargon.
 */
describe('studio by keyboard', () => {
  let web: WebStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    web = await startWebStack();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${web.base}/studio`);
    await press(page.getByRole('link', { name: 'Se connecter en tant qu’agent' }));
    await chooseTestIdentity(page, 'Claire Rousseau — conceptrice', `${web.base}/studio`);
    await page.getByRole('heading', { level: 2, name: 'Créer une démarche' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  /**
   * Adds a field from the palette with the keyboard only: the skip link to « Ajouter un champ », the label typed,
   * then along the palette with the arrows to `kind`, Entrée; the field's properties panel, once drawn.
   */
  async function addFromPalette(label: string, kind: string): Promise<Locator> {
    const skip = page.getByRole('navigation', { name: 'Aller à une partie de l’éditeur' });
    await press(skip.getByRole('link', { name: 'Ajouter un champ' }));
    expect(await focused(page)).toBe('#studio-nouveau-libelle');
    await page.keyboard.type(label);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Home');
    const entry = `button: Ajouter un champ ${kind}`;
    for (let i = 0; i < 40 && (await focused(page)) !== entry; i++) await page.keyboard.press('ArrowRight');
    expect(await focused(page)).toBe(entry);
    await page.keyboard.press('Enter');
    const panel = page.locator('.studio-panel');
    await panel.getByRole('heading', { name: `Propriétés : ${label}` }).waitFor();
    await expect(panel.textContent()).resolves.toContain(kind);
    return panel;
  }

  /** The draft's field `key` (its schema node and uiSchema) once `ready` says the autosave carried the change. */
  async function savedField(key: string, ready: (ui: unknown) => boolean) {
    const read = async () => {
      const [row] = await web.stack.api.get(DataSource).query(
        `SELECT draft_definition->'schema'->'properties'->$2::text AS node,
                draft_definition->'uiSchema'->$2::text AS ui FROM service WHERE slug = $1`,
        ['cantine-clavier', key],
      );
      return row as { node: { properties?: Record<string, unknown> } | null; ui: unknown };
    };
    let row = await read();
    for (let i = 0; i < 50 && !ready(row.ui); i++) {
      await page.waitForTimeout(100);
      row = await read();
    }
    return row;
  }

  it('lays the example chooser out at 1280 px: small radios, titles and descriptions readable', async () => {
    const radio = page.getByRole('radio', { name: 'Demande d’acte d’état civil' });
    await radio.waitFor();
    const sizes = await radio.evaluate((input) => {
      // The column that holds the title and its description, beside the radio.
      const column = document.querySelector(`label[for="${input.id}"]`)!.parentElement!;
      return { radio: input.getBoundingClientRect().width, label: column.getBoundingClientRect().width };
    });
    expect(sizes.radio).toBeLessThan(40);
    expect(sizes.label).toBeGreaterThan(250);
    await check(page, 'exemples');
  });

  it('keeps the focus on a control that remains, or on a sensible one, never on body', async () => {
    await page.getByLabel('Titre de la démarche').fill('Essai clavier');
    await press(page.getByRole('button', { name: 'Créer la démarche' }));
    await page.getByRole('heading', { level: 1, name: 'Essai clavier' }).waitFor();

    // Skip links between the parts of the form tab.
    const skip = page.getByRole('navigation', { name: 'Aller à une partie de l’éditeur' });
    await press(skip.getByRole('link', { name: 'Champs de l’étape' }));
    expect(await focused(page)).toBe('#studio-champs-titre');
    await press(skip.getByRole('link', { name: 'Ajouter un champ' }));
    expect(await focused(page)).toBe('#studio-nouveau-libelle');

    // The palette is one Tab stop; the arrows move inside it.
    await page.keyboard.type('Votre école');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatch(/^button: Ajouter un champ Texte court/);
    await page.keyboard.press('End');
    expect(await focused(page)).toMatch(/Bloc identité/);
    await page.keyboard.press('Home');
    await page.keyboard.press('Tab');
    expect(await focused(page)).not.toMatch(/Ajouter un champ/);
    await check(page, 'palette');

    // A new field, its properties open, focus in its label: Ctrl+Z takes it away, focus goes to the field list.
    await page.getByLabel('Libellé du nouveau champ').fill('Commentaire');
    await press(page.getByRole('button', { name: 'Ajouter un champ Texte long', exact: true }));
    const panel = page.locator('.studio-panel');
    await panel.getByRole('heading', { name: 'Propriétés : Commentaire' }).waitFor();
    await panel.getByLabel('Libellé').focus();
    await page.keyboard.press('Control+z');
    await panel.getByRole('heading', { name: 'Propriétés : Commentaire' }).waitFor({ state: 'detached' });
    expect(await focused(page)).toBe('#studio-champs-titre');
    // Redo from there: the studio's, not the browser's (the field comes back).
    await page.keyboard.press('Control+Shift+z');
    await page
      .locator('.studio-fields')
      .getByRole('button', { name: /^Commentaire/ })
      .waitFor();
    expect(await focused(page)).not.toBe('body');

    // « Annuler » greys out under the keyboard and keeps the focus.
    const undo = page.getByRole('button', { name: 'Annuler', exact: true });
    await undo.focus();
    for (let i = 0; i < 20 && (await undo.getAttribute('aria-disabled')) !== 'true'; i++) {
      await page.keyboard.press('Enter');
    }
    expect(await undo.getAttribute('aria-disabled')).toBe('true');
    expect(await focused(page)).toMatch(/^button: Annuler/);
    await check(page, 'annuler-grise');
    // Undo and redo work from body too, not only inside the editor.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    expect(await focused(page)).toBe('body');
    await page.keyboard.press('Control+Shift+z');
    await page.waitForFunction(
      () => document.querySelector('button[aria-keyshortcuts="Control+Z"]')?.getAttribute('aria-disabled') !== 'true',
    );
    await page.keyboard.press('Control+y');
    await page.keyboard.press('Control+y');
    await page.keyboard.press('Control+y');
    await page
      .locator('.studio-fields')
      .getByRole('button', { name: /^Commentaire/ })
      .waitFor();

    // « Supprimer l'étape »: focus on the step now shown.
    await page.getByLabel('Titre de la nouvelle étape').fill('Étape de trop');
    await press(page.getByRole('button', { name: 'Ajouter l’étape' }));
    await page.locator('.studio-page-props').getByRole('heading', { name: 'Étape « Étape de trop »' }).waitFor();
    await press(page.getByRole('button', { name: 'Supprimer l’étape « Étape de trop »' }));
    await page.getByRole('button', { name: /Étape de trop/ }).waitFor({ state: 'detached' });
    expect(await focused(page)).toMatch(/^#studio-etape-/);
    await check(page, 'apres-suppression');
  }, 90_000);

  it('shows what blocks publishing at its field, and « Ne pas publier maintenant » hands focus back', async () => {
    const fields = page.locator('.studio-fields');
    const panel = page.locator('.studio-panel');
    // A field added without a label is named after its type, its key too (« texteCourt »); then its label is emptied.
    await page.getByLabel('Libellé du nouveau champ').fill('');
    await press(page.getByRole('button', { name: 'Ajouter un champ Texte court', exact: true }));
    await panel.getByRole('heading', { name: 'Propriétés : Texte court' }).waitFor();
    const label = panel.getByLabel('Libellé', { exact: true });
    await label.fill('');
    // Saved, but said at once, at the field and its label.
    await page.getByText(/^Brouillon enregistré à/).waitFor();
    await expect(label.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(fields.textContent()).resolves.toContain('n’a pas de libellé');
    await press(page.getByRole('button', { name: 'Publier…' }));
    const blocked = page.locator('.error-summary', { hasText: 'empêche la publication' });
    await blocked.waitFor();
    expect(await page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    await check(page, 'publication-bloquee');
    await press(blocked.getByRole('button', { name: /n’a pas de libellé/ }));
    expect(await focused(page)).toMatch(/-libelle$/);
    await page.keyboard.type('Votre commentaire');
    await blocked.waitFor({ state: 'detached' });
    await expect(label.getAttribute('aria-invalid')).resolves.toBeNull();

    // A choice whose answers are all cleared: said in French, the link goes to « Réponses proposées ».
    await page.getByLabel('Libellé du nouveau champ').fill('Votre école');
    await press(page.getByRole('button', { name: 'Ajouter un champ Choix unique (boutons)', exact: true }));
    await panel.getByRole('heading', { name: 'Propriétés : Votre école' }).waitFor();
    await panel.getByLabel('Réponses proposées').fill('');
    const summary = page.locator('.error-summary', { hasText: 'empêche' });
    const link = summary.getByRole('button', { name: /Proposez au moins une réponse/ });
    await link.waitFor();
    await expect(summary.textContent()).resolves.not.toContain('oneOf');
    await press(link);
    expect(await focused(page)).toMatch(/-options$/);
    await expect(panel.getByLabel('Réponses proposées').getAttribute('aria-invalid')).resolves.toBe('true');
    await check(page, 'reponses-videes');
    await page.keyboard.type('Jules-Ferry\nPasteur');
    await page.getByText(/^Brouillon enregistré à/).waitFor();

    // The preview panel's « Ne pas publier maintenant » goes away: focus returns to « Publier… ».
    await press(page.getByRole('button', { name: 'Publier…' }));
    await page.locator('.studio-publish-panel').waitFor();
    await press(page.getByRole('button', { name: 'Ne pas publier maintenant' }));
    await page.locator('.studio-publish-panel').waitFor({ state: 'detached' });
    expect(await focused(page)).toMatch(/^button: Publier…/);
    await check(page, 'ne-pas-publier-maintenant');
  }, 90_000);

  it('routes on a child’s school in words, and shows no jargon', async () => {
    // The canteen form (a repeatable « Enfants » block with a school), made through the API as an import would.
    const created = await page.evaluate(
      async (definition) => {
        const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrf_token='));
        const me = (await (await fetch('/api/v1/me')).json()) as {
          roles: Array<{ organisationId: string; role: string }>;
        };
        const res = await fetch('/api/v1/services', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-csrf-token': csrf ? decodeURIComponent(csrf.slice('csrf_token='.length)) : '',
          },
          body: JSON.stringify({
            slug: 'cantine-clavier',
            title: 'Cantine',
            organisationId: me.roles.find((r) => r.role === 'designer' || r.role === 'admin')?.organisationId,
            definition,
          }),
        });
        return res.status;
      },
      canteenDefinition() as unknown as Record<string, unknown>,
    );
    expect(created).toBe(201);
    await page.goto(`${web.base}/studio/cantine-clavier`);
    await page.getByRole('heading', { level: 1, name: 'Cantine' }).waitFor();
    await press(page.getByRole('tab', { name: 'Circuit d’instruction' }));
    // Skip links between the workflow's sections (about 180 Tab stops without them): the first Tab stops after the tab.
    const parts = page.getByRole('navigation', { name: 'Aller à une partie du circuit' });
    await parts.waitFor();
    let tabs = 0;
    while ((await focused(page)) !== 'a: États' && tabs++ < 6) await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('a: États');
    for (const [link, heading] of [
      ['Orientation', '#wf-routing-title'],
      ['Modèles de courriel', '#wf-emails-title'],
      ['Webhook', '#wf-webhook-title'],
      ['Transitions', '#wf-transitions-title'],
      ['États', '#wf-states-title'],
    ] as const) {
      await press(parts.getByRole('link', { name: link, exact: true }));
      expect({ link, focused: await focused(page) }).toEqual({ link, focused: heading });
    }
    await check(page, 'circuit-liens');
    await press(page.getByRole('button', { name: 'Ajouter une règle d’orientation' }));
    const rule = page.getByRole('group', { name: 'Règle 1' });
    await rule.getByLabel('Si le champ').selectOption({ label: 'Enfants › École' });
    const which = rule.getByLabel('pour');
    await expect(which.inputValue()).resolves.toBe('any');
    await expect(which.locator('option').allTextContents()).resolves.toEqual([
      'au moins un élément de « Enfants »',
      'le premier élément de « Enfants »',
    ]);
    await rule.getByLabel('est égal à').selectOption({ label: 'jules-ferry' });
    await rule.getByLabel('Alors le groupe instructeur').fill('Cantine Jules-Ferry');
    await page.getByText(/^Brouillon enregistré à/).waitFor();
    const [row] = await web.stack.api
      .get(DataSource)
      .query(`SELECT draft_definition->'workflow'->'routing' AS routing FROM service WHERE slug = $1`, [
        'cantine-clavier',
      ]);
    expect(row.routing.rules[0]).toEqual({
      when: { any: [{ field: '/children' }, { eq: [{ field: '/children/*/school' }, 'jules-ferry'] }] },
      group: 'Cantine Jules-Ferry',
    });
    await check(page, 'orientation');
    const workflowText = (await page.locator('main').textContent()) ?? '';
    expect(workflowText).not.toMatch(/submission_received|\/children\/\*|family-name/);

    // A field's properties: the browser's autofill in words, the field's place by labels.
    await press(page.getByRole('tab', { name: 'Formulaire' }));
    await press(page.locator('.studio-fields').getByRole('button', { name: /^SIRET de l’employeur/ }));
    const autofill = page.locator('.studio-panel').getByLabel('Le navigateur peut proposer');
    await expect(autofill.locator('option').allTextContents()).resolves.toContain('Nom de famille');
    const formText = (await page.locator('main').textContent()) ?? '';
    expect(formText).not.toMatch(/autocomplete|family-name|clé \/|\/siret/);
  }, 90_000);

  it('adds the SIRET field from the palette and locks its values, by keyboard', async () => {
    // On the canteen's form, as the test before left it.
    const panel = await addFromPalette('Votre structure', 'Numéro SIRET (entreprise ou association)');

    // « Valeurs verrouillées »: a group of labelled checkboxes, ticked with the space bar.
    const locks = panel.getByRole('group', { name: 'Valeurs verrouillées' });
    await expect(locks.getByRole('checkbox').count()).resolves.toBe(5);
    for (const name of ['Raison sociale', 'État administratif']) {
      const box = locks.getByRole('checkbox', { name });
      await box.focus();
      await page.keyboard.press('Space');
      await expect(box.isChecked()).resolves.toBe(true);
    }
    await check(page, 'siret-verrous');

    const row = await savedField('votreStructure', (ui) =>
      Boolean((ui as { 'ui:options'?: unknown } | null)?.['ui:options']),
    );
    expect(row.ui).toEqual({ 'ui:widget': 'siret', 'ui:options': { locked: ['raisonSociale', 'etat'] } });
    expect(Object.keys(row.node?.properties ?? {})).toEqual([
      'siret',
      'raisonSociale',
      'formeJuridique',
      'adresse',
      'codeNaf',
      'etat',
      'provenance',
    ]);
  }, 90_000);

  it('adds the RNA field from the palette and locks its values, by keyboard', async () => {
    // On the canteen's form, as the tests before left it.
    const panel = await addFromPalette('Votre association', 'Numéro RNA (association)');

    // « Valeurs verrouillées »: the values the registry fills, ticked with the space bar.
    const locks = panel.getByRole('group', { name: 'Valeurs verrouillées' });
    await expect(locks.getByRole('checkbox').count()).resolves.toBe(6);
    await expect(locks.textContent()).resolves.toContain('Répertoire national des associations');
    for (const name of ['Nom de l’association', 'État']) {
      const box = locks.getByRole('checkbox', { name, exact: true });
      await box.focus();
      await page.keyboard.press('Space');
      await expect(box.isChecked()).resolves.toBe(true);
    }
    await check(page, 'rna-verrous');

    const row = await savedField('votreAssociation', (ui) =>
      Boolean((ui as { 'ui:options'?: unknown } | null)?.['ui:options']),
    );
    expect(row.ui).toEqual({ 'ui:widget': 'rna', 'ui:options': { locked: ['nom', 'etat'] } });
    expect(Object.keys(row.node?.properties ?? {})).toEqual([
      'rna',
      'nom',
      'objet',
      'adresse',
      'dateDeclaration',
      'datePublicationJo',
      'etat',
      'provenance',
    ]);
  }, 90_000);

  it('adds the family quotient field from the palette, its quotient, month and body locked, by keyboard', async () => {
    const panel = await addFromPalette('Quotient de la famille', 'Quotient familial (CAF/MSA)');

    // « Valeurs verrouillées »: the four values API Particulier fills, three locked by default.
    const locks = panel.getByRole('group', { name: 'Valeurs verrouillées' });
    await expect(locks.getByRole('checkbox').count()).resolves.toBe(4);
    await expect(locks.textContent()).resolves.toContain('CAF ou de la MSA');
    const box = (name: string) => locks.getByRole('checkbox', { name, exact: true });
    await expect(box('Quotient familial (en euros)').isChecked()).resolves.toBe(true);
    await expect(box('Allocataire(s)').isChecked()).resolves.toBe(false);
    for (const name of ['Organisme', 'Allocataire(s)']) {
      await box(name).focus();
      await page.keyboard.press('Space');
    }
    await expect(box('Organisme').isChecked()).resolves.toBe(false);
    await expect(box('Allocataire(s)').isChecked()).resolves.toBe(true);
    await check(page, 'quotient-verrous');

    const wanted = {
      'ui:widget': 'quotient-familial',
      'ui:options': { locked: ['quotient', 'periode', 'allocataire'] },
    };
    const row = await savedField('quotientDeLaFamille', (ui) => JSON.stringify(ui) === JSON.stringify(wanted));
    expect(row.ui).toEqual(wanted);
    expect(Object.keys(row.node?.properties ?? {})).toEqual([
      'consentement',
      'quotient',
      'periode',
      'regime',
      'allocataire',
      'provenance',
    ]);
  }, 90_000);
  it('adds the address field (Base Adresse Nationale) from the palette, by keyboard', async () => {
    await addFromPalette('Adresse du problème', 'Adresse (Base Adresse Nationale)');

    const row = await savedField('adresseDuProbleme', (ui) => Boolean(ui));
    expect(row.ui).toEqual({ 'ui:widget': 'address' });
    expect(Object.keys(row.node?.properties ?? {})).toEqual([
      'label',
      'numero',
      'voie',
      'codePostal',
      'commune',
      'codeInsee',
      'banId',
      'lon',
      'lat',
      'provenance',
    ]);
  }, 90_000);
});
