import { AppError, isUuid } from '@guichet/shared';
import type { DeskActor } from '../access';
import type { DeskDeps } from './deps';

/**
 * Assigns to an agent (`account:<id>` of an agent account), or unassigns
 * with null. Only to someone who may work on it, as the memberships say now:
 * an agent of the request's organisation, caseworker or admin of its service
 * (and of its routing group, for a membership limited to one). Anyone else
 * would hold a request they cannot open, or see one they should not.
 */
export class AssignSubmission {
  constructor(private readonly deps: Pick<DeskDeps, 'access' | 'repository'>) {}

  async execute(
    id: string,
    actor: DeskActor,
    agentId: unknown,
  ): Promise<{ id: string; assignee: string | null; assigneeName: string | null }> {
    const { access, repository } = this.deps;
    const match = typeof agentId === 'string' ? /^(?:account:)?([0-9a-f-]{36})$/i.exec(agentId) : null;
    const account = match && isUuid(match[1]!) ? await repository.agentAccount(match[1]!) : null;
    if (agentId !== null && !account) {
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/agentId', code: 'unknown_agent', message: 'Agent inconnu.' }],
      });
    }
    const row = await access.locate(actor, id, { act: true });
    const organisationId = row.organisationId;
    const assignee = account ? `account:${account.id}` : null;
    if (account && !(account.email && (await repository.mayWorkOn(organisationId, account.email, row)))) {
      throw new AppError('INVALID_REQUEST', {
        errors: [
          {
            pointer: '/agentId',
            code: 'not_eligible',
            message: 'Cet agent n’instruit pas cette démarche : attribuez la demande à un instructeur de la démarche.',
          },
        ],
      });
    }
    await repository.transaction(async (repository) => {
      await repository.setAssignee(organisationId, id, assignee);
      await repository.addEvent(organisationId, {
        submissionId: id,
        actor: actor.id,
        type: 'assigned',
        comment: assignee ? `Attribuée à ${assignee}` : 'Attribution retirée',
      });
    });
    return { id, assignee, assigneeName: account ? (account.displayName ?? account.email) : null };
  }
}
