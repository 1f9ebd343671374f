import { execFileSync } from 'node:child_process';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { Digests, Mailer } from '@guichet/notify';
import { startMailCatcher, type CaughtMail, type MailCatcher } from '@guichet/mail-catcher';
import { DEFAULT_WORKFLOW, type WorkflowDefinition } from '@guichet/workflow';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { waitUntil } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { createTenant, type Tenant, publishService } from '../support/tenant';
import { WebhookReceiver } from '../support/webhook-receiver';

function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8');
}

/** The default workflow, plus routing by school and a "silence vaut accord" deadline of `after` in review. */
function workflow(after?: string): WorkflowDefinition {
  const copy = structuredClone(DEFAULT_WORKFLOW);
  copy.routing = {
    rules: [{ when: { eq: [{ field: '/parent/postalCode' }, '45100'] }, group: 'quartier-nord' }],
    defaultGroup: 'restauration',
  };
  if (after) {
    copy.transitions.push({
      name: 'silence_accept',
      label: 'Acceptation implicite',
      from: ['in_review'],
      to: 'accepted',
      by: ['system'],
    });
    copy.states.in_review!.deadline = { after, transition: 'silence_accept' };
  }
  return copy;
}

/**
 * The workflow over HTTP with the real worker: routing, caseworkers'
 * transitions, emails with PDFs, signed webhooks, deadlines.
 */
