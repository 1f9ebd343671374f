import { DataSource } from 'typeorm';
import { expectAccessible } from '../support/browser';
import { streetReport } from '../fixtures/street-report';
import { pressEnterOn, startDraft, useWebLookupStack } from '../support/lookup-browser';

const SLUG = 'lampadaire-eteint';

const report = () => streetReport('Où est le lampadaire ?');

/** The chunk of the answers' check (apps/web/src/form/check.ts), which the form fetches once it is open. */
const CHECK_CHUNK = /\/assets\/check-[\w-]+\.js$/;

/**
 * Issue 22: the code that checks the answers (the validator's runtime, the formats, every error message) is not
 * part of what opens a form; the page fetches it once the form is open. When it does not arrive (a connection lost
 * right after the page loaded), « Continuer » says the answers could not be checked, the draft is kept in this
 * browser as on a lost connection, and the next « Continuer » once it loads checks as always.
 */
describe('the answers’ check, fetched once the form is open', () => {
  const web = useWebLookupStack(
    { service: { slug: SLUG, title: 'Signaler un lampadaire éteint', definition: report() } },
    60_000,
  );

  it('says when it could not load, keeps the answers, and checks once it loads', async () => {
    const page = await web.browser.context.newPage();
    await page.route(CHECK_CHUNK, (route) => route.abort());
    const id = await startDraft(page, `${web.base}/demarches/${SLUG}`, {
      field: { name: /^Où est le lampadaire/ },
      text: 'Rue des Lilas, devant le 12',
    });
    // The autosave cannot tell what is valid yet: the answers stay here, as when the connection is lost.
    await page.getByText(/Brouillon non enregistré : connexion perdue/).waitFor();
    await pressEnterOn(page, 'Continuer');
    const summary = page.locator('.error-summary');
    await summary.getByText(/Vos réponses n’ont pas pu être vérifiées/).waitFor();
    await expect(page.evaluate(() => !!document.activeElement?.closest('.error-summary'))).resolves.toBe(true);
    await expectAccessible(page, 'vérification pas chargée');

    await page.unroute(CHECK_CHUNK);
    await pressEnterOn(page, 'Continuer');
    await summary.getByRole('link', { name: /^Code postal : .*obligatoire/ }).waitFor();
    expect(await summary.locator('a').count()).toBe(1);
    await expect(page.getByText(/Vos réponses n’ont pas pu être vérifiées/).count()).resolves.toBe(0);

    await page.getByRole('textbox', { name: /^Code postal/ }).fill('45000');
    await pressEnterOn(page, 'Continuer');
    await page.getByRole('heading', { level: 2, name: 'Vérifiez vos réponses' }).waitFor();
    await pressEnterOn(page, /^Envoyer ma demande/);
    await page.getByRole('heading', { level: 1, name: 'Votre demande a bien été envoyée' }).waitFor();
    const [row] = await web.stack.api.get(DataSource).query(`SELECT status, data FROM submission WHERE id = $1`, [id]);
    expect(row).toEqual({ status: 'submitted', data: { lieu: 'Rue des Lilas, devant le 12', codePostal: '45000' } });
    await page.close();
  }, 90_000);
});
