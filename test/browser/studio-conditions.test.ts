import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import type { ServiceDefinition } from '@guichet/shared';
import { axeViolations, chooseTestIdentity, launchBrowser, type Browser } from '../support/browser';
import { ROOT } from '../support/processes';
import { startWebStack, type WebStack } from '../support/web-stack';

const SHOTS = join(ROOT, 'test-results', 'screenshots', 'studio-conditions');
const SLUG = 'accueil-matin';

/** Focus, then Enter: what a keyboard user does on a button. */
async function press(target: Locator) {
  await target.focus();
  await target.press('Enter');
}

/** A closed select, changed with the arrow keys until it shows `label` (no pointer, no script). */
async function choose(select: Locator, label: string) {
  await select.focus();
  const count = await select.locator('option').count();
  for (let i = 0; i <= count; i++) {
    const shown = await select.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent ?? '');
    if (shown === label) return;
    await select.press('ArrowDown');
  }
  throw new Error(`« ${label} » is not among the options`);
}

let shots = 0;
async function check(page: Page, name: string) {
  expect({ state: name, violations: await axeViolations(page) }).toEqual({ state: name, violations: [] });
  await page.screenshot({ path: join(SHOTS, `${String(shots++).padStart(2, '0')}-${name}.png`), fullPage: true });
}

/** Children, each with a school, and a question only for the families with a child at Louise-Michel. */
function morningCareDefinition(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['children'],
      properties: {
        children: {
          type: 'array',
          title: 'Enfants',
          minItems: 1,
          maxItems: 5,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['firstName', 'school'],
            properties: {
              firstName: { type: 'string', title: 'Prénom', minLength: 1 },
              school: { type: 'string', title: 'École', enum: ['jules-ferry', 'louise-michel'] },
            },
          },
        },
        morningCare: { type: 'boolean', title: 'Accueil du matin à l’école Louise-Michel' },
      },
    },
    pages: [{ id: 'enfants', title: 'Vos enfants', fields: ['children', 'morningCare'] }],
    settings: { signIn: 'optional', retentionMonths: 12 },
  };
}

/**
 * Claire shows a question only when at least one child goes to a given
 * school (issue 20): built by keyboard in the studio's display condition,
 * said in words, never as a pointer; then, in a trial of the draft, the
 * question appears only while a child has that school.
 */
describe('studio display conditions over a repeatable block', () => {
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
    const created = await page.evaluate(
      async ({ definition, slug }) => {
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
            slug,
            title: 'Accueil du matin',
            organisationId: me.roles.find((r) => r.role === 'designer' || r.role === 'admin')?.organisationId,
            definition,
          }),
        });
        return res.status;
      },
      { definition: morningCareDefinition() as unknown as Record<string, unknown>, slug: SLUG },
    );
    expect(created).toBe(201);
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('builds « at least one child at Louise-Michel » by keyboard, in words', async () => {
    await page.goto(`${web.base}/studio/${SLUG}`);
    await page.getByRole('heading', { level: 1, name: 'Accueil du matin' }).waitFor();
    await press(
      page.locator('.studio-fields').getByRole('button', { name: /^Accueil du matin à l’école Louise-Michel/ }),
    );
    const panel = page.locator('.studio-panel');
    await choose(panel.getByLabel('Afficher seulement si la réponse à'), 'Enfants › École');
    const which = panel.getByLabel('pour', { exact: true });
    await expect(which.inputValue()).resolves.toBe('any');
    await expect(which.locator('option').allTextContents()).resolves.toEqual([
      'au moins un élément de « Enfants »',
      'le premier élément de « Enfants »',
    ]);
    await expect(panel.getByLabel('Comparaison').inputValue()).resolves.toBe('eq');
    await choose(panel.getByLabel('Réponse attendue'), 'louise-michel');
    await press(panel.getByRole('button', { name: 'Ajouter la condition' }));
    await panel
      .getByText('Afficher seulement si « École » est « louise-michel » pour au moins un élément de « Enfants ».')
      .waitFor();
    await page.getByText(/^Brouillon enregistré à/).waitFor();
    await check(page, 'condition');
    expect((await page.locator('main').textContent()) ?? '').not.toMatch(/\/children|\/\*\//);

    const [row] = await web.stack.api
      .get(DataSource)
      .query(`SELECT draft_definition->'rules' AS rules FROM service WHERE slug = $1`, [SLUG]);
    expect(row.rules).toEqual({
      visibility: [
        {
          target: '/morningCare',
          when: { any: [{ field: '/children' }, { eq: [{ field: '/children/*/school' }, 'louise-michel'] }] },
        },
      ],
    });
  }, 90_000);

  it('shows the question to the citizen only while a child goes to Louise-Michel', async () => {
    await press(page.getByRole('button', { name: 'Tester', exact: true }));
    const link = page.getByRole('link', { name: 'Ouvrir l’essai (nouvel onglet)' });
    await link.waitFor();
    const citizen = await browser.context.newPage();
    citizen.setDefaultTimeout(15_000);
    await citizen.goto(`${web.base}${await link.getAttribute('href')}`);
    await citizen.getByRole('heading', { level: 2, name: 'Vos enfants' }).waitFor();
    const question = citizen.getByText('Accueil du matin à l’école Louise-Michel');
    await citizen.getByLabel('Prénom').fill('Léo');
    await citizen.getByRole('radio', { name: 'jules-ferry' }).first().focus();
    await citizen.keyboard.press('Space');
    await expect(citizen.getByRole('radio', { name: 'jules-ferry' }).first().isChecked()).resolves.toBe(true);
    await expect(question.count()).resolves.toBe(0);
    await check(citizen, 'sans-louise-michel');

    await citizen.keyboard.press('ArrowDown'); // the next school in the same radio group: louise-michel
    await expect(citizen.getByRole('radio', { name: 'louise-michel' }).first().isChecked()).resolves.toBe(true);
    await question.waitFor();
    await check(citizen, 'avec-louise-michel');

    await citizen.keyboard.press('ArrowUp');
    await question.waitFor({ state: 'detached' });
    await citizen.close();
  }, 90_000);
});
