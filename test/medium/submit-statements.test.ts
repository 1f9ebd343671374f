import { AgentMembership, AgentPreference, FormVersion } from '@guichet/persistence';
import { SubmissionRepository, applyDecision, intakeRules, intakeRulesSql, toIntakeRules } from '@guichet/submissions';
import { DEFAULT_WORKFLOW, decide } from '@guichet/workflow';
import { withTestDataSource } from '../support/database';
import { canteenDefinition } from '../fixtures/canteen';
import { seedCanteenService, seedRequest } from '../support/seed';

/**
 * The submit's statements folded together (issue 22): the intake rules read in the locked read, as `intakeRules`
 * reads them on its own; the decision's UPDATE, its events and its outbox rows in one statement, writing the rows
 * the three statements wrote.
 */
describe('the submit’s statements', () => {
  const { dataSource: ds } = withTestDataSource();
  const repository = new SubmissionRepository();

  const owner = { anonymousOwner: 'a'.repeat(64) };
  const rulesAlong = intakeRulesSql('submission."service_id"');

  type Seeded = Awaited<ReturnType<typeof seedCanteenService>>;
  /** A second version with these settings, latest from now on (a published version never changes). */
  const settings =
    (extra: Record<string, unknown>) =>
    async ({ org, service }: Seeded) => {
      const definition = canteenDefinition();
      definition.settings = { ...definition.settings, ...extra };
      await ds.getRepository(FormVersion).save({
        organisationId: org.id,
        serviceId: service.id,
        number: 2,
        definition: definition as never,
        contentHash: 'f'.repeat(64),
        publishedBy: 'test',
      });
      await ds.query('UPDATE service SET latest_version = 2 WHERE id = $1', [service.id]);
    };
  const service =
    (set: string) =>
    async ({ service }: Seeded) => {
      await ds.query(`UPDATE service SET ${set} WHERE id = $1`, [service.id]);
    };

  it.each([
    ['published, no settings', service(`status = 'published'`), { status: 'published', closesAt: null }],
    ['closed', service(`status = 'closed'`), { status: 'closed' }],
    [
      'a closing date and a limit',
      settings({ closesAt: '2030-01-01T00:00:00Z', maxSubmissionsPerUser: 2 }),
      { closesAt: '2030-01-01T00:00:00Z', maxSubmissionsPerUser: 2 },
    ],
    ['a limit that is no integer', settings({ maxSubmissionsPerUser: 2.5 }), { maxSubmissionsPerUser: null }],
    ['no published version', service('latest_version = NULL'), { closesAt: null, maxSubmissionsPerUser: null }],
  ])('reads the intake rules with the locked request as intakeRules does: %s', async (name, change, expected) => {
    const seeded = await seedCanteenService(ds, `rules-${name.replace(/\W+/g, '-')}`);
    const request = await seedRequest(ds, seeded);
    await change(seeded);
    const alone = await intakeRules(ds.manager, seeded.service.id);
    expect(alone).toMatchObject(expected);
    await ds.transaction(async (manager) => {
      const read = await repository.lockedOwnedWith(manager, request.id, owner, rulesAlong);
      expect(read?.submission).toEqual(await repository.ownedBy(manager, request.id, owner, true));
      expect(toIntakeRules(read!.also as never)).toEqual(alone);
    });
  });

  it('says « introuvable » without a service, and nothing for another owner or a follow link', async () => {
    expect(() => toIntakeRules(null)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    const seeded = await seedCanteenService(ds, 'rules-owners');
    const request = await seedRequest(ds, seeded);
    await ds.transaction(async (manager) => {
      expect(
        await repository.lockedOwnedWith(manager, request.id, { anonymousOwner: 'b'.repeat(64) }, rulesAlong),
      ).toBeNull();
      expect(await repository.lockedOwnedWith(manager, request.id, { id: request.id }, rulesAlong)).toBeUndefined();
    });
  });

  /** What a decision wrote besides the request's columns: its events and its outbox rows, ids left out. */
  const written = async (id: string) => ({
    events: await ds.query(
      `SELECT actor, type, transition, from_status, to_status, comment, visibility
         FROM submission_event WHERE submission_id = $1 ORDER BY at`,
      [id],
    ),
    outbox: (
      (await ds.query(
        `SELECT topic, payload, run_at FROM outbox WHERE payload ->> 'submissionId' = $1 ORDER BY created_at, topic`,
        [id],
      )) as Array<{ topic: string; payload: Record<string, unknown>; run_at: Date | null }>
    ).map(({ payload, ...row }) => ({ ...row, payload: { ...payload, eventId: typeof payload.eventId } })),
  });

  it.each([false, true])(
    'writes the decision’s events and outbox rows in one statement (an agent asked for instant emails: %s)',
    async (instant) => {
      const seeded = await seedCanteenService(ds, `decision-rows-${instant}`);
      if (instant) {
        await ds
          .getRepository(AgentMembership)
          .save({ organisationId: seeded.org.id, email: 'vite@agents.test', role: 'caseworker' });
        await ds.getRepository(AgentPreference).save({ email: 'vite@agents.test', notify: 'instant' });
      }
      const request = await seedRequest(ds, seeded, { contactEmail: 'lea@example.fr' } as never);
      const decision = decide(DEFAULT_WORKFLOW, {
        status: 'draft',
        transition: 'submit',
        actor: 'citizen',
        now: new Date(),
      });
      if (!decision.ok) throw new Error(decision.code);
      decision.deadline = { dueAt: new Date('2030-01-01T00:00:00Z'), transition: 'expire' };
      const statements: string[] = [];
      const result = await ds.transaction(async (manager) => {
        const query = manager.query.bind(manager);
        manager.query = ((sql: string, values?: unknown[]) => (statements.push(sql), query(sql, values))) as never;
        return applyDecision(manager, request, seeded.version.definition as never, decision, 'anonymous', null);
      });
      expect(statements).toHaveLength(1);
      expect(result.revision).toBe(request.revision + 1);
      const payload = { submissionId: request.id, eventId: 'string' };
      expect(await written(request.id)).toEqual({
        events: [
          {
            actor: 'anonymous',
            type: 'submitted',
            transition: 'submit',
            from_status: 'draft',
            to_status: 'submitted',
            comment: null,
            visibility: 'public',
          },
          {
            actor: 'system',
            type: 'routed',
            transition: null,
            from_status: null,
            to_status: null,
            comment: expect.stringContaining('Groupe') as string,
            visibility: 'internal',
          },
        ],
        outbox: [
          {
            topic: 'deadline.fire',
            payload: { ...payload, transition: 'expire' },
            run_at: new Date('2030-01-01T00:00:00Z'),
          },
          ...(instant ? [{ topic: 'notify.agents', payload: { ...payload, kind: 'new_request' }, run_at: null }] : []),
          { topic: 'notify.email', payload: { ...payload, template: 'submission_received' }, run_at: null },
        ],
      });
    },
  );
});
