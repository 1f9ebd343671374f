import { AppError, organisationId, type SubmissionSummary, type SubmissionView } from '@guichet/shared';
import { stateLabel, workflowOf } from '@guichet/workflow';
import { receiptInputOf, type ReceiptInput } from '../receipt';
import { SubmissionViewRepository } from '../submission-view-repository';
import { citizenView } from './citizen-view';
import type { CitizenDeps } from './deps';
import { loadOwned, ownerWhere, type Owner } from './owner';

type Deps = Pick<CitizenDeps, 'dataSource' | 'submissions' | 'versions'>;

/** The owner's request as their page shows it. */
export async function ownedView(
  { dataSource, submissions, versions }: Deps,
  id: string,
  owner: Owner,
): Promise<SubmissionView> {
  const submission = await loadOwned(submissions, dataSource.manager, id, owner);
  return citizenView(dataSource.manager, versions, submission);
}

/** What a receipt shows: only for the owner, only once submitted. */
export async function ownedReceipt(
  { dataSource, submissions, versions }: Deps,
  id: string,
  owner: Owner,
  identity: string | null,
): Promise<ReceiptInput> {
  const submission = await loadOwned(submissions, dataSource.manager, id, owner);
  if (submission.status === 'draft' || !submission.reference || !submission.submittedAt)
    throw new AppError('NOT_SUBMITTED');
  const service = await new SubmissionViewRepository(dataSource.manager).service(
    organisationId(submission.organisationId),
    submission.serviceId,
    { organisation: true },
  );
  const { definition } = await versions.get(submission.formVersionId, dataSource.manager);
  return receiptInputOf(
    { reference: submission.reference, submittedAt: submission.submittedAt, data: submission.data },
    service,
    definition,
    identity,
  );
}

/** The owner's requests, most recently changed first (200 at most). */
export async function listOwned(
  { dataSource, submissions, versions }: Deps,
  owner: Owner,
): Promise<SubmissionSummary[]> {
  const owned = await submissions.listOwnedBy(dataSource.manager, ownerWhere(owner), 200);
  const labels = new Map<string, string>();
  for (const s of owned) {
    const key = `${s.formVersionId}:${s.status}`;
    if (!labels.has(key)) {
      const { definition } = await versions.get(s.formVersionId, dataSource.manager);
      labels.set(key, stateLabel(workflowOf(definition), s.status));
    }
  }
  return owned.map((s) => ({
    id: s.id,
    service: { slug: s.service!.slug, title: s.service!.title },
    version: s.versionNumber,
    status: s.status,
    statusLabel: labels.get(`${s.formVersionId}:${s.status}`)!,
    revision: s.revision,
    reference: s.reference,
    submittedAt: s.submittedAt?.toISOString() ?? null,
    updatedAt: s.updatedAt.toISOString(),
  }));
}
