import { AgentMembership, AgentPreference, Delivery, OutboxRow, Service, SubmissionEvent } from '@guichet/persistence';
import { organisationId } from '@guichet/shared';
import { DigestRepository, NotificationRepository, webhookSecretOf } from '@guichet/notify';
import { cancelWhileWaitingOnOutboxRow, withTestDataSource } from '../support/database';
import { seedCanteenService, seedRequest } from '../support/seed';

/**
 * The emails', webhooks' and digests' statements against the real
 * PostgreSQL: a request's deliveries, agents and webhook secret are found
 * and changed within its organisation only; another organisation's id finds
 * and changes nothing.
 */
describe('NotificationRepository and DigestRepository', () => {
  const { dataSource: ds, db } = withTestDataSource();

  async function submitted(slug: string) {
    const seeded = await seedCanteenService(ds, slug);
    const request = await seedRequest(ds, seeded, {
      status: 'submitted',
      reference: `GCH-${slug.slice(0, 4).toUpperCase()}-0001`,
      submittedAt: new Date(),
      contactEmail: 'marie@example.org',
    });
    const event = await ds.getRepository(SubmissionEvent).save({
      organisationId: seeded.org.id,
      submissionId: request.id,
      actor: 'owner',
      type: 'submitted',
      transition: 'submit',
      fromStatus: 'draft',
      toStatus: 'submitted',
      comment: null,
      visibility: 'public',
    });
    return { seeded, request, event, org: organisationId(seeded.org.id) };
  }

  it('loads a request by its ids and records its deliveries within its organisation only', async () => {
    const { seeded, request, event, org } = await submitted('notif');
    const other = organisationId((await seedCanteenService(ds, 'notif-other')).org.id);
    const repository = new NotificationRepository(ds);
    const key = `email:${request.id}`;

    const row = await repository.loadInAnyOrganisation(request.id, event.id, key);
    expect(row).toMatchObject({
      id: request.id,
      organisation_id: org,
      service_slug: seeded.service.slug,
      event_id: event.id,
      delivery_status: null,
    });
    expect(await repository.loadInAnyOrganisation(request.id, event.id, null)).toMatchObject({ event_id: event.id });

    await repository.begin(other, {
      key: 'email:elsewhere',
      submissionId: request.id,
      channel: 'email',
      messageId: 'x',
    });
    await repository.begin(org, { key, submissionId: request.id, channel: 'email', messageId: '<m@x>' });
    await repository.begin(org, { key, submissionId: request.id, channel: 'email', messageId: '<m@x>' });
    await repository.failed(other, key, 'not theirs');
    await repository.finish(other, key);
    expect(await repository.sent(org, key)).toBe(false);
    expect(await repository.sentInAnyOrganisation(key)).toBe(false);
    await repository.failed(org, key, 'x'.repeat(400));
    expect(await ds.getRepository(Delivery).findOneByOrFail({ key })).toMatchObject({
      organisationId: org,
      status: 'sending',
      attempts: 2,
      lastError: 'x'.repeat(300),
    });
    await repository.finish(org, key);
    expect(await repository.sent(org, key)).toBe(true);
    expect(await repository.sent(other, key)).toBe(false);
    expect(await repository.sentInAnyOrganisation(key)).toBe(true);
    expect(await ds.getRepository(Delivery).findOneByOrFail({ key })).toMatchObject({
      status: 'sent',
      lastError: null,
    });
    expect((await repository.loadInAnyOrganisation(request.id, event.id, key))?.delivery_status).toBe('sent');
  });

  /** An outbox row of this organisation, as the submit writes the receipt's. */
  async function outboxRow(org: string, submissionId: string, eventId: string): Promise<string> {
    const [{ id }] = (await ds.query(
      `INSERT INTO outbox (organisation_id, topic, payload, relayed_at) VALUES ($1, 'notify.email', $2, now()) RETURNING id`,
      [org, JSON.stringify({ submissionId, eventId, template: 'recu' })],
    )) as [{ id: string }];
    return id;
  }

  it('records an email begun in the statement that loads its request, and only when there is one to send', async () => {
    const { request, event, org } = await submitted('begin');
    const repository = new NotificationRepository(ds);
    const key = `email:${request.id}`;
    const delivery = () => ds.getRepository(Delivery).findOneBy({ key });

    const row = await repository.loadAndBeginEmailInAnyOrganisation(request.id, event.id, { key, messageId: '<b@x>' });
    // The row read is the one before the insert: not begun yet, as `loadInAnyOrganisation` reads it.
    expect(row).toMatchObject({ id: request.id, organisation_id: org, event_id: event.id, delivery_status: null });
    expect(await delivery()).toMatchObject({
      organisationId: org,
      submissionId: request.id,
      channel: 'email',
      status: 'sending',
      attempts: 1,
      messageId: '<b@x>',
    });
    // A job run again: one more attempt, as `begin` counts it.
    expect(
      (await repository.loadAndBeginEmailInAnyOrganisation(request.id, event.id, { key, messageId: '<b@x>' }))
        ?.delivery_status,
    ).toBe('sending');
    expect(await delivery()).toMatchObject({ status: 'sending', attempts: 2 });
    await repository.finish(org, key);
    // Sent: read as sent, left as it is.
    expect(
      (await repository.loadAndBeginEmailInAnyOrganisation(request.id, event.id, { key, messageId: '<b@x>' }))
        ?.delivery_status,
    ).toBe('sent');
    expect(await delivery()).toMatchObject({ status: 'sent', attempts: 2 });

    // Nothing to send, nothing recorded: the event is not this request's, or the request has no address.
    const unknownEvent = 'email:no-event';
    expect(
      await repository.loadAndBeginEmailInAnyOrganisation(request.id, request.id, {
        key: unknownEvent,
        messageId: '<n@x>',
      }),
    ).toMatchObject({ event_id: null });
    expect(await ds.getRepository(Delivery).findOneBy({ key: unknownEvent })).toBeNull();
    await ds.query(`UPDATE submission SET contact_email = NULL WHERE id = $1`, [request.id]);
    const noAddress = 'email:no-address';
    expect(
      await repository.loadAndBeginEmailInAnyOrganisation(request.id, event.id, { key: noAddress, messageId: '<a@x>' }),
    ).toMatchObject({ contact_email: null });
    expect(await ds.getRepository(Delivery).findOneBy({ key: noAddress })).toBeNull();
    expect(
      await repository.loadAndBeginEmailInAnyOrganisation(event.id, event.id, {
        key: 'email:none',
        messageId: '<z@x>',
      }),
    ).toBeUndefined();
    expect(await ds.getRepository(Delivery).findOneBy({ key: 'email:none' })).toBeNull();
  });

  it('marks a delivery sent and its outbox row done in one statement: both, or neither when it is cut short', async () => {
    const { request, event, org } = await submitted('finish');
    const other = organisationId((await seedCanteenService(ds, 'finish-other')).org.id);
    const repository = new NotificationRepository(ds);
    const key = `email:${request.id}`;
    const outboxId = await outboxRow(org, request.id, event.id);
    await repository.loadAndBeginEmailInAnyOrganisation(request.id, event.id, { key, messageId: '<f@x>' });
    const state = async () => ({
      delivery: (await ds.getRepository(Delivery).findOneByOrFail({ key })).status,
      done: (await ds.getRepository(OutboxRow).findOneByOrFail({ id: outboxId })).doneAt !== null,
    });

    // Another organisation's id changes neither.
    await repository.finish(other, key, outboxId);
    expect(await state()).toEqual({ delivery: 'sending', done: false });

    // The statement cut short in the middle (cancelled while it waits for the outbox row's lock, as a worker dying
    // there would leave it): neither is written, so the job run again sends with the same Message-ID, as before.
    await cancelWhileWaitingOnOutboxRow(ds, db.url, outboxId, () => repository.finish(org, key, outboxId));
    expect(await state()).toEqual({ delivery: 'sending', done: false });

    await repository.finish(org, key, outboxId);
    expect(await state()).toEqual({ delivery: 'sent', done: true });
  });

  it('finds the agents who asked for instant emails within the request’s organisation only', async () => {
    const { seeded, request, org } = await submitted('agents');
    const other = await seedCanteenService(ds, 'agents-other');
    const repository = new NotificationRepository(ds);
    expect(await repository.instantAgentInAnyOrganisation(request.id)).toBe(false);

    await ds.getRepository(AgentMembership).save([
      { organisationId: other.org.id, email: 'ailleurs@agents.test', role: 'caseworker' },
      { organisationId: seeded.org.id, email: 'digest@agents.test', role: 'caseworker' },
    ]);
    await ds.getRepository(AgentPreference).save({ email: 'ailleurs@agents.test', notify: 'instant' });
    expect(await repository.instantAgentInAnyOrganisation(request.id)).toBe(false);

    await ds.getRepository(AgentMembership).save([
      { organisationId: seeded.org.id, email: 'vite@agents.test', role: 'caseworker' },
      { organisationId: seeded.org.id, email: 'groupe@agents.test', role: 'caseworker', groupKey: 'nord' },
    ]);
    await ds.getRepository(AgentPreference).save([
      { email: 'vite@agents.test', notify: 'instant' },
      { email: 'groupe@agents.test', notify: 'instant' },
    ]);
    expect(await repository.instantAgentInAnyOrganisation(request.id)).toBe(true);
    expect(await repository.instantRecipients(org, seeded.service.id, null)).toEqual(['vite@agents.test']);
    expect(await repository.instantRecipients(org, seeded.service.id, 'nord')).toEqual([
      'groupe@agents.test',
      'vite@agents.test',
    ]);
    // Another organisation's id finds that organisation's agents, never this one's.
    expect(await repository.instantRecipients(organisationId(other.org.id), seeded.service.id, null)).toEqual([
      'ailleurs@agents.test',
    ]);
  });

  it('makes and rotates a service’s webhook secret within its organisation only', async () => {
    const { seeded, org } = await submitted('secret');
    const other = organisationId((await seedCanteenService(ds, 'secret-other')).org.id);
    const repository = new NotificationRepository(ds);
    await expect(repository.serviceBySlug(other, seeded.service.slug)).rejects.toThrow();
    const service = await repository.serviceBySlug(org, seeded.service.slug);
    expect(service.webhookSecret).toBeNull();

    await repository.writeWebhookSecret(other, service.id, 'whsec_other', true);
    await expect(repository.webhookSecret(other, service.id)).rejects.toThrow();
    expect(await repository.webhookSecret(org, service.id)).toBeNull();

    const made = await webhookSecretOf(repository, org, service);
    expect(made).toMatch(/^whsec_/);
    expect(await webhookSecretOf(repository, org, service)).toBe(made);
    expect(await webhookSecretOf(repository, org, { id: service.id, webhookSecret: made })).toBe(made);
    const rotated = await webhookSecretOf(repository, org, { id: service.id, webhookSecret: made }, true);
    expect(rotated).not.toBe(made);
    expect((await ds.getRepository(Service).findOneByOrFail({ id: service.id })).webhookSecret).toBe(rotated);
  });

  it('claims an agent’s digest once and lists only the agent’s organisations', async () => {
    const mine = await submitted('resume');
    const theirs = await submitted('autre');
    const email = 'resume@agents.test';
    await ds.getRepository(AgentMembership).save({ organisationId: mine.seeded.org.id, email, role: 'caseworker' });
    const repository = new DigestRepository(ds);
    const now = new Date(Date.now() + 60_000);

    expect((await repository.dueInAnyOrganisation(now)).filter((a) => a.email === email)).toEqual([
      { email, digest_sent_at: null },
    ]);
    expect(await repository.linesInAnyOrganisation(email, new Date(0), now)).toEqual([
      { title: 'Cantine', slug: mine.seeded.service.slug, requests: 1, corrected: 0, replies: 0 },
    ]);
    expect(theirs.seeded.service.slug).not.toBe(mine.seeded.service.slug);

    expect(await repository.claimNew(email, now)).toBe(true);
    expect(await repository.claimNew(email, now)).toBe(false);
    expect(await repository.claim(email, new Date(now.getTime() + 1), null)).toBe(false);
    expect(await repository.claim(email, new Date(now.getTime() + 1), now)).toBe(true);
    expect(await repository.claim(email, new Date(now.getTime() + 2), now)).toBe(false);
    await repository.release(email, null);
    expect((await ds.getRepository(AgentPreference).findOneByOrFail({ email })).digestSentAt).toBeNull();
  });
});
