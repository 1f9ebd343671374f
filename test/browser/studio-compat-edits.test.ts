import type { Page } from 'playwright-core';
import { chooseTestIdentity, expectAccessible, launchBrowser, type Browser } from '../support/browser';
import { loadCorpus, type CompatForm } from '../support/compat-corpus';
import { placeOf } from '../support/compat-imported';
import { startWebStack, type WebStack } from '../support/web-stack';

type Json = Record<string, unknown>;
const LABEL = 'Libellé renommé par la conceptrice';
const PAGE_TITLE = 'Étape renommée';

/**
 * The most nested corpus forms, and a field deep in each as the studio lists it (keys from the top; lists step
 * through their items): `ui:title`s at three depths of a low-code export, a list's item renamed by the uiSchema, a
 * list inside a group with `$ref`'d siblings, a draft-07 form with tuples, seven levels of groups, a list of a
 * Pydantic model kept in `$defs`, a tuple's place.
 */
const CASES: Array<{ name: string; path: string[]; place?: true }> = [
  { name: 'lowcode-ecole-musique', path: ['zone_groupe_1', 'zone_groupe_2', 'zone_email_1'] },
  { name: 'logement-ordre-imbrique', path: ['occupants', 'prenom'] },
  { name: 'declaration-ruchers-imbriques', path: ['apiculteur', 'contacts', 'nom'] },
  { name: 'marche-forain-draft07-tuples', path: ['commerçant', 'raison_sociale'] },
  {
    name: 'permis-imbrique',
    path: ['projet', 'terrain', 'parcelle', 'localisation', 'coordonnees', 'lambert93', 'x'],
  },
  // A list whose items are a Pydantic model kept in `$defs`, and a draft-07 tuple's place (its uiSchema in a list).
  { name: 'pydantic-inscription-periscolaire', path: ['enfants', 'prenom'] },
  { name: 'reservation-salle-tuple-branches', path: ['créneau', '1'], place: true },
];

/** The name the studio lists a field by: `ui:title`, else `title`, else its key. */
function labelOf(definition: Json, path: string[]): string {
  const { node, ui } = placeOf(definition, path);
  return [ui?.['ui:title'], node.title].find((t): t is string => typeof t === 'string' && t !== '') ?? path.at(-1)!;
}

