import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { organisationId } from '@guichet/shared';
import { Digests, Mailer } from '@guichet/notify';
import { grantDefinition } from '../fixtures/grant';
import { CookieClient } from '../support/browserless';
import { SessionClient } from '../support/session-client';
import { startWebStack, type WebStack } from '../support/web-stack';
import { readZip } from '../support/zip';

const SLUG = 'subvention-parcours';
const TITLE = 'Subvention aux associations';

interface Item {
  id: string;
  reference: string;
  assignee: string | null;
  assigneeName: string | null;
  answers: Record<string, unknown>;
}
interface Page {
  items: Item[];
  nextCursor: string | null;
}

/**
 * Léa's journey over HTTP (issue 20, caseworkers): amounts and dates by
 * range, columns sorted by answers, agents named in the desk, its history
 * and its exports, local dates and typed numbers, « transmis par
 * FranceConnect » only for what FranceConnect sent, and notifications that
 * respect each agent's choice (the digest by default), a corrected request
 * titled as such.
 */
describe('caseworker journeys', () => {
  let web: WebStack;
  let lea: SessionClient;
  let karim: SessionClient;
  let leaId: string;
  const refs = new Map<string, { id: string; amount: number | undefined; citizen: CookieClient }>();

  const inbox = async (query: string): Promise<Page> => {
    const answer = await lea.call('GET', `/api/v1/services/${SLUG}/inbox?${query}`);
    expect([query, answer.status]).toEqual([query, 200]);
    return answer.body as Page;
  };

  /** An anonymous citizen files a request. */
  async function file(name: string, amount: number | undefined, startDate: string) {
    const citizen = new CookieClient();
    const post = async (path: string, body: unknown) => {
      const csrf = citizen.cookie(web.base, 'csrf_token');
      const res = await citizen.request(`${web.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: JSON.stringify(body),
      });
      expect([path, res.status < 300]).toEqual([path, true]);
      return (await res.json()) as { id: string; reference?: string };
    };
    const funding: Record<string, unknown> = { startDate };
    if (amount !== undefined) funding.amountRequested = amount;
    const draft = await post(`/api/v1/public/services/${SLUG}/submissions`, {
      data: { association: { name }, funding, email: `${name.toLowerCase().replace(/\W+/g, '-')}@example.fr` },
    });
    const sent = await post(`/api/v1/submissions/${draft.id}/submit`, {});
    refs.set(name, { id: draft.id, amount, citizen });
    return { id: draft.id, reference: sent.reference! };
  }

  beforeAll(async () => {
    web = await startWebStack();
    const ds = web.stack.api.get(DataSource);
    const { token } = await new ApiTokenService(ds).issue({
      organisationId: organisationId(web.organisation.id),
      name: 'studio',
      role: 'designer',
    });
    const designer = { Authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${web.base}/api/v1/services`, {
      method: 'POST',
      headers: designer,
      body: JSON.stringify({
        slug: SLUG,
        title: TITLE,
        organisationId: web.organisation.id,
        definition: grantDefinition(),
      }),
    });
    expect(created.status).toBe(201);
    expect(
      (await fetch(`${web.base}/api/v1/services/${SLUG}/publish`, { method: 'POST', headers: designer })).status,
    ).toBe(201);
    [lea, karim] = await Promise.all([
      SessionClient.signIn(web.base, 'agent', 'agent-lea'),
      SessionClient.signIn(web.base, 'agent', 'agent-karim'),
    ]);
    leaId = await lea.accountId();
    // Karim wants an email each time; Léa never chose.
    expect((await karim.call('PUT', '/api/v1/me/preferences', { notify: 'instant' })).status).toBe(200);
    await file('Les Amis du Parc', 1200, '2026-03-01');
    await file('Chorale du Val', 5000, '2026-04-15');
    await file('Club de Judo', 7500.5, '2026-05-10');
    await file('Atelier Vélo', 12000, '2026-07-01');
    await file('Jardins Partagés', undefined, '2026-09-01');
  }, 120_000);
  afterAll(() => web?.close());

  it('filters amounts and dates by range, and says what is wrong with the field’s name, never its pointer', async () => {
    const amounts = (page: Page) => page.items.map((i) => i.answers['/funding/amountRequested']).sort();
    const cols = 'columns=/funding/amountRequested&limit=100';
    const over = await inbox(`${cols}&field=${encodeURIComponent('/funding/amountRequested>=5000')}`);
    expect(amounts(over)).toEqual([12000, 5000, 7500.5].sort());
    const between = await inbox(
      `${cols}&field=${encodeURIComponent('/funding/amountRequested>5000')}&field=${encodeURIComponent('/funding/amountRequested<=7 500,5')}`,
    );
    expect(amounts(between)).toEqual([7500.5]);
    const spring = await inbox(
      `${cols}&field=${encodeURIComponent('/funding/startDate>=2026-04-01')}&field=${encodeURIComponent('/funding/startDate<=2026-05-10')}`,
    );
    expect(amounts(spring)).toEqual([5000, 7500.5].sort());
    // Equality still works, typed by the form.
    expect(amounts(await inbox(`${cols}&field=${encodeURIComponent('/funding/amountRequested=1200')}`))).toEqual([
      1200,
    ]);

    for (const [filter, says] of [
      ['/funding/amountRequested>=beaucoup', '« Montant demandé » : nombre attendu'],
      ['/funding/startDate<=31/12/2026', '« Début du projet » : date attendue au format AAAA-MM-JJ'],
      ['/association/name>=A', '« Nom de l’association » n’est ni un nombre ni une date'],
      ['/funding/amountRequested=', '« Montant demandé » : nombre attendu'],
      ['/nulle/part=1', 'Filtre sur une réponse inconnu'],
    ] as const) {
      const answer = await lea.call('GET', `/api/v1/services/${SLUG}/inbox?field=${encodeURIComponent(filter)}`);
      expect([filter, answer.status, answer.body.code]).toEqual([filter, 400, 'INVALID_REQUEST']);
      const [error] = answer.body.errors as Array<{ pointer: string; message: string }>;
      expect(error!.pointer).toBe('/field');
      expect(error!.message).toContain(says);
      expect(error!.message).not.toMatch(/\/(funding|association|nulle)/);
    }
  });

  it('sorts by an answer column both ways, page by page, requests without an answer last', async () => {
    const walk = async (sort: string) => {
      const seen: Item[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await inbox(
          `columns=/funding/amountRequested&limit=2&sort=${encodeURIComponent(sort)}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      return seen.map((i) => i.answers['/funding/amountRequested'] ?? null);
    };
    expect(await walk('/funding/amountRequested')).toEqual([1200, 5000, 7500.5, 12000, null]);
    expect(await walk('-/funding/amountRequested')).toEqual([12000, 7500.5, 5000, 1200, null]);
    const byReference = await inbox('limit=100&sort=reference');
    const references = byReference.items.map((i) => i.reference);
    expect(references).toEqual([...references].sort());
    expect(references).toHaveLength(5);
    // A cursor belongs to its order; an unknown order is refused.
    const first = await inbox('limit=1&sort=/funding/amountRequested');
    const mixed = await lea.call('GET', `/api/v1/services/${SLUG}/inbox?sort=reference&cursor=${first.nextCursor}`);
    expect([mixed.status, mixed.body.errors[0].pointer]).toEqual([400, '/cursor']);
    const unknown = await lea.call('GET', `/api/v1/services/${SLUG}/inbox?sort=/association`);
    expect([unknown.status, unknown.body.errors[0].pointer]).toEqual([400, '/sort']);
  });

  it('names agents by the name their provider gave, in the inbox, the history and every export, with Paris dates and typed numbers', async () => {
    const judo = refs.get('Club de Judo')!;
    const assigned = await lea.call('POST', `/api/v1/submissions/${judo.id}/assign`, { agentId: leaId });
    expect(assigned.body).toEqual({ id: judo.id, assignee: leaId, assigneeName: 'Léa Fontaine' });
    const page = await inbox(`field=${encodeURIComponent('/funding/amountRequested=7500.5')}`);
    expect(page.items[0]).toMatchObject({ assignee: leaId, assigneeName: 'Léa Fontaine' });
    await karim.call('POST', `/api/v1/submissions/${judo.id}/notes`, { body: 'Vu avec le club.' });
    const file = (await lea.call('GET', `/api/v1/services/${SLUG}/submissions/${judo.id}`)).body;
    expect(file.assigneeName).toBe('Léa Fontaine');
    expect(file.history.find((h: { type: string }) => h.type === 'assigned')).toMatchObject({
      actorName: 'Léa Fontaine',
      subject: leaId,
      subjectName: 'Léa Fontaine',
    });
    expect(file.notes).toEqual([expect.objectContaining({ authorName: 'Karim Haddad', body: 'Vu avec le club.' })]);
    const submittedAt = new Date(file.submittedAt as string);
    const paris = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Paris',
      dateStyle: 'short',
      timeStyle: 'medium',
    }).format(submittedAt);

    const filter = `field=${encodeURIComponent('/funding/amountRequested=7500.5')}&columns=/funding/amountRequested,/funding/startDate`;
    const csv = (await lea.call('GET', `/api/v1/services/${SLUG}/export?format=csv&${filter}`)).body as string;
    const [head, row] = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(head).toBe(
      'Référence,Statut,Déposée le (heure de Paris),Décidée le (heure de Paris),Groupe,Agent,Nom,Courriel,Montant demandé,Début du projet',
    );
    const cells = row!.split(',');
    expect(cells[2]).toBe(paris);
    expect(cells[5]).toBe('Léa Fontaine');
    expect(cells.slice(8)).toEqual(['7500.5', '2026-05-10']);
    expect(csv).not.toContain('account:');

    const french = (await lea.call('GET', `/api/v1/services/${SLUG}/export?format=csv&sep=semicolon&${filter}`))
      .body as string;
    const frenchCells = french.split('\r\n')[1]!.split(';');
    const [day, time] = paris.split(' ');
    expect(frenchCells[2]).toBe(`${day!.split('-').reverse().join('/')} ${time}`);
    expect(frenchCells[5]).toBe('Léa Fontaine');
    expect(frenchCells.slice(8)).toEqual(['7500,5', '10/05/2026']);

    const jsonl = await (await lea.raw('GET', `/api/v1/services/${SLUG}/export?format=jsonl&${filter}`)).text();
    const line = JSON.parse(jsonl.trim()) as { submittedAt: string; assignee: string; assigneeName: string };
    expect(line.assigneeName).toBe('Léa Fontaine');
    expect(line.assignee).toBe(leaId);
    expect(line.submittedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0[12]:00$/);
    expect(new Date(line.submittedAt).getTime()).toBe(submittedAt.getTime());

    const xlsx = await lea.raw('GET', `/api/v1/services/${SLUG}/export?format=xlsx&${filter}`);
    const sheet = (await readZip(Buffer.from(await xlsx.arrayBuffer())))
      .find((e) => e.name === 'xl/worksheets/sheet1.xml')!
      .data.toString('utf8');
    expect(sheet).toContain('<c r="F2" t="inlineStr"><is><t>Léa Fontaine</t></is></c>');
    // The submission date a real date (style 2, dd/mm/yyyy hh:mm:ss), not text.
    expect(sheet).toMatch(/<c r="C2" s="2"><v>\d+\.\d+<\/v><\/c>/);
    // The amount a number cell (no t="…"), not text.
    expect(sheet).toMatch(/<c r="I2"><v>7500\.5<\/v><\/c>/);
  });

  it('says « transmis par FranceConnect » only of answers FranceConnect sent and the citizen kept', async () => {
    const citizen = await SessionClient.signIn(web.base, 'citizen', 'citoyen-marie-claire-dubois');
    const draft = await citizen.call('POST', `/api/v1/public/services/${SLUG}/submissions`, {});
    expect(draft.status).toBe(201);
    expect(draft.body.data.president).toEqual({ firstName: 'Marie-Claire Anne', lastName: 'DUBOIS' });
    // She writes the first name she uses; the family name stays as FranceConnect sent it.
    const data = {
      association: { name: 'Théâtre des Tilleuls' },
      president: { firstName: 'Marie-Claire', lastName: 'DUBOIS' },
      funding: { amountRequested: 800, startDate: '2026-10-01' },
    };
    expect((await citizen.call('PATCH', `/api/v1/submissions/${draft.body.id}`, { data })).status).toBe(200);
    expect((await citizen.call('POST', `/api/v1/submissions/${draft.body.id}/submit`, {})).status).toBe(200);
    const file = (await lea.call('GET', `/api/v1/services/${SLUG}/submissions/${draft.body.id}`)).body;
    expect(file.identity).toEqual({ franceConnect: true, fromIdentity: ['/president/lastName'] });
    // An anonymous request: nothing came from FranceConnect.
    const anonymous = (await lea.call('GET', `/api/v1/services/${SLUG}/submissions/${refs.get('Atelier Vélo')!.id}`))
      .body;
    expect(anonymous.identity).toEqual({ franceConnect: false, fromIdentity: [] });
  });

  it('emails only agents who chose it, titles a corrected request « Demande corrigée », and puts it in the others’ digest', async () => {
    expect((await lea.call('GET', '/api/v1/me/preferences')).body).toEqual({ notify: 'digest' });
    const { id, reference } = await file('Cercle d’Échecs', 300, '2026-11-01');
    const first = await web.mail.waitFor(
      (m) => m.subject.includes(reference) && m.subject.startsWith('Nouvelle demande'),
      20_000,
    );
    expect(first.subject).toBe(`Nouvelle demande ${reference} — ${TITLE}`);
    expect(first.to).toContain('karim.haddad@mairie-de-demo.fr');

    // Léa asks for a correction; the citizen corrects and sends it again.
    for (const [transition, comment] of [
      ['start_review', undefined],
      ['request_changes', 'Précisez le montant.'],
    ] as const) {
      const { revision } = (await lea.call('GET', `/api/v1/services/${SLUG}/submissions/${id}`)).body as {
        revision: number;
      };
      const fired = await lea.call('POST', `/api/v1/submissions/${id}/transitions`, {
        transition,
        comment,
        expectedRevision: revision,
      });
      expect([transition, fired.status]).toEqual([transition, 200]);
    }
    const citizen = refs.get('Cercle d’Échecs')!.citizen;
    const csrf = citizen.cookie(web.base, 'csrf_token')!;
    const resubmitted = await citizen.request(`${web.base}/api/v1/submissions/${id}/transitions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ transition: 'resubmit' }),
    });
    expect(resubmitted.status).toBe(200);
    const corrected = await web.mail.waitFor(
      (m) => m.subject.includes(reference) && m.subject.startsWith('Demande corrigée'),
      20_000,
    );
    expect(corrected.subject).toBe(`Demande corrigée ${reference} — ${TITLE}`);
    expect(corrected.text).toContain('a corrigé la demande');
    expect(corrected.to).toContain('karim.haddad@mairie-de-demo.fr');
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Léa never chose: no email for each request.
    expect(web.mail.messages().filter((m) => m.to.includes('lea.fontaine@mairie-de-demo.fr'))).toEqual([]);

    const ds = web.stack.api.get(DataSource);
    const mailer = new Mailer({
      smtpUrl: `smtp://127.0.0.1:${web.mail.smtpPort}`,
      from: 'Guichet <t@guichet.localhost>',
    });
    try {
      await new Digests(ds, mailer, web.base, 0).sendDue(new Date(Date.now() + 60_000));
      const digest = await web.mail.waitFor((m) => m.to.includes('lea.fontaine@mairie-de-demo.fr'), 10_000);
      expect(digest.subject).toBe('Résumé quotidien de vos démarches');
      expect(digest.text).toContain(`${TITLE} : 8 demandes à traiter (dont 1 corrigée)`);
      // Karim chose instant emails: no digest for him.
      expect(web.mail.messages().filter((m) => m.to.includes('karim') && m.subject.startsWith('Résumé'))).toEqual([]);
    } finally {
      mailer.close();
    }
  });
});
