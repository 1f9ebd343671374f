import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { grantDefinition, tinyPdf } from '../fixtures/grant';
import { CookieClient } from '../support/browserless';
import { chooseTestIdentity, expectAccessible, type Browser } from '../support/browser';
import { ROOT } from '../support/processes';
import { startWebStackWithSignIn, type WebStack, type WebStackWithSignIn } from '../support/web-stack';

const SHOTS = join(ROOT, 'test-results', 'screenshots', 'desk-journeys');
const SLUG = 'subvention-lea';
const AMOUNT = 'Financement — Montant demandé';
const START = 'Financement — Début du projet';

/** A 2×2 grey PNG: enough for a preview. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGNkYGD4z8DAwMDAxMDAAAAVBAIBJo6+NAAAAABJRU5ErkJggg==',
  'base64',
);

let shots = 0;
/** axe finds nothing, one h1; a screenshot to look at. */
async function check(page: Page, name: string) {
  await expectAccessible(page, name);
  expect({ page: name, h1: await page.locator('h1').count() }).toEqual({ page: name, h1: 1 });
  await page.screenshot({ path: join(SHOTS, `${String(shots++).padStart(2, '0')}-${name}.png`), fullPage: true });
}

/** Types a date with the keyboard, in the order the browser's date widget asks (day or month first). */
async function typeDate(input: Locator, iso: string) {
  const [year, month, day] = iso.split('-');
  const retype = async (digits: string) => {
    await input.evaluate((el) => (el as HTMLElement).blur());
    await input.focus();
    await input.page().keyboard.type(digits);
  };
  await retype('01022026');
  const dayFirst = (await input.inputValue()) === '2026-02-01';
  await retype(dayFirst ? `${day}${month}${year}` : `${month}${day}${year}`);
  expect(await input.inputValue()).toBe(iso);
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

/**
 * Léa's Monday (JOURNEYS.md), the parts issue 20 found wanting, in Chromium
 * and by keyboard: « montant > 5 000 € » as a range, a bad amount explained
 * with the field's name, columns sorted by their headers (focus kept on the
 * header), colleagues named, « transmis par FranceConnect » only where it is
 * true, the PDF and the photo previewed in the page, and her notifications
 * chosen (the digest by default).
 */
describe('caseworker journeys in Chromium', () => {
  let desk: WebStackWithSignIn;
  let web: WebStack;
  let browser: Browser;
  const ids = new Map<string, string>();

  async function file(name: string, amount: number, files = false) {
    const citizen = new CookieClient();
    const call = async (path: string, init: RequestInit & { json?: unknown }) => {
      const csrf = citizen.cookie(web.base, 'csrf_token');
      const headers: Record<string, string> = csrf ? { 'x-csrf-token': csrf } : {};
      if (init.json !== undefined) headers['content-type'] = 'application/json';
      const res = await citizen.request(`${web.base}${path}`, {
        method: 'POST',
        ...init,
        headers,
        body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      });
      expect([path, res.status < 300]).toEqual([path, true]);
      return (await res.json()) as { id: string; attachmentId?: string };
    };
    const data: Record<string, unknown> = {
      association: { name },
      funding: { amountRequested: amount, startDate: '2026-06-01' },
    };
    const draft = await call(`/api/v1/public/services/${SLUG}/submissions`, { json: { data } });
    if (files) {
      for (const [pointer, name, type, bytes] of [
        ['/budget', 'budget-2026.pdf', 'application/pdf', tinyPdf()],
        ['/photo', 'local.png', 'image/png', PNG],
      ] as const) {
        const form = new FormData();
        form.append('pointer', pointer);
        form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
        const { attachmentId } = await call(`/api/v1/submissions/${draft.id}/attachments`, { body: form });
        data[pointer.slice(1)] = attachmentId;
      }
      await call(`/api/v1/submissions/${draft.id}`, { method: 'PATCH', json: { data } });
    }
    await call(`/api/v1/submissions/${draft.id}/submit`, { json: {} });
    ids.set(name, draft.id);
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    desk = await startWebStackWithSignIn({
      service: { slug: SLUG, title: 'Subvention aux associations', definition: grantDefinition() },
      signIn: { citizen: ['citizen', 'citoyen-marie-claire-dubois'], karim: ['agent', 'agent-karim'] },
    });
    ({ web, browser } = desk);
    await file('Les Amis du Parc', 1200);
    await file('Chorale du Val', 5000, true);
    await file('Club de Judo', 7500.5);
    await file('Atelier Vélo', 12000);
    // Marie-Claire, signed in with FranceConnect, writes the first name she uses; her family name stays as sent.
    const citizen = desk.signedIn.citizen!;
    const draft = await citizen.call('POST', `/api/v1/public/services/${SLUG}/submissions`, {});
    const data = {
      association: { name: 'Théâtre des Tilleuls' },
      president: { firstName: 'Marie-Claire', lastName: 'DUBOIS' },
      funding: { amountRequested: 800, startDate: '2026-10-01' },
    };
    expect((await citizen.call('PATCH', `/api/v1/submissions/${draft.body.id}`, { data })).status).toBe(200);
    expect((await citizen.call('POST', `/api/v1/submissions/${draft.body.id}/submit`, {})).status).toBe(200);
    ids.set('Théâtre des Tilleuls', draft.body.id as string);
    // Karim takes the judo club's request.
    const karim = desk.signedIn.karim!;
    const assigned = await karim.call('POST', `/api/v1/submissions/${ids.get('Club de Judo')}/assign`, {
      agentId: await karim.accountId(),
    });
    expect(assigned.status).toBe(200);
  }, 120_000);
  afterAll(() => desk?.close());

  it('filters amounts over 5,000 €, sorts by amount from the header, names colleagues and previews files', async () => {
    const lea = await browser.context.newPage();
    await lea.goto(`${web.base}/auth/login?as=agent&returnTo=${encodeURIComponent('/instruction')}`);
    await chooseTestIdentity(lea, 'Léa Fontaine — instructrice', `${web.base}/instruction`);

    // Her notifications: the daily digest until she chooses otherwise.
    const digest = lea.getByRole('radio', { name: 'Un résumé par jour' });
    await digest.waitFor();
    expect(await digest.isChecked()).toBe(true);
    expect(await lea.getByRole('group', { name: 'Être prévenu des nouvelles demandes' }).count()).toBe(1);
    await check(lea, 'preferences');
    await lea.getByRole('radio', { name: 'Un courriel à chaque fois' }).focus();
    await lea.keyboard.press('Space');
    await lea.getByRole('button', { name: 'Enregistrer ma préférence' }).focus();
    await lea.keyboard.press('Enter');
    await lea.getByRole('status').filter({ hasText: 'Préférence enregistrée.' }).waitFor();

    await lea.goto(`${web.base}/instruction/${SLUG}?tab=tous`);
    await lea.locator('tbody tr').first().waitFor();
    // The amount as a column.
    await lea.locator('.desk-columns summary').focus();
    await lea.keyboard.press('Enter');
    await lea.getByRole('checkbox', { name: AMOUNT }).check();
    await lea.getByRole('button', { name: 'Enregistrer les colonnes' }).click();
    await lea.getByRole('columnheader', { name: AMOUNT }).waitFor();

    // « Montant > 5 000 € »: the field, then a lower bound (no « est égal à » for a number).
    await lea.getByLabel('Champ', { exact: true }).selectOption({ label: AMOUNT });
    expect(await lea.getByLabel('Est égal à').count()).toBe(0);
    const atLeast = lea.getByLabel('Au moins');
    await atLeast.fill('beaucoup');
    await lea.getByRole('button', { name: 'Filtrer', exact: true }).focus();
    await lea.keyboard.press('Enter');
    // Refused in the page, in words that name the field, with the focus on it.
    await expect(focusedId(lea)).resolves.toBe(await atLeast.getAttribute('id'));
    expect(await atLeast.getAttribute('aria-invalid')).toBe('true');
    const error = lea.locator(`#${await atLeast.getAttribute('id')}-erreur`);
    await expect(error.textContent()).resolves.toContain('« Financement — Montant demandé » : nombre attendu');
    expect((await atLeast.getAttribute('aria-describedby'))!.split(' ')).toContain(await error.getAttribute('id'));
    await check(lea, 'montant-invalide');
    await atLeast.fill('5 000');
    await lea.getByRole('button', { name: 'Filtrer', exact: true }).focus();
    await lea.keyboard.press('Enter');
    await lea.waitForURL(/min=5/);
    await lea.waitForFunction(() => document.querySelectorAll('tbody tr').length === 3);
    await check(lea, 'montant-au-moins-5000');

    // « Début du projet » between two dates, by keyboard: the field chosen with the arrows, the dates typed.
    const shown = async () =>
      (
        await lea.$$eval('tbody tr a[href]', (links) => links.map((a) => a.getAttribute('href')!.split('/').pop()!))
      ).sort();
    const field = lea.getByLabel('Champ', { exact: true });
    const chosen = () => field.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.label);
    await field.focus();
    for (let i = 0; i < 30 && (await chosen()) !== START; i++) await lea.keyboard.press('ArrowDown');
    await expect(chosen()).resolves.toBe(START);
    expect(await lea.getByLabel('Au moins').count()).toBe(0);
    const answer = lea.getByRole('group', { name: 'Une réponse précise' });
    const from = answer.getByLabel('À partir du', { exact: true });
    const until = answer.getByLabel('Jusqu’au (inclus)', { exact: true });
    await typeDate(from, '2026-06-01');
    await typeDate(until, '2026-06-01');
    await lea.getByRole('button', { name: 'Filtrer', exact: true }).focus();
    await lea.keyboard.press('Enter');
    await lea.waitForURL(/max=2026-06-01/);
    // Both bounds included: the four projects starting on 1 June, not the theatre's (1 October).
    await lea.waitForFunction(() => document.querySelectorAll('tbody tr').length === 4);
    await expect(shown()).resolves.toEqual(
      ['Les Amis du Parc', 'Chorale du Val', 'Club de Judo', 'Atelier Vélo'].map((n) => ids.get(n)!).sort(),
    );
    await check(lea, 'debut-le-1er-juin');
    await typeDate(from, '2026-09-01');
    await typeDate(until, '2026-12-31');
    await lea.getByRole('button', { name: 'Filtrer', exact: true }).focus();
    await lea.keyboard.press('Enter');
    await lea.waitForURL(/min=2026-09-01/);
    await lea.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    await expect(shown()).resolves.toEqual([ids.get('Théâtre des Tilleuls')]);
    await check(lea, 'debut-a-partir-de-septembre');

    // A bad bound typed in the address: the server's answer says it with the field's name, never its pointer.
    await lea.goto(`${web.base}/instruction/${SLUG}?tab=tous&champ=/funding/amountRequested&min=beaucoup`);
    const summary = lea.locator('.error-summary');
    await summary.waitFor();
    await expect(lea.evaluate(() => document.activeElement?.classList.contains('error-summary'))).resolves.toBe(true);
    const said = (await summary.textContent())!;
    expect(said).toContain('Montant demandé');
    expect(said).not.toContain('/funding');
    await check(lea, 'montant-refuse');

    // Sorted by the amount from its header, by keyboard: the focus stays on the header, the order is said.
    await lea.goto(`${web.base}/instruction/${SLUG}?tab=tous`);
    const header = lea.getByRole('button', { name: /^Financement — Montant demandé/ });
    await header.focus();
    await lea.keyboard.press('Enter');
    await lea.waitForURL(/sort=%2Ffunding%2FamountRequested/);
    await lea.waitForFunction(() => document.querySelector('th[aria-sort="ascending"]') !== null);
    // The header says the new order at once; the rows follow when the page in that order has come.
    const inOrder = (expected: string[]) =>
      lea
        .waitForFunction(
          (want) =>
            JSON.stringify(
              Array.from(document.querySelectorAll('tbody td:last-child')).map((td) =>
                td.textContent!.replace(/\s/g, ' '),
              ),
            ) === JSON.stringify(want),
          expected,
          { timeout: 10_000 },
        )
        .catch(() => undefined);
    const amounts = async () =>
      (await lea.locator('tbody td:last-child').allTextContents()).map((t) => t.replace(/\s/g, ' '));
    await inOrder(['800', '1 200', '5 000', '7 500,5', '12 000']);
    await expect(amounts()).resolves.toEqual(['800', '1 200', '5 000', '7 500,5', '12 000']);
    await expect(focusedId(lea)).resolves.toBe('tri-reponse-0');
    await expect(lea.locator('caption').textContent()).resolves.toContain('Montant demandé, ordre croissant');
    await lea.keyboard.press('Enter');
    await lea.waitForFunction(() => document.querySelector('th[aria-sort="descending"]') !== null);
    await inOrder(['12 000', '7 500,5', '5 000', '1 200', '800']);
    await expect(amounts()).resolves.toEqual(['12 000', '7 500,5', '5 000', '1 200', '800']);
    await expect(focusedId(lea)).resolves.toBe('tri-reponse-0');
    // Karim holds the judo club's request: named, not « un autre agent ».
    const judo = lea.getByRole('row').filter({ hasText: /7\s500,5/ });
    await expect(judo.textContent()).resolves.toContain('Karim Haddad');
    await check(lea, 'tri-montant');

    // The export for French spreadsheets, as the page links it: agents by name, Paris dates, decimal commas.
    const csv = await lea
      .getByRole('link', { name: 'CSV, séparateur point-virgule (tableurs en français)' })
      .getAttribute('href');
    const exported = await lea.evaluate(async (href) => (await fetch(href)).text(), csv!);
    expect(exported).not.toContain('account:');
    const [head, ...lines] = exported
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean)
      .map((line) => line.split(';').map((cell) => cell.replace(/^"|"$/g, '')));
    const judoReference = /GCH-\w{4}-\w{4}/.exec((await judo.textContent())!)![0];
    const judoLine = lines.find((cells) => cells[0] === judoReference)!;
    const cell = (title: string) => judoLine[head!.indexOf(title)];
    expect(cell('Agent')).toBe('Karim Haddad');
    const today = new Intl.DateTimeFormat('fr-FR', {
      timeZone: 'Europe/Paris',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
    }).format(new Date());
    expect(cell('Déposée le (heure de Paris)')).toMatch(new RegExp(`^${today} \\d{2}:\\d{2}:\\d{2}$`));
    expect(cell('Montant demandé')).toBe('7500,5');

    // Marie-Claire's request: only the family name, sent by FranceConnect and kept, says so.
    await lea.goto(`${web.base}/instruction/${SLUG}/${ids.get('Théâtre des Tilleuls')}`);
    await lea.getByRole('heading', { level: 1, name: /^Demande GCH-/ }).waitFor();
    const term = (pointer: string) => lea.locator(`[data-pointer="${pointer}"] dt`).textContent();
    await expect(term('/president/lastName')).resolves.toContain('(transmis par FranceConnect)');
    await expect(term('/president/firstName')).resolves.not.toContain('FranceConnect');
    await check(lea, 'franceconnect');

    // The judo club's request: its history names Karim.
    await lea.goto(`${web.base}/instruction/${SLUG}/${ids.get('Club de Judo')}`);
    await lea.getByText('Attribuée à Karim Haddad').waitFor();
    await expect(lea.locator('.desk-summary').first().textContent()).resolves.toContain('Karim Haddad');

    // The choir's files: the photo in the page, the PDF too where the browser draws PDFs, always the link.
    await lea.goto(`${web.base}/instruction/${SLUG}/${ids.get('Chorale du Val')}`);
    await lea.getByRole('img', { name: 'Photo du projet : local.png' }).waitFor();
    const drawsPdf = await lea.evaluate(() => navigator.pdfViewerEnabled);
    const frame = lea.locator('iframe.desk-pdf-preview');
    if (drawsPdf) {
      await frame.waitFor();
      expect(await frame.getAttribute('title')).toBe('Aperçu du PDF — Budget prévisionnel : budget-2026.pdf');
    } else {
      expect(await frame.count()).toBe(0);
      await lea.getByText('Ce navigateur n’affiche pas les PDF dans la page').first().waitFor();
    }
    const open = lea.getByRole('link', { name: 'Ouvrir le PDF budget-2026.pdf (nouvel onglet)' }).first();
    expect(await open.getAttribute('target')).toBe('_blank');
    const inline = await lea.evaluate(
      async (href) => {
        const res = await fetch(href);
        return { csp: res.headers.get('content-security-policy'), frames: res.headers.get('x-frame-options') };
      },
      (await open.getAttribute('href'))!,
    );
    expect(inline).toEqual({ csp: "sandbox; default-src 'none'; frame-ancestors 'self'", frames: 'SAMEORIGIN' });
    await check(lea, 'pieces-apercu');
  }, 120_000);

  it('a filter that matches nothing: said so, the page clean, and each export a valid file with the titles alone', async () => {
    const lea = await browser.context.newPage();
    const path = `/instruction/${SLUG}?tab=tous&champ=%2Ffunding%2FamountRequested&min=1000000`;
    const target = `${web.base}${path}`;
    await lea.goto(`${web.base}/auth/login?as=agent&returnTo=${encodeURIComponent(path)}`);
    // The provider may remember her from the test before.
    await Promise.race([lea.getByRole('group', { name: 'Identités de test' }).waitFor(), lea.waitForURL(target)]);
    if (lea.url() !== target) await chooseTestIdentity(lea, 'Léa Fontaine — instructrice', target);
    await lea.getByRole('status').filter({ hasText: 'Aucune demande ne correspond.' }).waitFor();
    expect(await lea.locator('tbody tr').count()).toBe(0);
    await check(lea, 'filtre-sans-resultat');

    // Each export link gives a file the spreadsheet or the program opens: the titles, then no request; said first.
    await expect(lea.locator('#exporter-vide').textContent()).resolves.toBe(
      'Aucune demande ne correspond : les fichiers ne contiendront que la ligne des titres (rien en JSON Lines).',
    );
    const exports = lea.locator('.desk-exports a');
    const labels = await exports.allTextContents();
    expect(labels).toHaveLength(4);
    for (const label of labels) {
      const [download] = await Promise.all([
        lea.waitForEvent('download'),
        lea.locator('.desk-exports').getByRole('link', { name: label, exact: true }).click(),
      ]);
      const file = await download.path();
      const bytes = readFileSync(file);
      if (label.startsWith('CSV')) {
        const separator = label.includes('point-virgule') ? ';' : ',';
        const text = bytes.toString('utf8');
        expect(text.startsWith('\uFEFFRéférence' + separator + 'Statut' + separator)).toBe(true);
        expect(text.endsWith('\r\n')).toBe(true);
        expect(text.split('\r\n')).toHaveLength(2);
      } else if (label.startsWith('JSON')) {
        expect(bytes.length).toBe(0);
      } else {
        // A ZIP whose sheet holds the title row alone.
        expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
        expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
      }
      expect([label, await lea.locator('.desk-exports + [role=status]').textContent()]).toEqual([label, ' ']);
    }
    await check(lea, 'filtre-sans-resultat-exports');
    await lea.close();
  }, 120_000);
});