/** A call of the API as the signed-in designer's page makes it; the answer's text, key order as sent. */
function call(page: Page, method: string, url: string, body?: unknown): Promise<{ status: number; text: string }> {
  return page.evaluate(
    async ({ method, url, body }) => {
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('csrf_token='));
      const res = await fetch(url, {
        method,
        headers: {
          'content-type': 'application/json',
          'x-csrf-token': csrf ? decodeURIComponent(csrf.slice('csrf_token='.length)) : '',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, text: await res.text() };
    },
    { method, url, body },
  );
}

/**
 * Claire opens a form written elsewhere in the studio, renames a field deep in it and its page, and the draft
 * saved is the imported one with those two edits and nothing else (every keyword, uiSchema option and key order);
 * the editor passes axe with that field open. apps/web/src/studio/compat-edits.spec.ts checks every corpus form and
 * every field through the same edit functions; this checks the editor's controls and its load and save.
 */
describe('the studio edits a form written elsewhere, in Chromium', () => {
  let web: WebStack;
  let browser: Browser;
  let page: Page;
  let organisationId: string;
  const corpus = new Map<string, CompatForm>(loadCorpus().map((form) => [form.name, form]));

  beforeAll(async () => {
    web = await startWebStack();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${web.base}/studio`);
    const signIn = page.getByRole('link', { name: 'Se connecter en tant qu’agent' });
    await signIn.focus();
    await signIn.press('Enter');
    await chooseTestIdentity(page, 'Claire Rousseau — conceptrice', `${web.base}/studio`);
    await page.getByRole('heading', { level: 2, name: 'Créer une démarche' }).waitFor();
    const me = JSON.parse((await call(page, 'GET', '/api/v1/me')).text) as {
      roles: Array<{ organisationId: string; role: string }>;
    };
    organisationId = me.roles.find((r) => r.role === 'designer' || r.role === 'admin')!.organisationId;
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  /** Imports the corpus form `name` as `slug`, opens it in the studio on the page of `first`; the draft imported. */
  async function openImported(name: string, slug: string, first: string): Promise<{ draft: Json; pageId: string }> {
    const form = corpus.get(name)!;
    const imported = await call(page, 'POST', '/api/v1/services/import', {
      organisationId,
      file: { schema: form.schema, uiSchema: form.uiSchema },
      slug,
      title: form.title,
    });
    expect(imported.status).toBe(201);
    const draft = (JSON.parse(imported.text) as { draft: Json }).draft;
    const pages = draft.pages as Array<{ id: string; title: string; fields: string[] }>;
    const pageId = pages.find((p) => p.fields.includes(first))!.id;
    await page.goto(`${web.base}/studio/${slug}`);
    await page.getByRole('heading', { level: 1, name: form.title }).waitFor();
    await page.locator(`#studio-etape-${pageId}`).click();
    await page.locator(`[id="studio-champ-${first}"]`).click();
    return { draft, pageId };
  }

  /** The draft as the API gives it back, once it is `expected` (the last autosave may still be on its way). */
  async function savedDraft(slug: string, expected: Json): Promise<string> {
    const want = JSON.stringify(expected, null, 1);
    let saved = '';
    for (let tries = 0; tries < 20 && saved !== want; tries++) {
      if (tries > 0) await page.waitForTimeout(500);
      const view = JSON.parse((await call(page, 'GET', `/api/v1/services/${slug}`)).text) as { draft: Json };
      saved = JSON.stringify(view.draft, null, 1);
    }
    return saved;
  }

  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: a deep field and its page renamed, the rest saved as imported',
    async (name, { path, place }) => {
      const slug = `edition-${name}`;
      const { draft, pageId } = await openImported(name, slug, path[0]!);
      const pageOf = { id: pageId };
      for (let depth = 2; depth <= path.length; depth++)
        await page
          .locator('.studio-children')
          .getByRole('button', { name: labelOf(draft, path.slice(0, depth)), exact: true })
          .click();
      const labelInput = page.locator(`[id="studio-prop-${path.join('-')}-libelle"]`);
      // The « Libellé » shows the name the form shows (`ui:title` where the form gives one).
      await expect(labelInput.inputValue()).resolves.toBe(labelOf(draft, path));
      await expectAccessible(page, `${name}: ${path.join(' › ')}`);
      if (place) {
        // A tuple's place is answered at its position: not required, removed or made conditional on its own.
        const panel = page.locator('.studio-panel');
        await expect(panel.getByRole('checkbox', { name: 'Obligatoire' }).count()).resolves.toBe(0);
        await expect(panel.getByRole('button', { name: /^Supprimer le champ/ }).count()).resolves.toBe(0);
        await expect(panel.getByText('FranceConnect').count()).resolves.toBe(0);
      }
      await labelInput.fill(LABEL);
      await page.locator('#studio-page-titre').fill(PAGE_TITLE);
      await page.getByText(/^Brouillon enregistré à/).waitFor();
      await page.locator('.studio-panel h2', { hasText: LABEL }).waitFor();

      const expected = JSON.parse(JSON.stringify(draft)) as Json;
      const { node, ui } = placeOf(expected, path);
      if (ui && typeof ui['ui:title'] === 'string') ui['ui:title'] = LABEL;
      else node.title = LABEL;
      (expected.pages as Array<{ id: string; title: string }>).find((p) => p.id === pageOf.id)!.title = PAGE_TITLE;
      // The label's save may have gone before the page's title was typed (a slow machine): the last one settles it.
      await expect(savedDraft(slug, expected)).resolves.toBe(JSON.stringify(expected, null, 1));
    },
    90_000,
  );

  /** The text the screen reader reads as `selector`'s description: its `aria-describedby` targets, in order. */
  const description = (selector: string) =>
    page.locator(selector).evaluate((el) =>
      (el.getAttribute('aria-describedby') ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => document.getElementById(id)?.textContent ?? `(${id} absent)`)
        .join(' '),
    );
  const focused = () => page.evaluate(() => document.activeElement?.id ?? '');

  it('defaults: a field of a group kept in $defs, renamed from one of its two places, is renamed in both and said so', async () => {
    const slug = 'edition-partage-defaults';
    const path = ['centreAnnexe', 'horaires'];
    const { draft } = await openImported('defaults', slug, path[0]!);
    // Opening the group: its fields are listed, and the block says they are the shared group's.
    const block = page.locator('.studio-children');
    await expect(description('.studio-children')).resolves.toMatch(
      /Groupe partagé : ces champs sont ceux du groupe « centre », utilisé à 2 emplacements du formulaire\. Ajouter, retirer, déplacer ou modifier un champ s’applique partout\./,
    );
    await block.getByRole('button', { name: labelOf(draft, path), exact: true }).click();
    // Focus goes to the properties of the field chosen, whose label control carries the notice as its description.
    await expect(focused()).resolves.toBe('studio-prop-centreAnnexe-horaires-titre');
    const labelInput = page.locator('#studio-prop-centreAnnexe-horaires-libelle');
    const notice =
      'Groupe partagé : ce champ fait partie du groupe « centre », utilisé à 2 emplacements du formulaire. ' +
      'La modification de son libellé et de ses réglages s’applique partout. ' +
      'L’aide et le texte indicatif ne concernent que cet emplacement.';
    await expect(page.locator('#studio-prop-centreAnnexe-horaires-partage').innerText()).resolves.toBe(notice);
    await expect(description('#studio-prop-centreAnnexe-horaires-libelle')).resolves.toBe(notice);
    await expect(description('#studio-prop-centreAnnexe-horaires-obligatoire')).resolves.toBe(notice);
    // The help is this place's uiSchema: not described as shared.
    await expect(description('#studio-prop-centreAnnexe-horaires-aide')).resolves.toBe('');
    await expectAccessible(page, 'defaults: champ d’un groupe partagé');

    // Typed by the keyboard: each keystroke is an edit that re-renders the panel, and the focus stays in the input.
    await labelInput.focus();
    await labelInput.press('Control+A');
    await page.keyboard.type(LABEL);
    await expect(focused()).resolves.toBe('studio-prop-centreAnnexe-horaires-libelle');
    await page.getByText(/^Brouillon enregistré à/).waitFor();
    // The other place of the group shows the new name.
    const other = (draft.pages as Array<{ id: string; fields: string[] }>).find((p) =>
      p.fields.includes('centrePrincipal'),
    )!;
    await page.locator(`#studio-etape-${other.id}`).click();
    await page.locator('#studio-champ-centrePrincipal').click();
    await page.locator('.studio-children').getByRole('button', { name: LABEL, exact: true }).waitFor();

    // Saved: the group's definition renamed, its `$ref`s and everything else as imported.
    const expected = JSON.parse(JSON.stringify(draft)) as Json;
    placeOf(expected, path).node.title = LABEL;
    expect(JSON.stringify(expected)).toContain('"$ref"');
    await expect(savedDraft(slug, expected)).resolves.toBe(JSON.stringify(expected, null, 1));
  }, 90_000);

  it('etat-civil-branches and if-then-else: fields of a oneOf branch and of an if/then are listed, said conditional and renamed where declared', async () => {
    // A field of the group's second branch, named by that branch's uiSchema (RJSF 6's `uiSchema.oneOf[1]`).
    const slug = 'edition-branches-etat-civil';
    const path = ['envoi', 'courriel'];
    const { draft } = await openImported('etat-civil-branches', slug, path[0]!);
    const block = page.locator('.studio-children');
    await block.getByRole('button', { name: 'Adresse électronique', exact: true }).click();
    await expect(focused()).resolves.toBe('studio-prop-envoi-courriel-titre');
    const notice =
      'Champ conditionnel : ce champ est déclaré dans une branche du schéma ; le formulaire ne l’affiche qu’à ' +
      'l’usager qui choisit « Par courriel » dans « Comment recevoir l’acte ? » (branche 2 du choix oneOf). ' +
      'Une modification s’applique à cette branche, là où le champ est déclaré.';
    await expect(page.locator('#studio-prop-envoi-courriel-branche').innerText()).resolves.toBe(notice);
    await expect(description('#studio-prop-envoi-courriel-libelle')).resolves.toBe(notice);
    await expect(description('#studio-prop-envoi-courriel-obligatoire')).resolves.toBe(notice);
    await expect(page.locator('#studio-prop-envoi-courriel-obligatoire').isChecked()).resolves.toBe(true);
    await expectAccessible(page, 'etat-civil-branches: champ d’une branche oneOf');
    const labelInput = page.locator('#studio-prop-envoi-courriel-libelle');
    await expect(labelInput.inputValue()).resolves.toBe('Adresse électronique');
    await labelInput.focus();
    await labelInput.press('Control+A');
    await page.keyboard.type(LABEL);
    await expect(focused()).resolves.toBe('studio-prop-envoi-courriel-libelle');
    await page.getByText(/^Brouillon enregistré à/).waitFor();
    const expected = JSON.parse(JSON.stringify(draft)) as Json;
    const envoiUi = (expected.uiSchema as { envoi: { oneOf: Array<{ courriel: Json }> } }).envoi;
    envoiUi.oneOf[1]!.courriel['ui:title'] = LABEL;
    await expect(savedDraft(slug, expected)).resolves.toBe(JSON.stringify(expected, null, 1));

    // A root field only a condition brings (on no page): listed after the fields of the page, said conditional.
    const slug2 = 'edition-branches-if-then';
    const { draft: draft2 } = await openImported('if-then-else', slug2, 'typeDemande');
    const motif = page.locator('[id="studio-champ-motif"]');
    await expect(motif.innerText()).resolves.toMatch(/^Motif — .*, champ conditionnel$/);
    await motif.click();
    await expect(focused()).resolves.toBe('studio-prop-motif-titre');
    const notice2 = await page.locator('#studio-prop-motif-branche').innerText();
    expect(notice2).toMatch(
      /^Champ conditionnel : ce champ est déclaré dans une branche du schéma ; le formulaire ne l’affiche que lorsque « .+ » vaut « Première demande »\. Une modification s’applique à cette branche, là où le champ est déclaré\. Le même champ est aussi déclaré dans 1 autre branche ou partie, qui garde ses réglages : modifiez-la dans l’onglet JSON\.$/,
    );
    await expect(description('#studio-prop-motif-libelle')).resolves.toBe(notice2);
    await expectAccessible(page, 'if-then-else: champ d’un if/then');
    await page.locator('#studio-prop-motif-libelle').fill(LABEL);
    await page.getByText(/^Brouillon enregistré à/).waitFor();
    const expected2 = JSON.parse(JSON.stringify(draft2)) as Json;
    const parts = (expected2.schema as { allOf: Array<{ then: { properties: { motif: Json } } }> }).allOf;
    parts[0]!.then.properties.motif.title = LABEL;
    await expect(savedDraft(slug2, expected2)).resolves.toBe(JSON.stringify(expected2, null, 1));
  }, 120_000);
});
