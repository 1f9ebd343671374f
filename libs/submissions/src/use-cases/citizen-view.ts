import type { EntityManager } from 'typeorm';
import type { Submission } from '@guichet/persistence';
import { organisationId, type SubmissionView } from '@guichet/shared';
import { availableTransitions, stateLabel, workflowOf } from '@guichet/workflow';
import type { FormVersions } from '../form-versions';
import { SubmissionViewRepository } from '../submission-view-repository';
import { citizenEditable } from '../transitions';

/**
 * The request as its owner sees it: status, the actions the workflow gives them, public history, documents, messages.
 * Its service, history, documents and messages come in one statement (`ownerView`), its version from the cache.
 */
export async function citizenView(
  manager: EntityManager,
  versions: FormVersions,
  submission: Submission,
): Promise<SubmissionView> {
  const { service, events, documents, messages } = await new SubmissionViewRepository(manager).ownerView(
    organisationId(submission.organisationId),
    submission.id,
    submission.serviceId,
  );
  const pinned = await versions.get(submission.formVersionId, manager);
  const workflow = workflowOf(pinned.definition);
  return {
    id: submission.id,
    service: { slug: service.slug, title: service.title },
    version: submission.versionNumber,
    status: submission.status,
    statusLabel: stateLabel(workflow, submission.status),
    actions: availableTransitions(workflow, submission.status, 'citizen').map((t) => ({
      transition: t.name,
      label: t.label,
      to: t.to,
    })),
    revision: submission.revision,
    reference: submission.reference,
    submittedAt: submission.submittedAt?.toISOString() ?? null,
    updatedAt: submission.updatedAt.toISOString(),
    data: submission.data,
    history: events.map((e) => ({
      type: e.type,
      at: e.at.toISOString(),
      toStatus: e.toStatus,
      label: e.toStatus ? stateLabel(workflow, e.toStatus) : null,
      comment: e.comment,
    })),
    documents: documents.map((d) => ({
      id: d.id,
      kind: d.kind,
      filename: d.filename,
      at: d.createdAt.toISOString(),
    })),
    messages,
    // While the citizen may still edit it: the version it is pinned to, so the page renders and checks what the server will.
    form: citizenEditable(workflow, submission.status)
      ? { definition: pinned.definition, validator: `/api/v1/public/validators/${pinned.hash}.js` }
      : undefined,
  };
}
