import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { importExamples } from '@guichet/forms';
import { Organisation, Submission, seedDemoOrganisation } from '@guichet/persistence';
import { axeViolations, chooseTestIdentity, launchBrowser, untilLive, type Browser } from '../support/browser';
import { signInEnv, startIdp, type RunningIdp } from '../support/idp';
import { startFakeApis, type RunningFakeApis } from '../../apps/fake-apis/src/fake-apis';
import { ROOT, freePort } from '../support/processes';
import { startStack, type Stack } from '../support/stack';

type Schema = Record<string, unknown>;

const SHOTS = join(ROOT, 'test-results', 'screenshots');
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** Choices the generic filler must not leave to "the first option": they would make the request ineligible. */
const CHOICES: Record<string, Record<string, number>> = {
  'occupation-du-domaine-public': { '/applicant/kind': 1 },
  'demande-acte-etat-civil': { '/act/type': 0, '/requester/relationship': 0 },
};

function schemaAt(root: Schema, pointer: string): Schema {
  let node: Schema = root;
  for (const segment of pointer.split('/').slice(1)) {
    if (node.type === 'array') node = (node.items ?? {}) as Schema;
    else node = ((node.properties ?? {}) as Record<string, Schema>)[segment] ?? {};
  }
  return node;
}

/**
 * Pairs of sibling fields drawn in another order than their group's
 * `properties` (array indexes read as the items' schema).
 */
function outOfOrder(root: Schema, pointers: string[]): string[] {
  const rank = (pointer: string): { parent: string; index: number } | null => {
    const segments = pointer.split('/').slice(1);
    const last = segments.pop();
    if (last === undefined || /^\d+$/.test(last)) return null;
    const parent = schemaAt(root, `/${segments.join('/')}`.replace(/\/$/, ''));
    const keys = Object.keys((parent.properties ?? {}) as object);
    return keys.includes(last) ? { parent: segments.join('/'), index: keys.indexOf(last) } : null;
  };
  const problems: string[] = [];
  const lastSeen = new Map<string, { pointer: string; index: number }>();
  for (const pointer of pointers) {
    const here = rank(pointer);
    if (!here) continue;
    const before = lastSeen.get(here.parent);
    if (before && before.index > here.index) problems.push(`${before.pointer} avant ${pointer}`);
    lastSeen.set(here.parent, { pointer, index: here.index });
  }
  return problems;
}

/** A valid answer for a text-like field, from its schema. */
function textFor(schema: Schema): string {
  const format = schema.format as string | undefined;
  const byFormat: Record<string, string> = {
    email: 'usager@exemple.fr',
    'fr-phone': '06 12 34 56 78',
    'fr-postal-code': '45000',
    siret: '732 829 320 00074',
    iban: 'FR76 3000 6000 0112 3456 7890 189',
    'insee-commune-code': '45234',
    uri: 'https://www.exemple.fr',
  };
  if (format && byFormat[format]) return byFormat[format];
  if (schema.pattern === '^W[0-9]{9}$') return 'W452001234';
  if (schema.pattern === '^[0-9]{7,8}$') return '1234567';
  if (schema.type === 'integer' || schema.type === 'number') {
    const min = typeof schema.minimum === 'number' ? schema.minimum : 1;
    const max = typeof schema.maximum === 'number' ? schema.maximum : min + 10;
    return String(Math.min(max, Math.max(min, 2)));
  }
  const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
  const text = 'Réponse saisie au clavier pour vérifier le formulaire de bout en bout.';
  return text
    .repeat(Math.ceil(Math.max(min, 12) / text.length))
    .slice(0, Math.max(min, Math.min(text.length, (schema.maxLength as number) ?? 200)));
}

interface Control {
  pointer: string;
  kind: 'radio' | 'checkboxes' | 'checkbox' | 'select' | 'file' | 'date' | 'text' | 'group';
  id: string;
  filled: boolean;
  readOnly: boolean;
}

