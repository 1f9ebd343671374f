import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { importExamples } from '@guichet/forms';
import type { MailCatcher } from '@guichet/mail-catcher';
import { Submission } from '@guichet/persistence';
import { axeViolations, chooseTestIdentity, launchBrowser, untilLive, type Browser } from '../support/browser';
import { ROOT, waitUntil } from '../support/processes';
import { type Stack } from '../support/stack';
import { startWebStack, type WebStack } from '../support/web-stack';

const SHOTS = join(ROOT, 'test-results', 'screenshots', 'desk');
const SLUG = 'signaler-un-probleme-de-voirie';
const CITIZEN_EMAIL = 'riverain.capucines@example.fr';
/** A 240×135 photo-like PNG (grey asphalt, a dark hole), so that the preview shows something. */
function photo(): Buffer {
  const [width, height] = [240, 135];
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const hole = ((x - 120) / 60) ** 2 + ((y - 70) / 30) ** 2 < 1;
      const grey = hole ? 40 : 120 + ((x * 7 + y * 13) % 23);
      row.fill(grey, 1 + x * 3, 4 + x * 3);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const size = Buffer.alloc(4);
    size.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([size, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');
}

/** Focus, then Enter: what a keyboard user does on a button or a link. */
async function press(page: Page, name: string | RegExp) {
  const target = page
    .getByRole('button', { name, exact: typeof name === 'string' })
    .or(page.getByRole('link', { name, exact: typeof name === 'string' }));
  await target.first().focus();
  await page.keyboard.press('Enter');
}

/** The button that sends the open transition form (its opener bears the same name). */
async function submitAction(page: Page, name: string) {
  await page.locator('#formulaire-action').getByRole('button', { name, exact: true }).focus();
  await page.keyboard.press('Enter');
}

let shots = 0;
/**
 * What every desk page must be: axe-clean, one h1, no horizontal scroll at
 * 320 px; with screenshots at 1280 and 320 px.
 */
async function check(page: Page, name: string) {
  expect({ page: name, violations: await axeViolations(page) }).toEqual({ page: name, violations: [] });
  expect({ page: name, h1: await page.locator('h1').count() }).toEqual({ page: name, h1: 1 });
  const n = String(shots++).padStart(2, '0');
  await page.screenshot({ path: join(SHOTS, `${n}-${name}-1280.png`), fullPage: true });
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  await page.screenshot({ path: join(SHOTS, `${n}-${name}-320.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  expect({ page: name, overflow }).toEqual({ page: name, overflow: 0 });
}

/**
 * Léa's Monday, in Chromium: a citizen reports a pothole, Léa finds it in
 * her inbox, asks for a correction, the citizen corrects and sends it
 * again, Léa accepts with a motivation and the citizen gets the decision
 * letter by email; Karim, a second before her, gets told he came too late.
 */
describe('caseworker desk in Chromium', () => {
  let stack: Stack;
  let mail: MailCatcher;
  let base: string;
  let web: WebStack;
  const browsers: Browser[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    web = await startWebStack();
    ({ base, mail, stack } = web);
    const ds = stack.api.get(DataSource);
    await importExamples(ds, web.organisation.id, join(ROOT, 'forms'));
    // The citizen, Léa and Karim: three browsers, three sessions.
    browsers.push(...(await Promise.all([launchBrowser(), launchBrowser(), launchBrowser()])));
  });
  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await web?.close();
  });

  async function signInAgent(page: Page, label: string, returnTo: string) {
    await chooseTestIdentity(page, label, `${base}${returnTo}`);
  }

  it('files, corrects and decides a request, and the citizen receives the decision letter', async () => {
    const [citizen, lea, karim] = await Promise.all(browsers.map((b) => b.context.newPage()));

    // --- Karim, citizen: reports a pothole without an account, with a photo and his email.
    await citizen!.goto(`${base}/demarches/${SLUG}`);
    await untilLive(citizen!);
    await press(citizen!, /^Commencer/);
    await citizen!.waitForURL(/brouillon=/);
    // The address field (Base Adresse Nationale): this address is not in it, so it is typed by hand.
    await press(citizen!, 'Je ne trouve pas mon adresse : la saisir');
    await citizen!.getByLabel('Numéro et voie').fill('12 rue des Capucines');
    await citizen!.getByLabel('Code postal').fill('45000');
    await citizen!.getByLabel('Commune', { exact: true }).fill('Orléans');
    await press(citizen!, 'Continuer');
    await citizen!.getByRole('radio', { name: 'Nid-de-poule ou chaussée abîmée' }).check();
    await citizen!
      .getByLabel('Décrivez le problème')
      .fill('Un trou profond devant le numéro 12, dangereux pour les vélos.');
    await citizen!.getByRole('radio', { name: 'Oui', exact: true }).check();
    await press(citizen!, 'Continuer');
    await citizen!
      .locator('input[type=file]')
      .setInputFiles({ name: 'nid-de-poule.png', mimeType: 'image/png', buffer: photo() });
    await citizen!.locator('.uploaded').first().waitFor();
    await press(citizen!, 'Continuer');
    await citizen!.getByRole('radio', { name: 'Oui', exact: true }).check();
    await citizen!.getByLabel('Adresse électronique').fill(CITIZEN_EMAIL);
    await press(citizen!, 'Continuer');
    await press(citizen!, /^Envoyer ma demande/);
    await citizen!.getByRole('heading', { level: 1, name: 'Votre demande a bien été envoyée' }).waitFor();
    const reference = (await citizen!.locator('.reference strong').textContent())!;
    const id = new URL(citizen!.url()).pathname.split('/').pop()!;
    expect(reference).toMatch(/^GCH-/);
    const dataSource = stack.api.get(DataSource);
    // The worker routes the request (a change of revision) before anyone reads it.
    await waitUntil('routing', 15_000, async () => {
      const row = await dataSource.getRepository(Submission).findOneByOrFail({ id });
      return row.groupKey !== null || undefined;
    });

    // --- Léa: not signed in, the desk offers the agents' sign-in.
    await lea!.goto(`${base}/instruction`);
    await lea!.getByRole('link', { name: 'Se connecter en tant qu’agent' }).waitFor();
    await check(lea!, 'connexion');
    await press(lea!, 'Se connecter en tant qu’agent');
    await signInAgent(lea!, 'Léa Fontaine — instructrice', '/instruction');

    // Her services, with their counts.
    const service = lea!.getByRole('link', { name: 'Signaler un problème sur la voirie', exact: true });
    await service.waitFor();
    expect(await lea!.title()).toBe('Instruction — Guichet');
    await check(lea!, 'demarches');
    await press(lea!, 'Signaler un problème sur la voirie');

    // The inbox opens on "À traiter", oldest first.
    await lea!.getByRole('heading', { level: 1, name: 'Signaler un problème sur la voirie' }).waitFor();
    const current = lea!.locator('.desk-tabs a[aria-current="page"]');
    await expect(current.textContent()).resolves.toMatch(/^À traiter 1$/);
    await expect(lea!.locator('caption').textContent()).resolves.toContain('les plus anciennes d’abord');
    await check(lea!, 'corbeille');

    // She chooses a column (kept for her, for this service), then searches by a word of the address.
    await lea!.locator('.desk-columns summary').focus();
    await lea!.keyboard.press('Enter');
    await lea!.getByRole('checkbox', { name: 'Où se trouve le problème ? — Adresse ou nom de la rue' }).check();
    await press(lea!, 'Enregistrer les colonnes');
    await lea!.getByRole('status').filter({ hasText: 'Colonnes enregistrées.' }).waitFor();
    await lea!.getByRole('columnheader', { name: 'Où se trouve le problème ? — Adresse ou nom de la rue' }).waitFor();
    await lea!.getByLabel('Rechercher').fill('capucines');
    await press(lea!, 'Filtrer');
    await lea!.waitForURL(/q=capucines/);
    await lea!.getByRole('cell', { name: '12 rue des Capucines' }).waitFor();
    expect(await lea!.locator('tbody tr').count()).toBe(1);
    // The export links carry the same filter.
    const csv = await lea!
      .getByRole('link', { name: 'CSV, séparateur point-virgule (tableurs en français)' })
      .getAttribute('href');
    expect(new URL(csv!, base).searchParams.get('q')).toBe('capucines');
    const exported = await lea!.evaluate(async (href) => (await fetch(href)).text(), csv!);
    expect(exported.split('\r\n')[1]).toContain(reference);

    // She selects the request (its checkbox is labelled by its reference) and assigns it to herself.
    await lea!.getByRole('checkbox', { name: `Sélectionner ${reference}` }).focus();
    await lea!.keyboard.press('Space');
    await lea!.getByLabel('Action', { exact: true }).selectOption({ label: 'Me les attribuer' });
    await press(lea!, 'Appliquer à la sélection');
    const results = lea!.locator('#lot-resultats');
    await results.waitFor();
    await expect(lea!.evaluate(() => document.activeElement?.id)).resolves.toBe('lot-resultats');
    await expect(lea!.locator('.desk-batch-results li').textContent()).resolves.toContain('attribuée à vous');
    await check(lea!, 'corbeille-filtree');

    // The columns are remembered on the server: a fresh load shows them.
    await lea!.reload();
    await lea!.getByRole('columnheader', { name: 'Où se trouve le problème ? — Adresse ou nom de la rue' }).waitFor();

    // --- The request.
    await press(lea!, reference);
    await lea!.getByRole('heading', { level: 1, name: `Demande ${reference}` }).waitFor();
    await lea!
      .getByRole('img', { name: /Photo du problème.*nid-de-poule\.png/ })
      .first()
      .waitFor();
    await expect(lea!.getByText('Sans FranceConnect').textContent()).resolves.toContain('identité non vérifiée');
    await check(lea!, 'demande');

    await press(lea!, 'Commencer l’instruction');
    await lea!.getByRole('heading', { level: 3, name: 'Commencer l’instruction' }).waitFor();
    await submitAction(lea!, 'Commencer l’instruction');
    await lea!.getByText('C’est fait : la demande est « En instruction ».').waitFor();

    // A correction needs a motivation: sent empty, the error summary takes focus.
    await press(lea!, 'Demander des modifications');
    await lea!.getByRole('heading', { level: 3, name: 'Demander des modifications' }).waitFor();
    await submitAction(lea!, 'Demander des modifications');
    const summary = lea!.locator('.error-summary');
    await summary.waitFor();
    await expect(lea!.evaluate(() => document.activeElement?.classList.contains('error-summary'))).resolves.toBe(true);
    expect(await lea!.title()).toMatch(/^Erreur : /);
    const motivation = lea!.getByLabel(/^Motivation/);
    expect(await motivation.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await motivation.getAttribute('aria-describedby'))!.split(' ');
    for (const ref of describedBy) expect(await lea!.locator(`[id="${ref}"]`).count()).toBe(1);
    expect(describedBy.some((ref) => ref.endsWith('-erreur'))).toBe(true);
    await check(lea!, 'motivation-manquante');
    // The summary's link puts the focus on the field.
    await summary.getByRole('link').focus();
    await lea!.keyboard.press('Enter');
    await expect(lea!.evaluate(() => document.activeElement?.tagName)).resolves.toBe('TEXTAREA');
    await lea!.keyboard.type('Merci de préciser le numéro le plus proche et le côté de la rue.');
    await submitAction(lea!, 'Demander des modifications');
    await lea!.getByText('C’est fait : la demande est « Modifications demandées ».').waitFor();
    expect(await lea!.title()).not.toMatch(/^Erreur/);

    // A message to the citizen, and the request followed.
    await lea!.getByLabel('Écrire à l’usager').fill('Bonjour, une photo plus large nous aiderait aussi.');
    await lea!.getByLabel('Attend une réponse').check();
    await press(lea!, 'Envoyer le message');
    await lea!
      .getByRole('status')
      .filter({ hasText: 'Message envoyé à l’usager ; la demande attend sa réponse.' })
      .waitFor();
    await lea!.getByText(/^En attente de réponse de l’usager depuis le /).waitFor();
    expect(await lea!.getByLabel('Attend une réponse').isChecked()).toBe(false);
    await check(lea!, 'message-en-attente');
    await press(lea!, 'Suivre la demande');
    await lea!.getByRole('status').filter({ hasText: 'Vous suivez cette demande' }).waitFor();
    await expect(lea!.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Ne plus suivre');

    // A private note, which the citizen never sees.
    await lea!.getByLabel('Ajouter une note').fill('Vérifier avec l’équipe voirie nord.');
    await press(lea!, 'Enregistrer la note');
    await lea!.getByRole('status').filter({ hasText: 'Note enregistrée.' }).waitFor();

    // --- The citizen corrects and sends the request again.
    await citizen!.goto(`${base}/mes-demarches/${id}`);
    await citizen!.getByText('Merci de préciser le numéro le plus proche').waitFor();
    await citizen!.getByText('Bonjour, une photo plus large nous aiderait aussi.').waitFor();
    expect(await citizen!.getByText('Vérifier avec l’équipe voirie nord.').count()).toBe(0);
    await press(citizen!, 'Corriger ma demande');
    await citizen!.getByLabel('Précisions sur l’emplacement').fill('Côté pair, devant le numéro 12.');
    for (let step = 0; step < 4; step++) await press(citizen!, 'Continuer');
    await citizen!.getByRole('heading', { name: 'Vérifiez vos réponses' }).waitFor();
    // Sophie (admin) chose an email for each request; Léa never chose, so hers is the daily digest. One job emails
    // its recipients in the order of their addresses: Sophie's comes after any to Léa.
    await dataSource.query(
      `INSERT INTO agent_preference (email, notify) VALUES ($1, 'instant') ON CONFLICT (email) DO UPDATE SET notify = 'instant'`,
      ['sophie.marchand@mairie-de-demo.fr'],
    );
    await press(citizen!, 'Renvoyer ma demande corrigée');
    await citizen!.waitForURL(/envoye=1/);
    // Sophie's email says « Demande corrigée », not « Nouvelle demande »; Léa gets no email of her own for it.
    const corrected = await mail.waitFor(
      (m) => m.to.includes('sophie.marchand@mairie-de-demo.fr') && m.subject.includes(reference),
      15_000,
    );
    expect(corrected.subject).toMatch(new RegExp(`^Demande corrigée ${reference} — `));
    expect(
      mail
        .messages()
        .filter((m) => m.to.includes('lea.fontaine@mairie-de-demo.fr'))
        .map((m) => m.subject),
    ).toEqual([]);

    // --- Léa starts the review again; Karim opens the same request at the same revision.
    await lea!.reload();
    await lea!.getByText('Côté pair, devant le numéro 12.').waitFor();
    await press(lea!, 'Commencer l’instruction');
    await submitAction(lea!, 'Commencer l’instruction');
    await lea!.getByText('C’est fait : la demande est « En instruction ».').waitFor();

    await karim!.goto(`${base}/auth/login?as=agent&returnTo=${encodeURIComponent(`/instruction/${SLUG}/${id}`)}`);
    await signInAgent(karim!, 'Karim Haddad — instructeur', `/instruction/${SLUG}/${id}`);
    await karim!.getByRole('button', { name: 'Accepter' }).waitFor();

    // Léa accepts with a motivation, through the confirmation step.
    await press(lea!, 'Accepter');
    await lea!.getByLabel(/^Motivation/).fill('Intervention programmée la semaine prochaine.');
    await press(lea!, 'Continuer');
    await lea!.getByRole('button', { name: 'Confirmer la décision' }).waitFor();
    await expect(lea!.evaluate(() => document.activeElement?.textContent ?? '')).resolves.toContain(
      'Vous allez prendre la décision',
    );
    await check(lea!, 'confirmation');
    await press(lea!, 'Confirmer la décision');
    const done = lea!.getByText('Décision enregistrée : la demande est « Acceptée ».');
    await done.waitFor();
    await expect(lea!.evaluate(() => document.activeElement?.classList.contains('notice'))).resolves.toBe(true);

    // Karim decides on what he read: told that a colleague came first, nothing overwritten.
    await press(karim!, 'Accepter');
    await karim!.getByLabel(/^Motivation/).fill('Accord.');
    await press(karim!, 'Continuer');
    await press(karim!, 'Confirmer la décision');
    const stale = karim!.getByRole('alert').filter({ hasText: 'Un collègue a agi sur cette demande' });
    await stale.waitFor();
    await expect(stale.textContent()).resolves.toContain('État actuel : « Acceptée »');
    await check(karim!, 'decision-perimee');
    const stored = await dataSource.getRepository(Submission).findOneByOrFail({ id });
    expect(stored.status).toBe('accepted');
    const [{ comment }] = (await dataSource.query(
      `SELECT comment FROM submission_event WHERE submission_id = $1 AND to_status = 'accepted'`,
      [id],
    )) as [{ comment: string }];
    expect(comment).toBe('Intervention programmée la semaine prochaine.');

    // --- Pages by key: twelve more requests, ten a page.
    await dataSource.query(
      `INSERT INTO submission (organisation_id, service_id, form_version_id, version_number, owner_account_id,
                               anonymous_owner, status, data, revision, reference, submitted_at, group_key)
       SELECT organisation_id, service_id, form_version_id, version_number, owner_account_id, anonymous_owner,
              'submitted', data, 1, 'GCH-PAGE-' || lpad(g::text, 4, '0'), submitted_at + g * interval '1 minute', group_key
         FROM submission, generate_series(1, 12) g WHERE id = $1`,
      [id],
    );
    await lea!.goto(`${base}/instruction/${SLUG}?tab=tous&par_page=10`);
    await lea!.locator('tbody tr').first().waitFor();
    const references = () => lea!.locator('tbody th').allTextContents();
    const first = await references();
    expect(first).toHaveLength(10);
    await press(lea!, 'Page suivante');
    await lea!.waitForURL(/cursor=/);
    await lea!.getByRole('link', { name: 'Revenir à la première page' }).waitFor();
    await lea!.waitForFunction(() => document.querySelectorAll('tbody tr').length === 3);
    const second = await references();
    expect(second).toEqual(['GCH-PAGE-0002', 'GCH-PAGE-0001', reference]);
    expect(first.filter((r) => second.includes(r))).toEqual([]);
    expect(await lea!.getByRole('link', { name: 'Page suivante' }).count()).toBe(0);
    await check(lea!, 'corbeille-page-2');
    // "À traiter" puts the oldest first.
    await lea!.goto(`${base}/instruction/${SLUG}?tab=a_traiter&par_page=10`);
    await lea!.locator('tbody tr').first().waitFor();
    expect((await references()).slice(0, 3)).toEqual(['GCH-PAGE-0001', 'GCH-PAGE-0002', 'GCH-PAGE-0003']);

    // --- The citizen's decision email, with its letter as PDF.
    const letter = await mail.waitFor(
      (m) => m.to.includes(CITIZEN_EMAIL) && m.subject.includes('a été acceptée') && m.attachments.length > 0,
      20_000,
    );
    expect(letter.subject).toBe(`Votre demande ${reference} a été acceptée`);
    expect(letter.attachments).toEqual([
      expect.objectContaining({ contentType: 'application/pdf', filename: `attestation-acceptation-${reference}.pdf` }),
    ]);
    const pdf = Buffer.from(
      await (await fetch(`http://127.0.0.1:${mail.httpPort}/messages/${letter.id}/attachments/0`)).arrayBuffer(),
    );
    const text = pdfText(pdf);
    expect(text).toContain(reference);
    expect(text).toContain('Intervention programmée la semaine prochaine.');
  }, 180_000);
});
