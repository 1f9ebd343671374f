import type { DataSource } from 'typeorm';
import type { Service, Submission } from '@guichet/persistence';
import { AppError, organisationId, type ServiceDefinition, isUuid } from '@guichet/shared';
import { availableTransitions, isFinal, stateLabel, workflowOf } from '@guichet/workflow';
import { referencedAttachments } from './attachments';
import { messageViews } from './message-files';
import { SubmissionViewRepository } from './submission-view-repository';

import type { CaseFileView } from '@guichet/shared';

export type { CaseFileView };

/** The caseworkers' view of one request: all of it, for the organisations they work for. */
export class CaseFiles {
  private readonly views: SubmissionViewRepository;

  constructor(private readonly dataSource: DataSource) {
    this.views = new SubmissionViewRepository(dataSource.manager);
  }

  /** A submitted request of one of these organisations' services; anything else is "not found". */
  async find(
    slug: string,
    id: string,
    organisationIds: readonly string[],
  ): Promise<{ service: Service; submission: Submission }> {
    if (!isUuid(id) || !/^[a-z0-9-]{1,63}$/.test(slug)) throw new AppError('NOT_FOUND');
    const service = await this.views.serviceBySlugInAnyOrganisation(slug);
    if (!service || !organisationIds.includes(service.organisationId)) throw new AppError('NOT_FOUND');
    const submission = await this.views.submission(organisationId(service.organisationId), service.id, id);
    // A draft is the citizen's alone until they submit it.
    if (!submission || submission.status === 'draft') throw new AppError('NOT_FOUND');
    return { service, submission };
  }

  async get(slug: string, id: string, organisationIds: readonly string[]): Promise<CaseFileView> {
    const { service, submission } = await this.find(slug, id, organisationIds);
    const organisation = organisationId(submission.organisationId);
    const version = await this.views.formVersion(organisation, submission.formVersionId);
    const definition = version.definition as unknown as ServiceDefinition;
    const workflow = workflowOf(definition);
    const referenced = new Map(referencedAttachments(definition.schema, submission.data).map((r) => [r.id, r.pointer]));
    const [events, messages, documents, attachments] = await Promise.all([
      this.views.events(organisation, id),
      this.views.messages(organisation, id),
      this.views.documents(organisation, id),
      this.views.files(organisation, id),
    ]);
    return {
      id: submission.id,
      service: { slug: service.slug, title: service.title },
      version: submission.versionNumber,
      status: submission.status,
      statusLabel: stateLabel(workflow, submission.status),
      revision: submission.revision,
      reference: submission.reference,
      submittedAt: submission.submittedAt?.toISOString() ?? null,
      updatedAt: submission.updatedAt.toISOString(),
      group: submission.groupKey,
      assignee: submission.assignee,
      contact: { email: submission.contactEmail, name: submission.contactName },
      identity: {
        franceConnect: submission.ownerAccountId !== null,
        fromIdentity: submission.ownerAccountId !== null ? submission.identityPointers : [],
      },
      deadline:
        submission.deadlineAt && submission.deadlineTransition
          ? { at: submission.deadlineAt.toISOString(), transition: submission.deadlineTransition }
          : null,
      data: submission.data,
      definition,
      // Replaced or hidden files stay stored until the orphan sweep: only those the answers name are shown.
      attachments: attachments
        .filter((a) => referenced.has(a.id))
        .map((a) => ({ id: a.id, pointer: a.pointer, filename: a.filename, mediaType: a.mediaType, bytes: a.bytes })),
      actions: availableTransitions(workflow, submission.status, 'caseworker').map((t) => ({
        transition: t.name,
        label: t.label,
        commentRequired: !!t.commentRequired,
        to: t.to,
        final: isFinal(workflow, t.to),
      })),
      history: events.map((e) => ({
        id: e.id,
        type: e.type,
        at: e.at.toISOString(),
        actor: e.actor,
        transition: e.transition,
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
        label: e.toStatus ? stateLabel(workflow, e.toStatus) : null,
        comment: e.comment,
        visibility: e.visibility,
      })),
      messages: await messageViews(this.dataSource.manager, organisation, messages),
      awaitingReplySince: submission.awaitingReplySince?.toISOString() ?? null,
      documents: documents.map((d) => ({
        id: d.id,
        kind: d.kind,
        filename: d.filename,
        at: d.createdAt.toISOString(),
      })),
    };
  }
}
