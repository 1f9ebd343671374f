import type { DeskActor } from '../access';
import type { DeskDeps } from './deps';

/** The agent follows the request (it shows in their « Suivis » tab), or stops following it. */
export class FollowSubmission {
  constructor(private readonly deps: Pick<DeskDeps, 'access' | 'repository'>) {}

  async execute(id: string, actor: DeskActor, follow: boolean): Promise<{ id: string; followed: boolean }> {
    const { organisationId } = await this.deps.access.locate(actor, id, { act: true });
    if (follow) await this.deps.repository.follow(organisationId, id, actor.id);
    else await this.deps.repository.unfollow(organisationId, id, actor.id);
    return { id, followed: follow };
  }
}
