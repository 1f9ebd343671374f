import { quotientIdentity } from '@guichet/forms';
import { IdempotencyKey, type Submission } from '@guichet/persistence';
import { AppError, type Locale, type ServiceDefinition } from '@guichet/shared';
import { decide, workflowOf } from '@guichet/workflow';
import { contactOf, searchText } from '../contact';
import { identityPointers } from '../identity-answers';
import { assertOpen, assertWithinLimit } from '../intake-rules';
import { checkedLookups, type LookupProviders } from '../lookup-answers';
import { newReference } from '../reference';
import { applyDecision, refuse } from '../transitions';
import { lookupAnswers, type CitizenDeps } from './deps';
import { provenanceEvent } from './events';
import { actorOf, claimsOf, loadOwned, loadOwnedWithIntakeRules, ownerWhere, sha256, type Owner } from './owner';

export interface SubmitResult {
  reference: string;
  status: string;
}

export interface SubmitCommand {
  id: string;
  owner: Owner;
  idempotencyKey?: string;
  /** The request body, hashed to tell a retry (same body) from a reused key (another body). */
  body?: unknown;
  locale: Locale;
  /** The request as `owned(id, owner)` returned it for this submit: its ownership is not checked twice. */
  owned?: Submission;
  /**
   * A check of the caller's that needs the draft's version (the anti-robot proof), run in the transaction right
   * after the locked read, before anything else is checked: it throws to refuse. The draft is read once for both.
   */
  check?: SubmitCheck;
}

/** See `SubmitCommand.check`. */
export type SubmitCheck = (definition: ServiceDefinition) => Promise<void> | void;

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * Submits: full validation against the pinned version (hidden fields
 * dropped, eligibility, locked prefill), then in one transaction the status,
 * the reference, the event and the outbox row. With an Idempotency-Key the
 * same key and body give the first answer again, another body a 422, and a
 * request still in flight a 409.
 */
export class Submit {
  constructor(
    private readonly deps: Pick<
      CitizenDeps,
      'dataSource' | 'submissions' | 'versions' | 'validators' | 'attachments' | 'lookups'
    >,
  ) {}

  async execute(command: SubmitCommand): Promise<SubmitResult> {
    const { id, owner } = command;
    const scope = `submit:${id}`;
    const key = command.idempotencyKey;
    let owned = command.owned?.id === id ? command.owned : undefined;
    if (key !== undefined) {
      // Ownership first: a key is never recorded against someone else's request.
      owned ??= await loadOwned(this.deps.submissions, this.deps.dataSource.manager, id, owner);
      if (!KEY.test(key)) {
        throw new AppError('INVALID_REQUEST', {
          errors: [
            {
              pointer: '',
              code: 'idempotency_key',
              message: 'En-tête Idempotency-Key invalide (1 à 255 caractères visibles).',
            },
          ],
        });
      }
      const keys = this.deps.dataSource.getRepository(IdempotencyKey);
      const requestHash = sha256(JSON.stringify(command.body ?? null));
      if (!(await this.claimKey(scope, key, requestHash))) {
        const existing = await keys.findOneBy({ scope, key });
        if (existing && existing.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
        if (existing?.response) return existing.response as unknown as SubmitResult;
        // Still being processed, or just released by a failed attempt: either way, not now.
        throw new AppError('IDEMPOTENCY_IN_FLIGHT');
      }
      try {
        const result = await this.withRetries(command, await lookupAnswers(this.deps, id, owner, owned));
        await keys.update({ scope, key }, { response: result as never, responseStatus: 200 });
        return result;
      } catch (error) {
        // A refused submit may be corrected and retried with the same key.
        await keys.delete({ scope, key });
        throw error;
      }
    }
    return this.withRetries(command, await lookupAnswers(this.deps, id, owner, owned));
  }

  /** True when this request is the first with this key (and now holds it). */
  private async claimKey(scope: string, key: string, requestHash: string): Promise<boolean> {
    const inserted: unknown[] = await this.deps.dataSource.query(
      'INSERT INTO idempotency_key (scope, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING scope',
      [scope, key, requestHash],
    );
    return inserted.length > 0;
  }

  private async withRetries(command: SubmitCommand, lookups: LookupProviders): Promise<SubmitResult> {
    // 31^8 references: a collision is rare enough that retrying the whole transaction costs less than a savepoint each time.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(command, lookups);
      } catch (error) {
        const reference =
          (error as { code?: string; constraint?: string }).code === '23505' &&
          String((error as { detail?: string }).detail ?? '').includes('(reference)');
        if (!reference || attempt >= 4) throw error;
      }
    }
  }

  private async once({ id, owner, locale, check }: SubmitCommand, lookups: LookupProviders): Promise<SubmitResult> {
    const { dataSource, submissions, versions, validators, attachments } = this.deps;
    return dataSource.transaction(async (manager) => {
      // The locked read brings the service's intake rules along (its status, the latest version's settings).
      const read = await loadOwnedWithIntakeRules(submissions, manager, id, owner);
      const { submission } = read;
      if (submission.status !== 'draft') throw new AppError('NOT_A_DRAFT');
      // Published versions never change: read from this process's cache, no statement as a rule.
      const { definition, hash } = await versions.get(submission.formVersionId, manager);
      await check?.(definition);
      const rules = await read.rules();
      assertOpen(rules);
      await assertWithinLimit(
        submissions,
        manager,
        submission.serviceId,
        ownerWhere(owner),
        rules.maxSubmissionsPerUser,
        {
          lock: true,
        },
      );
      const claims = claimsOf(owner);
      const outcome = validators.get(definition, hash).validate(submission.data, { mode: 'submit', claims, locale });
      if (!outcome.valid)
        throw new AppError('SUBMISSION_INVALID', { errors: outcome.errors, moreErrors: outcome.moreErrors });
      const missingFiles = (await attachments?.checkReferences(submission, definition.schema, outcome.data)) ?? [];
      if (missingFiles.length) throw new AppError('SUBMISSION_INVALID', { errors: missingFiles });
      const data = (await checkedLookups(definition, outcome.data, lookups, quotientIdentity(claims))) as Record<
        string,
        unknown
      >;
      const decision = decide(workflowOf(definition), {
        status: 'draft',
        transition: 'submit',
        actor: 'citizen',
        now: new Date(),
      });
      if (!decision.ok) refuse(decision.code);
      // 31^8 references: a collision aborts the transaction, which withRetries retries.
      const reference = newReference();
      const contact = contactOf(definition, data, claims);
      await applyDecision(manager, submission, definition, decision, actorOf(owner), null, {
        set: {
          reference,
          submittedAt: () => 'now()',
          data: () => ':data',
          search: () => "to_tsvector('simple', :search)",
          identityPointers: () => ':identityPointers',
          ...contact,
        },
        parameters: {
          data: JSON.stringify(data),
          search: searchText(reference, contact, data),
          // Which answers are the identity provider's, unchanged: the desk says so of those only.
          identityPointers: JSON.stringify(identityPointers(definition, data, claims)),
        },
        answers: data,
      });
      await provenanceEvent(manager, submission, owner, definition, data);
      return { reference, status: decision.to };
    });
  }
}
