import { DataSource } from 'typeorm';
import { expectAccessible } from '../support/browser';
import { streetReport } from '../fixtures/street-report';
import { pressEnterOn, startDraft, useWebLookupStack } from '../support/lookup-browser';

const SLUG = 'nid-de-poule-distrait';

const report = () => streetReport('Où est le nid-de-poule ?');

/**
 * Karim types with his thumb (JOURNEYS.md): his keyboard leaves a space after the postal code it completed, and a
 * space pressed in the required « where » is not an answer. The step says so, on the field, with the focus on the
 * error summary, and takes the postal code as the code it is.
 */
describe('a citizen’s careless typing', () => {
  const web = useWebLookupStack(
    { service: { slug: SLUG, title: 'Signaler un nid-de-poule', definition: report() } },
    60_000,
  );

  it('a required answer of spaces is asked for, a trailing space after a postal code is not an error', async () => {
    const page = await web.browser.context.newPage();
    const id = await startDraft(page, `${web.base}/demarches/${SLUG}`, {
      field: { name: /^Où est le nid-de-poule/ },
      text: '   ',
    });
    await page.getByRole('textbox', { name: /^Code postal/ }).fill('45000 ');
    await pressEnterOn(page, 'Continuer');
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    expect(await summary.locator('a').allInnerTexts()).toEqual([
      expect.stringMatching(/^Où est le nid-de-poule \? : .*obligatoire/),
    ]);
    await expect(page.evaluate(() => !!document.activeElement?.closest('.error-summary'))).resolves.toBe(true);
    const lieu = page.getByRole('textbox', { name: /^Où est le nid-de-poule/ });
    await expect(lieu.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByRole('textbox', { name: /^Code postal/ }).getAttribute('aria-invalid')).resolves.not.toBe(
      'true',
    );
    await expectAccessible(page, 'réponse faite d’espaces');

    await lieu.fill(' Rue des Lilas, devant le 12 ');
    await pressEnterOn(page, 'Continuer');
    await page.getByRole('heading', { level: 2, name: 'Vérifiez vos réponses' }).waitFor();
    await pressEnterOn(page, /^Envoyer ma demande/);
    await page.getByRole('heading', { level: 1, name: 'Votre demande a bien été envoyée' }).waitFor();
    const [row] = await web.stack.api.get(DataSource).query(`SELECT status, data FROM submission WHERE id = $1`, [id]);
    expect(row).toEqual({ status: 'submitted', data: { lieu: 'Rue des Lilas, devant le 12', codePostal: '45000' } });
    await page.close();
  }, 90_000);
});