/** The unfilled answerable fields on the step, in page order. */
async function controls(page: Page): Promise<Control[]> {
  return page.$$eval('.step-fields [data-pointer]', (elements) =>
    elements.map((el) => {
      const pointer = el.getAttribute('data-pointer')!;
      const radios = el.querySelectorAll(':scope > .choices input[type=radio]');
      const boxes = el.querySelectorAll(':scope > .choices input[type=checkbox]');
      const own = el.querySelector<HTMLInputElement>(
        ':scope > input, :scope > textarea, :scope > select, :scope > .choice > input, :scope > .file-input > input',
      );
      if (radios.length)
        return {
          pointer,
          kind: 'radio',
          id: radios[0]!.id,
          filled: !!el.querySelector('input:checked'),
          readOnly: (radios[0] as HTMLInputElement).disabled,
        };
      if (boxes.length)
        return {
          pointer,
          kind: 'checkboxes',
          id: boxes[0]!.id,
          filled: !!el.querySelector('input:checked'),
          readOnly: false,
        };
      if (!own) return { pointer, kind: 'group', id: '', filled: true, readOnly: true };
      const type =
        own.tagName === 'SELECT'
          ? 'select'
          : own.type === 'checkbox'
            ? 'checkbox'
            : own.type === 'file'
              ? 'file'
              : own.type === 'date'
                ? 'date'
                : 'text';
      return {
        pointer,
        kind: type,
        id: own.id,
        filled: type === 'checkbox' ? own.checked : type === 'file' ? false : own.value !== '',
        readOnly: own.readOnly || own.disabled,
      };
    }),
  ) as Promise<Control[]>;
}