describe('workflow', () => {
  let stack: Stack;
  let designer: Tenant;
  let caseworker: string;
  let mail: MailCatcher;
  const receiver = new WebhookReceiver();

  const publish = async (slug: string, definition: unknown) => {
    await request(stack.url)
      .post('/api/v1/services')
      .set('Authorization', designer.auth)
      .send({ slug, title: `Cantine (${slug})`, organisationId: designer.organisationId, definition })
      .then((r) => expect([r.status, r.body.errors]).toEqual([201, undefined]));
    await request(stack.url).post(`/api/v1/services/${slug}/publish`).set('Authorization', designer.auth).expect(201);
  };

  beforeAll(async () => {
    mail = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
    const hookUrl = await receiver.start();
    stack = await startStack({
      backend: 'redis',
      env: {
        SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`,
        WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
        RETRY_DELAY_SCALE: '0.001',
      },
    });
    designer = await createTenant(stack);
    caseworker = `Bearer ${
      (
        await new ApiTokenService(stack.api.get(DataSource)).issue({
          organisationId: designer.organisationId,
          name: 'instruction',
          role: 'caseworker',
        })
      ).token
    }`;
    const withHooks = canteenDefinition();
    withHooks.workflow = workflow() as never;
    withHooks.settings.webhookUrl = hookUrl;
    await publish('cantine-circuit', withHooks);
    const silent = canteenDefinition();
    silent.workflow = workflow('PT3S') as never;
    await publish('cantine-silence', silent);
    const secret = await request(stack.url)
      .get('/api/v1/services/cantine-circuit/webhook')
      .set('Authorization', designer.auth);
    expect(secret.status).toBe(200);
    expect(secret.body.url).toBe(hookUrl);
    receiver.secret = secret.body.secret;
  });
  afterAll(async () => {
    await stack?.close();
    await mail?.close();
    await receiver.stop();
  });

  function citizen() {
    const client = new CookieClient();
    const call = async (method: string, path: string, body?: unknown) => {
      const csrf = client.cookie(stack.url, 'csrf_token');
      const response = await client.request(`${stack.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    };
    return { client, call };
  }

  async function submitted(slug: string, data = validCanteenData()) {
    const person = citizen();
    const draft = await person.call('POST', `/api/v1/public/services/${slug}/submissions`, { data });
    expect(draft.status).toBe(201);
    const done = await person.call('POST', `/api/v1/submissions/${draft.body.id}/submit`, {});
    expect(done.status).toBe(200);
    return { person, id: draft.body.id as string, reference: done.body.reference as string };
  }

  const fire = (id: string, body: Record<string, unknown>, auth = caseworker) =>
    request(stack.url).post(`/api/v1/submissions/${id}/transitions`).set('Authorization', auth).send(body);

  const mailTo = (reference: string, subjectPart: string): Promise<CaughtMail> =>
    mail.waitFor((m) => m.text.includes(reference) && m.subject.includes(subjectPart), 15_000);

  async function attachment(caught: CaughtMail, index: number): Promise<Buffer> {
    const response = await fetch(`http://127.0.0.1:${mail.httpPort}/messages/${caught.id}/attachments/${index}`);
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  }

  it('routes a request, emails the receipt, and emails a motivated decision with its PDF', async () => {
    const { person, id, reference } = await submitted('cantine-circuit');
    const receipt = await mailTo(reference, '');
    expect(receipt.to).toEqual(['marie.dubois@example.fr']);
    // RECEIPT_EMAIL=text (the default): the receipt's legal mentions in the email, the PDF from the request's page.
    expect(receipt.attachments).toEqual([]);
    expect(receipt.text).toContain(`ACCUSÉ DE RÉCEPTION\nCommune de test ${designer.slug} — Cantine (cantine-circuit)`);
    expect(receipt.text).toContain(`Référence : ${reference}`);
    expect(receipt.text).toMatch(/Reçue le : \d{1,2} \S+ \d{4} à \d{2}:\d{2}/);
    expect(receipt.text).toContain('Service chargé de votre demande');
    expect(receipt.text).toMatch(/faute de réponse dans un délai de deux mois, elle sera réputée acceptée le \d/);
    expect(receipt.text).not.toContain('Léo'); // the child's first name, an answer
    expect(receipt.text).toMatch(
      /se télécharge depuis le suivi de votre demande : http:\/\/\S+\/(suivi#|mes-demarches\/)/,
    );
    const receiptPdf = await person.client.request(`${stack.url}/api/v1/submissions/${id}/receipt.pdf`);
    expect(receiptPdf.status).toBe(200);
    expect(pdfText(Buffer.from(await receiptPdf.arrayBuffer()))).toContain('Accusé de réception');

    const dataSource = stack.api.get(DataSource);
    await waitUntil(
      'the worker',
      10_000,
      async () =>
        ((await dataSource.query('SELECT group_key FROM submission WHERE id = $1', [id]))[0].group_key as string) !==
        null,
    );
    const [{ group_key: group }] = await dataSource.query('SELECT group_key FROM submission WHERE id = $1', [id]);
    expect(group).toBe('restauration');

    const review = await fire(id, { transition: 'start_review' });
    expect(review.status).toBe(200);
    expect(review.body.status).toBe('in_review');
    const accepted = await fire(id, {
      transition: 'accept',
      comment: 'Inscription validée pour la rentrée.',
      expectedRevision: review.body.revision,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('accepted');

    // The decision email itself (its letter attached), not the receipt already caught above.
    const decision = await mail.waitFor(
      (m) =>
        m.id !== receipt.id &&
        m.text.includes(reference) &&
        m.attachments.some((a) => a.filename === `attestation-acceptation-${reference}.pdf`),
      15_000,
    );
    const letters = mail.messages().filter((m) => m.text.includes(reference) && m.id !== receipt.id);
    expect(letters).toHaveLength(1);
    const letter = letters[0]!;
    expect(letter.id).toBe(decision.id);
    expect(letter.attachments.map((a) => a.filename)).toEqual([`attestation-acceptation-${reference}.pdf`]);
    const text = pdfText(await attachment(letter, 0));
    expect(text).toContain('Attestation d’acceptation');
    expect(text).toContain('Inscription validée pour la rentrée.');
    expect(text).toContain(reference);

    const mine = await person.call('GET', `/api/v1/submissions/${id}`);
    expect(mine.body.status).toBe('accepted');
    expect(mine.body.statusLabel).toBe('Acceptée');
    expect(mine.body.history.map((h: { toStatus: string }) => h.toStatus)).toEqual([
      'draft',
      'submitted',
      'in_review',
      'accepted',
    ]);
    expect(mine.body.history.at(-1).comment).toBe('Inscription validée pour la rentrée.');
    // The routing is the caseworkers' business: the citizen's history does not show it.
    expect(mine.body.history.map((h: { type: string }) => h.type)).not.toContain('routed');
    expect(mine.body.documents).toEqual([expect.objectContaining({ kind: 'acceptance' })]);
    const pdf = await person.client.request(
      `${stack.url}/api/v1/submissions/${id}/documents/${mine.body.documents[0].id}`,
    );
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      (await citizen().client.request(`${stack.url}/api/v1/submissions/${id}/documents/${mine.body.documents[0].id}`))
        .status,
    ).toBe(404);

    // The caseworker sees everything, internal events included; nobody else sees it.
    const file = await request(stack.url)
      .get(`/api/v1/services/cantine-circuit/submissions/${id}`)
      .set('Authorization', caseworker);
    expect(file.status).toBe(200);
    expect(file.body).toMatchObject({ status: 'accepted', group: 'restauration', actions: [], reference });
    expect(file.body.history.find((h: { type: string }) => h.type === 'routed')).toMatchObject({
      visibility: 'internal',
      actor: 'system',
    });
    // The last two: the decision, then this very read (every read by an agent is recorded).
    expect(file.body.history.at(-2)).toMatchObject({ transition: 'accept', actor: expect.stringMatching(/^token:/) });
    expect(file.body.history.at(-1)).toMatchObject({ type: 'consulted', visibility: 'internal' });
    const stranger = await createTenant(stack, 'caseworker');
    for (const auth of [stranger.auth, designer.auth]) {
      const hidden = await request(stack.url)
        .get(`/api/v1/services/cantine-circuit/submissions/${id}`)
        .set('Authorization', auth);
      expect(hidden.status).toBe(404);
    }
    expect((await person.call('GET', `/api/v1/services/cantine-circuit/submissions/${id}`)).status).toBe(401);

    // Signed webhooks, one per status change, each verified with the service's secret.
    await waitUntil(
      'the worker',
      15_000,
      async () => receiver.accepted().filter((r) => r.body.data.submissionId === id).length >= 3,
    );
    const hooks = receiver.accepted().filter((r) => r.body.data.submissionId === id);
    expect(hooks.map((h) => h.body.data.to)).toEqual(expect.arrayContaining(['submitted', 'in_review', 'accepted']));
    expect(hooks).toHaveLength(3);
    expect(hooks.every((h) => h.verified)).toBe(true);
    expect(new Set(hooks.map((h) => h.id)).size).toBe(3);
    expect(hooks[0]!.body).toMatchObject({
      type: 'submission.status_changed',
      data: { reference, service: 'cantine-circuit', organisation: designer.slug },
    });
    expect(JSON.stringify(hooks)).not.toContain('Dubois');
  });

  it('lets the citizen correct and resubmit after a request for changes, and refuses bad transitions clearly', async () => {
    const { person, id, reference } = await submitted('cantine-circuit', {
      ...validCanteenData(),
      parent: { ...(validCanteenData().parent as object), postalCode: '45100' },
    });
    await waitUntil(
      'the worker',
      10_000,
      async () =>
        (await stack.api.get(DataSource).query('SELECT group_key FROM submission WHERE id = $1', [id]))[0].group_key ===
        'quartier-nord',
    );
    await fire(id, { transition: 'start_review' }).expect(200);

    const noComment = await fire(id, { transition: 'request_changes' });
    expect(noComment.status).toBe(422);
    expect(noComment.body).toMatchObject({ code: 'COMMENT_REQUIRED', errors: [{ pointer: '/comment' }] });
    const blank = await fire(id, { transition: 'reject', comment: '   ' });
    expect(blank.body.code).toBe('COMMENT_REQUIRED');
    const stale = await fire(id, { transition: 'accept', expectedRevision: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('CONFLICT');
    const stalerHeader = await request(stack.url)
      .post(`/api/v1/submissions/${id}/transitions`)
      .set('Authorization', caseworker)
      .set('If-Match', '"1"')
      .send({ transition: 'accept' });
    expect(stalerHeader.status).toBe(409);
    for (const transition of ['unknown_step', 'constructor', 'valueof']) {
      const unknown = await fire(id, { transition });
      expect(unknown.status).toBe(422);
      expect(unknown.body.code).toBe('TRANSITION_UNKNOWN');
    }
    for (const body of [
      { transition: '../../x' },
      { transition: '__proto__' },
      { transition: 'toString' },
      { transition: 'accept', comment: 42 },
      { transition: 'accept', comment: 'x'.repeat(5001) },
      { transition: ['accept'] },
      {},
    ]) {
      const malformed = await fire(id, body);
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('INVALID_REQUEST');
    }
    const notNow = await fire(id, { transition: 'resubmit' });
    expect(notNow.status).toBe(409);
    expect(notNow.body.code).toBe('TRANSITION_NOT_AVAILABLE');
    const citizenAccepts = await person.call('POST', `/api/v1/submissions/${id}/transitions`, { transition: 'accept' });
    expect(citizenAccepts.status).toBe(403);
    expect(citizenAccepts.body.code).toBe('TRANSITION_FORBIDDEN');
    const stranger = await createTenant(stack, 'caseworker');
    expect((await fire(id, { transition: 'accept' }, stranger.auth)).status).toBe(404);
    expect((await fire('not-a-uuid', { transition: 'accept' })).status).toBe(404);

    // A caseworker writes to the citizen: shown in their request, and announced by email without its text.
    const written = await request(stack.url)
      .post(`/api/v1/submissions/${id}/messages`)
      .set('Authorization', caseworker)
      .send({ body: 'Bonjour, pouvez-vous confirmer l’école ?' });
    expect(written.status).toBe(201);
    const announced = await mail.waitFor(
      (m) => m.text.includes(reference) && m.subject.includes('nouveau message'),
      15_000,
    );
    expect(announced.text).not.toContain('confirmer l’école');
    const withMessage = await person.call('GET', `/api/v1/submissions/${id}`);
    expect(withMessage.body.messages).toEqual([
      expect.objectContaining({ from: 'caseworker', body: 'Bonjour, pouvez-vous confirmer l’école ?' }),
    ]);
    const refusedMessage = await request(stack.url)
      .post(`/api/v1/submissions/${id}/messages`)
      .set('Authorization', stranger.auth)
      .send({ body: 'Intrusion' });
    expect(refusedMessage.status).toBe(404);

    const asked = await fire(id, {
      transition: 'request_changes',
      comment: 'Merci de préciser le repas de substitution.',
    });
    expect(asked.status).toBe(200);
    // The request-for-changes email, carrying the caseworker's words: not the receipt nor the message notice.
    const askedMail = await mail.waitFor(
      (m) => m.text.includes(reference) && m.text.includes('Merci de préciser le repas de substitution.'),
      15_000,
    );
    expect(askedMail.id).not.toBe(announced.id);

    const view = await person.call('GET', `/api/v1/submissions/${id}`);
    expect(view.body.status).toBe('changes_requested');
    expect(view.body.actions).toEqual([expect.objectContaining({ transition: 'resubmit', to: 'submitted' })]);
    expect(view.body.history.at(-1).comment).toBe('Merci de préciser le repas de substitution.');

    // Invalid answers cannot be sent back; corrected ones can.
    const broken = await person.call('PATCH', `/api/v1/submissions/${id}`, {
      data: { ...validCanteenData(), children: [] },
    });
    expect(broken.status).toBe(200);
    const refused = await person.call('POST', `/api/v1/submissions/${id}/transitions`, { transition: 'resubmit' });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('SUBMISSION_INVALID');
    const fixed = await person.call('PATCH', `/api/v1/submissions/${id}`, {
      data: {
        ...validCanteenData(),
        parent: { ...(validCanteenData().parent as object), postalCode: '45100' },
        children: [{ firstName: 'Inès', school: 'louise-michel', eatsPork: false, substitute: 'poisson' }],
      },
    });
    expect(fixed.status).toBe(200);
    const resubmitted = await person.call('POST', `/api/v1/submissions/${id}/transitions`, { transition: 'resubmit' });
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body.status).toBe('submitted');
    const late = await person.call('PATCH', `/api/v1/submissions/${id}`, { data: validCanteenData() });
    expect(late.status).toBe(409);
  });

  it('accepts by silence when the deadline passes, and restarts the deadline after a request for changes', async () => {
    const silent = await submitted('cantine-silence');
    await fire(silent.id, { transition: 'start_review' }).expect(200);

    const interrupted = await submitted('cantine-silence');
    await fire(interrupted.id, { transition: 'start_review' }).expect(200);
    await fire(interrupted.id, { transition: 'request_changes', comment: 'Pièce manquante.' }).expect(200);

    const status = async (person: ReturnType<typeof citizen>, id: string) =>
      (await person.call('GET', `/api/v1/submissions/${id}`)).body as {
        status: string;
        history: Array<{ toStatus: string }>;
      };
    await waitUntil('the worker', 20_000, async () => (await status(silent.person, silent.id)).status === 'accepted');
    const accepted = await status(silent.person, silent.id);
    expect(accepted.history.at(-1)).toMatchObject({ toStatus: 'accepted' });
    const letter = await mail.waitFor(
      (m) => m.text.includes(silent.reference) && m.attachments.some((a) => a.filename.startsWith('attestation')),
      15_000,
    );
    expect(pdfText(await attachment(letter, 0))).toContain('le silence gardé vaut accord');

    // The deadline set when the other request entered review was void once it left review.
    expect((await status(interrupted.person, interrupted.id)).status).toBe('changes_requested');
    await interrupted.person.call('POST', `/api/v1/submissions/${interrupted.id}/transitions`, {
      transition: 'resubmit',
    });
    const restarted = Date.now();
    await fire(interrupted.id, { transition: 'start_review' }).expect(200);
    await waitUntil(
      'the worker',
      20_000,
      async () => (await status(interrupted.person, interrupted.id)).status === 'accepted',
    );
    // A full period again from the new entry into review, not what was left of the first one.
    expect(Date.now() - restarted).toBeGreaterThanOrEqual(2900);
  });

  it('delivers a webhook to a receiver that fails three times, once it succeeds, with the same id and a valid signature', async () => {
    receiver.failFirst = 3;
    try {
      const { id } = await submitted('cantine-circuit');
      await waitUntil('the worker', 20_000, async () =>
        receiver.accepted().some((r) => r.body.data.submissionId === id),
      );
      const attempts = receiver.received.filter((r) => r.body.data.submissionId === id);
      expect(attempts.map((a) => a.answered)).toEqual([500, 500, 500, 204]);
      expect(new Set(attempts.map((a) => a.id)).size).toBe(1);
      expect(attempts.every((a) => a.verified)).toBe(true);
      // Recorded once the worker has the receiver's answer, by the statement that also marks the job's outbox row
      // done (it may wait for that row's lock): after the receiver answered, not at the same moment.
      const delivery = await waitUntil('the delivery recorded', 20_000, async () => {
        const [row] = (await stack.api
          .get(DataSource)
          .query(`SELECT status, attempts FROM delivery WHERE submission_id = $1 AND channel = 'webhook'`, [
            id,
          ])) as Array<{ status: string; attempts: number }>;
        return row?.status === 'sent' ? row : undefined;
      });
      expect(delivery).toEqual({ status: 'sent', attempts: 4 });
    } finally {
      receiver.failFirst = 0;
    }
  });

  it('tells caseworkers of new requests and replies, at once or in a daily digest, as each chose', async () => {
    const agents = await createTenant(stack);
    const dataSource = stack.api.get(DataSource);
    await dataSource.query(
      `INSERT INTO agent_membership (organisation_id, email, role) VALUES ($1, 'lea@mairie.fr', 'caseworker'),
         ($1, 'karim@mairie.fr', 'caseworker'), ($1, 'claire@mairie.fr', 'designer'), ($1, 'sam@mairie.fr', 'caseworker')`,
      [agents.organisationId],
    );
    // Léa asked for an email each time, Karim for the digest; Sam chose nothing, which is the digest too.
    await dataSource.query(
      `INSERT INTO agent_preference (email, notify) VALUES ('lea@mairie.fr', 'instant'), ('karim@mairie.fr', 'digest')`,
    );
    // Nadia works on another service of the organisation only.
    await dataSource.query(
      `INSERT INTO agent_membership (organisation_id, email, role, service_id) VALUES ($1, 'nadia@mairie.fr', 'caseworker', gen_random_uuid())`,
      [agents.organisationId],
    );
    await publishService(stack.url, agents, {
      slug: 'cantine-agents',
      title: 'Cantine des agents',
      definition: canteenDefinition(),
    });
    const { person, id, reference } = await submitted('cantine-agents');
    const instant = await mail.waitFor((m) => m.to.includes('lea@mairie.fr') && m.subject.includes(reference), 15_000);
    expect(instant.subject).toBe(`Nouvelle demande ${reference} — Cantine des agents`);
    expect(instant.text).toContain(`/instruction/cantine-agents/${id}`);
    expect(instant.text).not.toContain('Dubois');
    await person.call('POST', `/api/v1/submissions/${id}/messages`, { body: 'Une précision.' });
    await mail.waitFor((m) => m.to.includes('lea@mairie.fr') && m.subject.startsWith('Réponse de l’usager'), 15_000);
    // Karim chose the digest, Sam chose nothing, Claire designs, Nadia works on another service: no instant email.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      mail
        .messages()
        .filter((m) =>
          ['karim@mairie.fr', 'sam@mairie.fr', 'claire@mairie.fr', 'nadia@mairie.fr'].some((a) => m.to.includes(a)),
        ),
    ).toEqual([]);

    const mailer = new Mailer({
      smtpUrl: `smtp://127.0.0.1:${mail.smtpPort}`,
      from: 'Guichet <test@guichet.localhost>',
    });
    try {
      const digests = new Digests(dataSource, mailer, 'http://localhost:3000', 0);
      const later = new Date(Date.now() + 60_000);
      expect(await digests.sendDue(later)).toBe(2);
      expect(await digests.sendDue(later)).toBe(0);
      for (const agent of ['karim@mairie.fr', 'sam@mairie.fr']) {
        const digest = await mail.waitFor((m) => m.to.includes(agent), 10_000);
        expect(digest.subject).toBe('Résumé quotidien de vos démarches');
        expect(digest.text).toContain('Cantine des agents : 1 demande à traiter, 1 réponse d’usagers');
      }
    } finally {
      mailer.close();
    }
    // Preferences belong to agents signed in with their professional email, not to integrations.
    expect((await request(stack.url).get('/api/v1/me/preferences').set('Authorization', caseworker)).status).toBe(403);
  });

  it('shows admins the queues and the outbox, and no one else', async () => {
    const admin = await createTenant(stack, 'admin');
    const json = await request(stack.url).get('/api/v1/admin/queues').set('Authorization', admin.auth);
    expect(json.status).toBe(200);
    expect(json.body.queues.map((q: { name: string }) => q.name)).toEqual(
      expect.arrayContaining(['notify', 'webhook', 'document', 'deadline', 'route']),
    );
    expect(json.body.outbox).toEqual({ waitingRelay: expect.any(Number), unfinished: expect.any(Number), failed: 0 });
    const html = await request(stack.url).get('/admin/queues').set('Authorization', admin.auth);
    expect(html.status).toBe(200);
    expect(html.text).toContain('<caption>Travaux par file et par état</caption>');
    expect((await request(stack.url).get('/api/v1/admin/queues').set('Authorization', caseworker)).status).toBe(403);
    expect((await request(stack.url).get('/admin/queues')).status).toBe(401);
    const metrics = await request(stack.url).get('/metrics');
    expect(metrics.text).toMatch(/guichet_queue_jobs\{queue="notify",state="completed"\} \d+/);
    expect(metrics.text).toMatch(/guichet_outbox_rows\{state="failed"\} 0/);
  });
});
