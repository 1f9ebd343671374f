import { AppError, organisationId } from '@guichet/shared';
import type { DeskActor, Located } from '../access';
import type { DeskRepository } from '../desk-repository';
import { AddNote } from './add-note';
import { AssignSubmission } from './assign-submission';
import type { DeskDeps } from './deps';
import { FollowSubmission } from './follow-submission';
import { SendMessage } from './send-message';

const ORG = organisationId('0b6f3c1e-2d4a-4f8e-9a7b-1c2d3e4f5a6b');
const ID = '5d1e8f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a';
const AGENT = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
const actor: DeskActor = { id: 'account:me', organisationIds: [ORG], grants: [] };
const located: Located = {
  id: ID,
  organisationId: ORG,
  serviceId: 'service',
  slug: 'cantine',
  status: 'in_review',
  groupKey: null,
  contactEmail: 'usager@example.org',
  scope: { groups: null, readOnly: false },
};

/** Replaced dependencies: `locate` answers `located`, each repository call is recorded with its arguments. */
function fakes(overrides: Partial<Record<keyof DeskRepository, (...args: unknown[]) => unknown>> = {}) {
  const calls: Array<[string, ...unknown[]]> = [];
  const locate = jest.fn(async () => located);
  const repository = new Proxy({} as DeskRepository, {
    get: (_target, name: string) =>
      name === 'transaction'
        ? (work: (r: DeskRepository) => Promise<unknown>) => work(repository)
        : (...args: unknown[]) => {
            calls.push([name, ...args]);
            const override = overrides[name as keyof DeskRepository];
            if (override) return Promise.resolve(override(...args));
            return Promise.resolve(
              name === 'addNote' || name === 'addMessage'
                ? { id: 'row', createdAt: new Date(0), ...(args[1] as object) }
                : undefined,
            );
          },
  });
  const deps: Pick<DeskDeps, 'access' | 'repository'> = { access: { locate }, repository };
  return { deps, calls, locate };
}

describe('the desk use cases', () => {
  it('give every repository call the organisation that locate found, first', async () => {
    const { deps, calls } = fakes({ awaitingReplySinceForUpdate: () => null });
    await new AddNote(deps).execute(ID, actor, ' une note ');
    await new SendMessage(deps).execute(ID, actor, 'un message', { awaitingReply: true });
    await new FollowSubmission(deps).execute(ID, actor, true);
    await new FollowSubmission(deps).execute(ID, actor, false);
    expect(calls.map(([name]) => name)).toEqual([
      'addNote',
      'addEvent',
      'addMessage',
      'awaitingReplySinceForUpdate',
      'setAwaitingReplySince',
      'addEvent',
      'addEvent',
      'addOutbox',
      'follow',
      'unfollow',
    ]);
    for (const [name, first] of calls) expect([name, first]).toEqual([name, ORG]);
  });

  it('check the text before looking the request up', async () => {
    const { deps, locate, calls } = fakes();
    await expect(new AddNote(deps).execute(ID, actor, '   ')).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(new SendMessage(deps).execute(ID, actor, 'x'.repeat(5001))).rejects.toBeInstanceOf(AppError);
    expect(locate).not.toHaveBeenCalled();
    expect(calls).toEqual([]);
  });

  it('record a note once per Idempotency-Key: the first note again, another note refused, a key still held 409', async () => {
    const first = { id: 'note-1', author: actor.id, body: 'une note', createdAt: new Date(0) };
    const fresh = fakes({ claimIdempotencyKey: () => true });
    await new AddNote(fresh.deps).execute(ID, actor, 'une note', { idempotencyKey: 'cle' });
    expect(fresh.calls.map(([name]) => name)).toEqual([
      'claimIdempotencyKey',
      'addNote',
      'addEvent',
      'recordIdempotentAnswer',
    ]);
    expect(fresh.calls[3]).toEqual(['recordIdempotentAnswer', `note:${ID}`, 'cle', { noteId: 'row' }]);
    const hash = fresh.calls[0]![3];

    const again = fakes({
      claimIdempotencyKey: () => ({ requestHash: hash, response: { noteId: 'note-1' } }),
      note: () => first,
    });
    await expect(new AddNote(again.deps).execute(ID, actor, ' une note ', { idempotencyKey: 'cle' })).resolves.toEqual({
      id: 'note-1',
      author: actor.id,
      body: 'une note',
      at: new Date(0).toISOString(),
    });
    expect(again.calls.map(([name]) => name)).toEqual(['claimIdempotencyKey', 'note']);
    expect(again.calls[1]).toEqual(['note', ORG, ID, 'note-1']);

    const other = fakes({ claimIdempotencyKey: () => ({ requestHash: hash, response: { noteId: 'note-1' } }) });
    await expect(
      new AddNote(other.deps).execute(ID, actor, 'une autre', { idempotencyKey: 'cle' }),
    ).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    const held = fakes({ claimIdempotencyKey: () => ({ requestHash: hash, response: null }) });
    await expect(
      new AddNote(held.deps).execute(ID, actor, 'une note', { idempotencyKey: 'cle' }),
    ).rejects.toMatchObject({
      code: 'IDEMPOTENCY_IN_FLIGHT',
    });
    const bad = fakes();
    await expect(new AddNote(bad.deps).execute(ID, actor, 'une note', { idempotencyKey: 'clé' })).rejects.toMatchObject(
      {
        errors: [expect.objectContaining({ code: 'idempotency_key' })],
      },
    );
    expect(bad.locate).not.toHaveBeenCalled();
  });

  it('ask to act: a read-only grant cannot write', async () => {
    const { deps, locate } = fakes();
    await new FollowSubmission(deps).execute(ID, actor, true);
    expect(locate).toHaveBeenCalledWith(actor, ID, { act: true });
  });

  it('assign only to an agent who works on the request, checked in its organisation', async () => {
    const account = { id: AGENT, email: 'agent@nord.example', displayName: 'Agent Nord' };
    const eligible = fakes({ agentAccount: () => account, mayWorkOn: () => true });
    await expect(new AssignSubmission(eligible.deps).execute(ID, actor, `account:${AGENT}`)).resolves.toEqual({
      id: ID,
      assignee: `account:${AGENT}`,
      assigneeName: 'Agent Nord',
    });
    expect(eligible.calls).toContainEqual(['mayWorkOn', ORG, 'agent@nord.example', located]);
    expect(eligible.calls).toContainEqual(['setAssignee', ORG, ID, `account:${AGENT}`]);

    const other = fakes({ agentAccount: () => account, mayWorkOn: () => false });
    await expect(new AssignSubmission(other.deps).execute(ID, actor, AGENT)).rejects.toMatchObject({
      errors: [expect.objectContaining({ code: 'not_eligible' })],
    });
    expect(other.calls.map(([name]) => name)).not.toContain('setAssignee');

    const unknown = fakes({ agentAccount: () => null });
    await expect(new AssignSubmission(unknown.deps).execute(ID, actor, AGENT)).rejects.toMatchObject({
      errors: [expect.objectContaining({ code: 'unknown_agent' })],
    });
    expect(unknown.locate).not.toHaveBeenCalled();
  });
});
