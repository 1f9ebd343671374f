import { ServiceRepository, applyPrefill } from '@guichet/forms';
import { AppError, organisationId, type Locale, type ServiceDefinition, type SubmissionView } from '@guichet/shared';
import { assertWithinLimit } from '../intake-rules';
import { citizenView } from './citizen-view';
import type { CitizenDeps } from './deps';
import { ownerEvent } from './events';
import { claimsOf, isRecord, ownerWhere, sha256, type Owner } from './owner';

export interface CreateDraftCommand {
  slug: string;
  owner: Owner;
  data: unknown;
  locale: Locale;
}

/** Starts a draft on the latest published version of an open service. */
export class CreateDraft {
  constructor(private readonly deps: Pick<CitizenDeps, 'dataSource' | 'submissions' | 'versions' | 'validators'>) {}

  async execute({ slug, owner, data, locale }: CreateDraftCommand): Promise<SubmissionView> {
    const { dataSource, submissions, versions, validators } = this.deps;
    // A follow link reaches one request filed already: it never starts one.
    if (owner.kind === 'link') throw new AppError('NOT_FOUND');
    const services = new ServiceRepository(dataSource);
    const service = await services.bySlugInAnyOrganisation(slug);
    if (!service || service.latestVersion === null || !/^[a-z0-9-]{1,63}$/.test(slug)) throw new AppError('NOT_FOUND');
    if (service.status === 'closed') throw new AppError('SERVICE_CLOSED');
    const version = await services.versionOrFail(
      organisationId(service.organisationId),
      service.id,
      service.latestVersion,
    );
    const definition = version.definition as unknown as ServiceDefinition;
    if (definition.settings.signIn === 'required' && owner.kind !== 'account') throw new AppError('UNAUTHENTICATED');
    if (definition.settings.closesAt && Date.parse(definition.settings.closesAt) < Date.now())
      throw new AppError('SERVICE_CLOSED');
    // Said at the start rather than after the whole form (submit checks again, under a lock).
    await assertWithinLimit(
      submissions,
      dataSource.manager,
      service.id,
      ownerWhere(owner),
      definition.settings.maxSubmissionsPerUser ?? null,
      { lock: false },
    );

    const initial = data === undefined || data === null ? {} : data;
    const claims = claimsOf(owner);
    const prefilled = claims && isRecord(initial) ? applyPrefill(definition, initial, claims) : initial;
    const outcome = validators
      .get(definition, version.contentHash)
      .validate(prefilled, { mode: 'draft', claims, locale });
    if (!outcome.valid)
      throw new AppError('SUBMISSION_INVALID', { errors: outcome.errors, moreErrors: outcome.moreErrors });

    return dataSource.transaction(async (manager) => {
      const submission = await submissions.insertDraft(manager, {
        organisationId: service.organisationId,
        serviceId: service.id,
        formVersionId: version.id,
        versionNumber: version.number,
        ownerAccountId: owner.kind === 'account' ? owner.accountId : null,
        anonymousOwner: owner.kind === 'anonymous' ? sha256(owner.token) : null,
        status: 'draft',
        data: outcome.data as Record<string, unknown>,
        reference: null,
        submittedAt: null,
      });
      await ownerEvent(manager, submission, owner, 'created', null, 'draft');
      return citizenView(manager, versions, submission);
    });
  }
}