/** Fills every visible field of the step with the keyboard (files: the file chooser's result). */
async function fillStep(page: Page, slug: string, schema: Schema): Promise<string[]> {
  const done = new Set<string>();
  for (let round = 0; round < 10; round++) {
    const todo = (await controls(page)).filter(
      (c) => !c.filled && !c.readOnly && c.kind !== 'group' && !done.has(c.pointer),
    );
    if (todo.length === 0) break;
    for (const c of todo) {
      done.add(c.pointer);
      const field = page.locator(`[id="${c.id}"]`);
      // An answer given earlier in the round may have hidden it.
      if ((await field.count()) === 0) continue;
      await field.focus();
      const wanted = CHOICES[slug]?.[c.pointer.replace(/\/\d+\//g, '/*/')];
      if (c.kind === 'radio') {
        for (let i = 0; i < (wanted ?? 0); i++) await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Space');
      } else if (c.kind === 'checkboxes' || c.kind === 'checkbox') {
        await page.keyboard.press('Space');
      } else if (c.kind === 'select') {
        await page.keyboard.press('ArrowDown');
      } else if (c.kind === 'file') {
        const accept = (await field.getAttribute('accept')) ?? 'application/pdf';
        const file = accept.includes('application/pdf')
          ? { name: 'piece.pdf', mimeType: 'application/pdf', buffer: PDF }
          : { name: 'photo.png', mimeType: 'image/png', buffer: PNG };
        // An empty file (one not yet downloaded from a cloud drive) is refused on the spot, in words, nothing sent.
        const uploads: string[] = [];
        const onRequest = (r: { method(): string; url(): string }) =>
          r.method() === 'POST' && /attachments|files/.test(r.url()) && uploads.push(r.url());
        page.on('request', onRequest);
        await field.setInputFiles({ ...file, buffer: Buffer.alloc(0) });
        await page
          .locator(`[data-pointer="${c.pointer}"]`)
          .getByText(/Ce fichier est vide \(0 octet\)/)
          .first()
          .waitFor();
        page.off('request', onRequest);
        expect(uploads).toEqual([]);
        await field.setInputFiles(file);
        const uploaded = page.locator(`[data-pointer="${c.pointer}"] .uploaded`).first();
        await uploaded.waitFor();
        const focusOnBody = () => page.evaluate(() => document.activeElement === document.body);
        // The input gave way to the sent file: focus moved on, not to the page's body.
        await expect(focusOnBody()).resolves.toBe(false);
        // « Retirer » with the keyboard: the file input comes back and has the focus, then the file is sent again.
        await uploaded.getByRole('button', { name: /^Retirer/ }).focus();
        await page.keyboard.press('Enter');
        await uploaded.waitFor({ state: 'detached' });
        await expect(page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).resolves.toBe(
          'file',
        );
        expect({ after: 'Retirer', violations: await axeViolations(page) }).toEqual({
          after: 'Retirer',
          violations: [],
        });
        await page.locator(`[data-pointer="${c.pointer}"] input[type=file]`).first().setInputFiles(file);
        await page.locator(`[data-pointer="${c.pointer}"] .uploaded`).first().waitFor();
      } else if (c.kind === 'date') {
        await page.keyboard.type('02032015');
      } else {
        await page.keyboard.type(textFor(schemaAt(schema, c.pointer)));
      }
    }
  }
  return [...done];
}

async function shoot(page: Page, slug: string, n: number, name: string) {
  const dir = join(SHOTS, slug);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${String(n).padStart(2, '0')}-${name}-1280.png`), fullPage: true });
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  await page.screenshot({ path: join(dir, `${String(n).padStart(2, '0')}-${name}-320.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  expect({ page: name, overflow }).toEqual({ page: name, overflow: 0 });
}

async function press(page: Page, name: string | RegExp) {
  const target = page.getByRole('button', { name }).or(page.getByRole('link', { name })).first();
  await target.focus();
  await page.keyboard.press('Enter');
}

/**
 * Every example service, filled and sent with the keyboard in Chromium,
 * through the bundled identity provider where sign-in is required; axe on
 * every page seen, errors included, and what axe cannot see asserted.
 */
describe('citizen portal: every example service with the keyboard', () => {
  let idp: RunningIdp;
  let fake: RunningFakeApis;
  let stack: Stack;
  let browser: Browser;
  let base: string;
  let slugs: string[];
  let signedIn: BrowserContext;
  const foreign: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/web/index.html')))
      throw new Error('dist/web is missing: npm test builds it first');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startIdp({ redirectUris: [`${base}/auth/callback`], postLogoutRedirectUris: [`${base}/`] });
    // The grant's SIRET and RNA fields look the association up in the bundled fake directories (issue 23).
    fake = await startFakeApis();
    stack = await startStack({
      backend: 'postgres',
      worker: false,
      env: {
        PORT: String(port),
        PUBLIC_URL: base,
        WEB_DIST_DIR: join(ROOT, 'dist/web'),
        ...signInEnv(idp.issuer, idp.secret),
        ENTREPRISES_API_URL: fake.entreprisesUrl,
        ASSOCIATIONS_API_URL: fake.associationsUrl,
        // The road problem's address is chosen among the bundled fake Base Adresse Nationale's (issue 23).
        ADRESSE_API_URL: fake.adresseUrl,
        // The canteen's family quotient comes from the bundled fake API Particulier (issue 23).
        PARTICULIER_API_URL: fake.particulierUrl,
        PARTICULIER_API_TOKEN: 'jeton-api-particulier-exemples-0123',
      },
    });
    const ds = stack.api.get(DataSource);
    const organisation = await seedDemoOrganisation(ds);
    slugs = await importExamples(ds, organisation.id, join(ROOT, 'forms'));
    // The town hall's branding: a green the API accepts (5.1:1 on white) and how to reach it.
    await ds
      .getRepository(Organisation)
      .update(organisation.id, { accentColor: '#18753c', contactEmail: 'accueil@mairie.example.fr' });
    browser = await launchBrowser();
    signedIn = browser.context;
    signedIn.on('request', (req) => {
      if (
        !req.url().startsWith(base) &&
        !req.url().startsWith(idp.issuer.replace('/api/v2', '')) &&
        !req.url().startsWith('data:')
      )
        foreign.push(req.url());
    });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await idp?.stop();
    await fake?.close();
  });

  async function signIn(page: Page, returnTo: string) {
    await chooseTestIdentity(page, 'Marie-Claire Dubois — prénom composé', `${base}${returnTo}`);
  }

  it('imports the six examples', () => {
    expect(slugs.length).toBeGreaterThanOrEqual(6);
  });

  it('shows the organisation’s colour and contact on its service pages', async () => {
    const page = await signedIn.newPage();
    await page.goto(`${base}/demarches/signaler-un-probleme-de-voirie`);
    await untilLive(page);
    await page.getByRole('heading', { level: 2, name: 'Une question ?' }).waitFor();
    expect(await page.getByRole('link', { name: 'accueil@mairie.example.fr' }).getAttribute('href')).toBe(
      'mailto:accueil@mairie.example.fr',
    );
    const background = await page
      .getByRole('button', { name: /^Commencer/ })
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(24, 117, 60)');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('draws a form page’s first step before its bundle runs, then hands over to the live form with the draft', async () => {
    const slug = 'signaler-un-probleme-de-voirie';
    const page = await signedIn.newPage();
    // Script errors and React's warnings; not the browser's line for the 401 of /api/v1/me (nobody signed in).
    const errors: string[] = [];
    const listen = (p: Page) => {
      p.on('pageerror', (error) => errors.push(error.message));
      p.on('console', (m) => m.type() === 'error' && !m.text().includes('status of 401') && errors.push(m.text()));
    };
    listen(page);
    await page.goto(`${base}/demarches/${slug}`);
    await untilLive(page);
    await press(page, /^Commencer/);
    await page.waitForURL(/brouillon=/);
    const address = page.url();
    const draftId = new URL(address).searchParams.get('brouillon')!;
    // A plain text field (not a lookup, which saves only a chosen suggestion).
    const first = page
      .locator('.step-fields .field > input[type=text]:not([role]), .step-fields .field > textarea')
      .first();
    const pointer = await first.evaluate((el) => el.closest('[data-pointer]')!.getAttribute('data-pointer'));
    const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes(draftId) && r.ok());
    await first.fill('Lampadaire éteint rue des Tilleuls');
    await saved;
    await page.close();

    // Without its JavaScript the page still shows the step: the layout, the title, the fields, empty (the draft's
    // answers are the API's, asked with the session), every control disabled, and axe finds nothing.
    const drawing = await signedIn.newPage();
    await drawing.route(/\/assets\/.*\.js$/, (route) => route.abort());
    await drawing.goto(address);
    const service = await (await fetch(`${base}/api/v1/public/services/${slug}`)).json();
    await expect(drawing.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(service.title);
    const drawn = drawing.locator(`[data-pointer="${pointer}"]`).locator('input, textarea').first();
    await expect(drawn.isDisabled()).resolves.toBe(true);
    await expect(drawn.inputValue()).resolves.toBe('');
    await expect(drawing.locator('fieldset.preview[disabled][aria-busy=true]').count()).resolves.toBe(1);
    expect(await axeViolations(drawing)).toEqual([]);
    await drawing.close();

    // With it, the live form takes the drawing's place in one commit: the saved answer, enabled, no trace left.
    const live = await signedIn.newPage();
    listen(live);
    await live.goto(address);
    await live.locator('fieldset.preview').waitFor({ state: 'detached' });
    const field = live.locator(`[data-pointer="${pointer}"]`).locator('input, textarea').first();
    await expect(field.inputValue()).resolves.toBe('Lampadaire éteint rue des Tilleuls');
    await expect(field.isDisabled()).resolves.toBe(false);
    await expect(live.locator('#root').getAttribute('data-preview')).resolves.toBeNull();
    await field.focus();
    await live.keyboard.press('Control+End');
    await live.keyboard.type(', depuis lundi');
    await expect(field.inputValue()).resolves.toBe('Lampadaire éteint rue des Tilleuls, depuis lundi');
    expect(await axeViolations(live)).toEqual([]);
    expect(errors).toEqual([]);
    await live.close();
  }, 90_000);

  it('draws a service page before its bundle runs, then hands over to the live page, whose « Commencer » works', async () => {
    // Signing in is optional here: the live page's start controls depend on who is signed in (nobody, here).
    const slug = 'occupation-du-domaine-public';
    const service = await (await fetch(`${base}/api/v1/public/services/${slug}`)).json();

    // Without its JavaScript the page still shows the service: the title, the steps, the contact, and a start button
    // that cannot be pressed (nobody knows yet who is there), in a region that says it is busy; axe finds nothing.
    const drawing = await signedIn.newPage();
    await drawing.route(/\/assets\/.*\.js$/, (route) => route.abort());
    await drawing.goto(`${base}/demarches/${slug}`);
    await expect(drawing.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(service.title);
    await expect(drawing.locator('fieldset.preview[disabled][aria-busy=true]').count()).resolves.toBe(1);
    await expect(drawing.locator('#root').getAttribute('data-preview')).resolves.toBe('service');
    const drawnStart = drawing.getByRole('button', { name: 'Commencer', exact: true });
    await expect(drawnStart.isVisible()).resolves.toBe(true);
    await expect(drawnStart.isDisabled()).resolves.toBe(true);
    await expect(drawing.getByRole('link', { name: /FranceConnect/ }).count()).resolves.toBe(0);
    await expect(drawing.getByRole('heading', { level: 2, name: 'Une question ?' }).isVisible()).resolves.toBe(true);
    expect(await drawing.locator('main').textContent()).not.toContain('Chargement');
    expect(await axeViolations(drawing)).toEqual([]);
    await drawing.close();

    // With it, the live page takes the drawing's place in one commit: never « Chargement… » in between.
    const live = await signedIn.newPage();
    const errors: string[] = [];
    live.on('pageerror', (error) => errors.push(error.message));
    live.on('console', (m) => m.type() === 'error' && !m.text().includes('status of 401') && errors.push(m.text()));
    await live.addInitScript(() => {
      const seen: string[] = [];
      Object.defineProperty(window, '__loadingSeen', { value: seen });
      new MutationObserver(() => {
        const status = document.querySelector('main [role="status"]');
        if (status?.textContent?.includes('Chargement')) seen.push(status.textContent);
      }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    await live.goto(`${base}/demarches/${slug}`);
    await untilLive(live);
    await expect(live.locator('#root').getAttribute('data-preview')).resolves.toBeNull();
    await expect(live.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(service.title);
    // Nobody signed in: « Commencer sans compte », enabled, and FranceConnect's button next to it.
    const start = live.getByRole('button', { name: 'Commencer sans compte' });
    await expect(start.isEnabled()).resolves.toBe(true);
    await expect(live.getByRole('link', { name: /S’identifier avec\s+FranceConnect/ }).count()).resolves.toBe(1);
    expect(await axeViolations(live)).toEqual([]);
    await expect(
      live.evaluate(() => (window as unknown as { __loadingSeen: string[] }).__loadingSeen),
    ).resolves.toEqual([]);
    await start.focus();
    await live.keyboard.press('Enter');
    await live.waitForURL(/brouillon=/);
    await live.locator('.step-fields [data-pointer]').first().waitFor();
    expect(await axeViolations(live)).toEqual([]);
    expect(errors).toEqual([]);
    await live.close();
  }, 90_000);

  it.each([
    'signaler-un-probleme-de-voirie',
    'demande-acte-etat-civil',
    'occupation-du-domaine-public',
    'inscription-restauration-scolaire',
    'demande-de-subvention-association',
    'candidature-villes-et-villages-fleuris',
  ])(
    '%s: filled and sent with the keyboard, axe-clean on every page',
    async (slug) => {
      const service = await (await fetch(`${base}/api/v1/public/services/${slug}`)).json();
      const schema = service.definition.schema as Schema;
      // The order to see: the example's file as written, not what the API serves (that is what is under test).
      const file = join(ROOT, 'forms', `${slug}.json`);
      const authored = existsSync(file)
        ? ((JSON.parse(readFileSync(file, 'utf8')) as { definition: { schema: Schema } }).definition.schema ?? schema)
        : schema;
      const page = await signedIn.newPage();
      let shots = 0;
      await page.goto(`${base}/demarches/${slug}`);
      await page.getByRole('heading', { level: 1, name: service.title }).waitFor();
      await untilLive(page);
      expect(await axeViolations(page)).toEqual([]);
      await shoot(page, slug, shots++, 'presentation');

      if (
        service.definition.settings.signIn === 'required' &&
        !(await page.getByRole('button', { name: 'Commencer', exact: true }).count())
      ) {
        await press(page, 'S’identifier avec FranceConnect');
        await signIn(page, `/demarches/${slug}`);
      }
      await page.getByRole('button', { name: /^Commencer/ }).waitFor();
      await press(page, /^Commencer/);
      await page.waitForURL(/brouillon=/);
      const draftId = new URL(page.url()).searchParams.get('brouillon')!;

      const pages = service.definition.pages as Array<{ id: string; title: string; fields: string[] }>;
      let step = 0;
      for (;;) {
        const heading = page.locator('h2.step-title');
        await heading.waitFor();
        const title = (await heading.textContent())!;
        if (title === 'Vérifiez vos réponses') break;
        step++;
        expect(await page.title()).toMatch(new RegExp(`^${title.replace(/[()]/g, '.')} — Étape ${step} sur \\d+ — `));
        expect(await axeViolations(page)).toEqual([]);
        // The fields of each group come in the order the example's file writes them (jsonb sorted them once).
        const drawn = await page.$$eval('.step-fields [data-pointer]', (els) =>
          els.map((e) => e.getAttribute('data-pointer')!),
        );
        expect(outOfOrder(authored, drawn)).toEqual([]);

        if (step === 1) {
          // Sending the empty step: the summary takes focus, each link puts the focus on its field.
          await press(page, 'Continuer');
          const summary = page
            .getByRole('alert')
            .filter({ has: page.getByRole('heading', { name: /erreurs? sur cette page/ }) });
          await summary.waitFor();
          await expect(page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).resolves.toBe(
            true,
          );
          expect(await page.title()).toMatch(/^Erreur : /);
          expect(await axeViolations(page)).toEqual([]);
          await shoot(page, slug, shots++, `etape-${step}-erreurs`);
          const links = summary.getByRole('link');
          const count = await links.count();
          expect(count).toBeGreaterThan(0);
          for (let i = 0; i < count; i++) {
            const href = (await links.nth(i).getAttribute('href'))!.slice(1);
            await links.nth(i).focus();
            await page.keyboard.press('Enter');
            const focused = await page.evaluate(() => ({
              id: document.activeElement?.id ?? '',
              invalid: document.activeElement?.closest('[aria-invalid="true"], .field--error') !== null,
            }));
            // The field itself, or the first choice of its group.
            expect({
              href,
              ok: focused.id === href || focused.id.startsWith(`${href}-`),
              invalid: focused.invalid,
            }).toEqual({
              href,
              ok: true,
              invalid: true,
            });
          }
          // Every aria-describedby points at something that exists; every invalid field says so.
          const dangling = await page.$$eval('[aria-describedby]', (els) =>
            els.flatMap((el) =>
              el
                .getAttribute('aria-describedby')!
                .split(' ')
                .filter((id) => !document.getElementById(id)),
            ),
          );
          expect(dangling).toEqual([]);
          expect(await page.locator('[aria-invalid="true"]').count()).toBeGreaterThan(0);
          if (slug === 'demande-de-subvention-association') {
            // A missing SIRET says what a valid one looks like, not only that it is missing.
            await expect(
              page.locator('[data-pointer="/establishment"] #champ-establishment-siret-erreur').textContent(),
            ).resolves.toMatch(
              /^Erreur : Ce champ est obligatoire\. Le numéro SIRET comporte 14 chiffres \(exemple : 732 829 320 00074\)\.$/,
            );
          }
        }
        if (slug === 'demande-de-subvention-association' && title === 'Pièces justificatives') {
          // Allowed file types in words, never a MIME type (« VND.OASIS.OPENDOCUMENT.SPREADSHEET »).
          await expect(page.locator('[data-pointer="/budgetFile"] .file-input .hint').textContent()).resolves.toBe(
            'Formats acceptés : PDF ou tableur ODS ou XLSX ; taille maximale : 10 Mo.',
          );
          const hints = await page.locator('.file-input .hint').allTextContents();
          expect(hints.length).toBeGreaterThanOrEqual(4);
          for (const hint of hints) expect(hint).not.toMatch(/VND\.|application\//i);
        }
        // Groups of choices have a legend.
        expect(await page.locator('fieldset:not(:has(> legend))').count()).toBe(0);

        if (slug === 'demande-de-subvention-association' && title === 'L’association') {
          // The RNA and SIRET numbers, typed: the association's block and its establishment fill from the
          // registries (the fake ones here), locked values read-only; the other fields are the filler's.
          for (const [label, number, found] of [
            [/^Numéro RNA/, 'W452001234', /Association trouvée : LES AMIS DU LOIRET/],
            [/^Numéro SIRET/, '845 123 454 00017', /Établissement trouvé : LES AMIS DU LOIRET/],
          ] as const) {
            await page.getByRole('textbox', { name: label }).focus();
            await page.keyboard.type(number);
            await page.getByRole('status').filter({ hasText: found }).waitFor();
          }
          expect(
            await page.getByRole('textbox', { name: /^Nom de l’association/ }).getAttribute('readonly'),
          ).not.toBeNull();
          expect(await page.getByLabel(/^Date de déclaration en préfecture/).inputValue()).toBe('2019-01-10');
          expect(await axeViolations(page)).toEqual([]);
        }
        if (slug === 'signaler-un-probleme-de-voirie' && title === 'Lieu') {
          // Where the problem is: an address of the Base Adresse Nationale (the fake one here), chosen by keyboard.
          const combobox = page.getByRole('combobox', { name: /^Adresse/ });
          await combobox.focus();
          await page.keyboard.type('rue des tilleuls');
          await page.getByRole('listbox').getByRole('option').first().waitFor();
          await page.keyboard.press('ArrowDown');
          await page.keyboard.press('Enter');
          expect(await combobox.inputValue()).toMatch(/Rue des Tilleuls Argentés 45000 Orléans$/);
          expect(await axeViolations(page)).toEqual([]);
        }
        if (slug === 'inscription-restauration-scolaire' && title === 'Responsable légal') {
          // The family's commune, picked from the official list by keyboard (a commune field, not typed text).
          const combobox = page.getByRole('combobox', { name: 'Nom ou code postal de la commune' });
          await combobox.focus();
          await page.keyboard.type('45000');
          await page.getByRole('listbox').getByRole('option', { name: 'Orléans (45000) — Loiret' }).waitFor();
          await page.keyboard.press('ArrowDown');
          await page.keyboard.press('Enter');
          expect(await combobox.inputValue()).toBe('Orléans (45000)');
        }
        if (slug === 'inscription-restauration-scolaire' && title === 'Tarif') {
          // The price depends on the family quotient: Marie-Claire (FranceConnect) consents, by keyboard, and the
          // quotient comes from the CAF through the fake API Particulier, announced, locked.
          const consent = page.getByRole('checkbox', { name: /^J’accepte que la mairie obtienne mon quotient/ });
          expect(await consent.isChecked()).toBe(false);
          await consent.focus();
          await page.keyboard.press('Space');
          await page.keyboard.press('Tab');
          await page.keyboard.press('Enter');
          await page
            .locator('[data-pointer="/quotientFamilial"] [role="status"]', {
              hasText: /Quotient familial obtenu auprès de la CAF : 650 euros/,
            })
            .waitFor();
          const quotient = page.getByRole('textbox', { name: /^Quotient familial \(en euros\)/ });
          expect(await quotient.inputValue()).toBe('650');
          expect(await quotient.getAttribute('readonly')).not.toBeNull();
          expect(await axeViolations(page)).toEqual([]);
        }
        await fillStep(page, slug, schema);
        await shoot(page, slug, shots++, `etape-${step}`);
        await press(page, 'Continuer');
        await page
          .waitForURL(
            (url) => url.searchParams.get('etape') !== null && !page.url().endsWith(`etape=${pages[step - 1]?.id}`),
            { timeout: 5000 },
          )
          .catch(() => undefined);
        const errors = await page.locator('.error-summary').count();
        if (errors)
          throw new Error(`step ${title} still has errors: ${await page.locator('.error-summary').innerText()}`);
      }

      // The review lists every visible answer and none of the hidden ones.
      expect(await axeViolations(page)).toEqual([]);
      await shoot(page, slug, shots++, 'verification');
      const data = await page.evaluate(async (id) => (await fetch(`/api/v1/submissions/${id}`)).json(), draftId);
      const reviewed = await page.$$eval('.answers [data-pointer]', (els) =>
        els.map((el) => el.getAttribute('data-pointer')!),
      );
      expect(reviewed.length).toBeGreaterThan(0);
      const hidden = (service.definition.rules?.visibility ?? []) as Array<{ target: string }>;
      for (const rule of hidden) {
        if (rule.target.startsWith('page:')) continue;
        const concrete = rule.target.replace(/\*/g, '0');
        const stored = concrete
          .split('/')
          .slice(1)
          .reduce<unknown>(
            (n, s) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[s] : undefined),
            data.data,
          );
        // Shown in the review exactly when it was answered (hidden fields are never stored).
        expect({
          target: concrete,
          listed: reviewed.some((p) => p === concrete || p.startsWith(`${concrete}/`)),
        }).toEqual({
          target: concrete,
          listed: stored !== undefined,
        });
      }
      await press(page, /^Envoyer ma demande/);
      await page.getByRole('heading', { level: 1, name: 'Votre demande a bien été envoyée' }).waitFor();
      await expect(page.evaluate(() => document.activeElement?.tagName)).resolves.toBe('H1');
      const reference = await page.locator('.reference strong').textContent();
      expect(reference).toMatch(/^GCH-/);
      expect(await axeViolations(page)).toEqual([]);
      await shoot(page, slug, shots++, 'confirmation');
      const stored = await stack.api.get(DataSource).getRepository(Submission).findOneByOrFail({ id: draftId });
      expect(stored.status).toBe('submitted');
      expect(stored.reference).toBe(reference);
      if (slug === 'inscription-restauration-scolaire') {
        // The commune from the official list, the quotient checked against API Particulier at submit, and said so.
        const filed = stored.data as Record<string, Record<string, unknown>>;
        expect(filed.parent!.commune).toEqual({ codeInsee: '45234', nom: 'Orléans', codePostal: '45000' });
        expect(filed.quotientFamilial).toMatchObject({
          consentement: true,
          quotient: 650,
          periode: '2026-10',
          regime: 'CAF',
          provenance: 'Fourni par la CAF via API Particulier',
        });
      }
      if (slug === 'demande-de-subvention-association') {
        // Checked against the registries at submit, and said so.
        const filed = stored.data as Record<string, Record<string, unknown>>;
        expect(filed.association).toMatchObject({
          rna: 'W452001234',
          nom: 'LES AMIS DU LOIRET',
          dateDeclaration: '2019-01-10',
          etat: 'Active',
          provenance: 'Répertoire national des associations',
        });
        expect(filed.establishment).toMatchObject({
          siret: '84512345400017',
          raisonSociale: 'LES AMIS DU LOIRET',
          provenance: 'Répertoire Sirene (INSEE)',
        });
      }
      await page.close();
    },
    120_000,
  );

  it('warns a signed-in citizen before the session ends and lets them extend it', async () => {
    const page = await signedIn.newPage();
    await page.goto(`${base}/mes-demarches`);
    if ((await page.evaluate(async () => (await fetch('/api/v1/me')).status)) === 401) {
      await page.goto(`${base}/auth/login?as=citizen&returnTo=${encodeURIComponent('/mes-demarches')}`);
      await signIn(page, '/mes-demarches');
    }
    await page.clock.install();
    const session = page.waitForResponse((r) => new URL(r.url()).pathname === '/auth/session');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Mes démarches' }).waitFor();
    // Time jumps only once the page knows when its session ends (GET /auth/session, answered and read): under load
    // the answer came after the jump, the page counted its idle time from there, saw the session already over and
    // showed no warning (CI, session 9).
    await (await session).finished();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const warning = page.getByRole('alert').filter({ hasText: 'Votre session va prendre fin' });
    expect(await warning.count()).toBe(0);
    // Sessions last 30 idle minutes here: 26 minutes later the page warns.
    await page.clock.fastForward('26:00');
    await warning.waitFor();
    expect(await axeViolations(page)).toEqual([]);
    // The button takes the focus when the warning appears (it was 24 Tab stops away): Entrée is enough.
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Prolonger ma session');
    await page.keyboard.press('Enter');
    await warning.waitFor({ state: 'detached' });
    // And focus goes back where the citizen was, never to the page's body.
    await expect(page.evaluate(() => document.activeElement === document.body)).resolves.toBe(false);
    await page.close();
  });

  it('loaded nothing from outside the installation and its identity provider', () => {
    expect(foreign).toEqual([]);
  });
});
