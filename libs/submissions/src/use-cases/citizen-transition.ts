import { quotientIdentity } from '@guichet/forms';
import { AppError, type Locale, trimText } from '@guichet/shared';
import { decide, workflowOf } from '@guichet/workflow';
import { searchText } from '../contact';
import { identityPointers } from '../identity-answers';
import { checkedLookups } from '../lookup-answers';
import { applyDecision, citizenEditable, refuse } from '../transitions';
import { lookupAnswers, type CitizenDeps } from './deps';
import { provenanceEvent } from './events';
import { actorOf, claimsOf, loadOwned, type Owner } from './owner';

export interface CitizenTransitionCommand {
  id: string;
  owner: Owner;
  transition: string;
  comment?: string;
  expectedRevision?: number;
  locale: Locale;
}

/**
 * A transition the workflow gives the citizen (resubmit after a request for
 * changes): the answers are validated again in full, like a first submit.
 */
export class CitizenTransition {
  constructor(
    private readonly deps: Pick<
      CitizenDeps,
      'dataSource' | 'submissions' | 'versions' | 'validators' | 'attachments' | 'lookups'
    >,
  ) {}

  async execute(command: CitizenTransitionCommand): Promise<{ id: string; status: string; revision: number }> {
    const { id, owner, locale } = command;
    const { dataSource, submissions, versions, validators, attachments } = this.deps;
    const lookups = await lookupAnswers(this.deps, id, owner);
    return dataSource.transaction(async (manager) => {
      const submission = await loadOwned(submissions, manager, id, owner, true);
      if (submission.status === 'draft') throw new AppError('NOT_SUBMITTED');
      if (command.expectedRevision !== undefined && command.expectedRevision !== submission.revision)
        throw new AppError('CONFLICT');
      const { definition, hash } = await versions.get(submission.formVersionId, manager);
      const workflow = workflowOf(definition);
      const comment = (command.comment && trimText(command.comment)) || null;
      const decision = decide(workflow, {
        status: submission.status,
        transition: command.transition,
        actor: 'citizen',
        comment: comment ?? undefined,
        now: new Date(),
      });
      if (!decision.ok) refuse(decision.code);
      let set: Record<string, unknown> = {};
      let parameters: Record<string, unknown> = {};
      /** The answers as checked again, when the citizen could change them in this state. */
      let checked: unknown;
      if (citizenEditable(workflow, submission.status)) {
        const claims = claimsOf(owner);
        const outcome = validators.get(definition, hash).validate(submission.data, { mode: 'submit', claims, locale });
        if (!outcome.valid)
          throw new AppError('SUBMISSION_INVALID', { errors: outcome.errors, moreErrors: outcome.moreErrors });
        const missing = (await attachments?.checkReferences(submission, definition.schema, outcome.data)) ?? [];
        if (missing.length) throw new AppError('SUBMISSION_INVALID', { errors: missing });
        outcome.data = await checkedLookups(definition, outcome.data, lookups, quotientIdentity(claims));
        checked = outcome.data;
        set = {
          data: () => ':data',
          search: () => "to_tsvector('simple', :search)",
          identityPointers: () => ':identityPointers',
        };
        parameters = {
          data: JSON.stringify(outcome.data),
          search: searchText(submission.reference, submission, outcome.data as Record<string, unknown>),
          identityPointers: JSON.stringify(identityPointers(definition, outcome.data, claims)),
        };
      }
      const { revision } = await applyDecision(manager, submission, definition, decision, actorOf(owner), comment, {
        set,
        parameters,
        ...(checked !== undefined ? { answers: checked as Record<string, unknown> } : {}),
      });
      if (checked !== undefined) await provenanceEvent(manager, submission, owner, definition, checked);
      return { id: submission.id, status: decision.to, revision };
    });
  }
}
