import type { DataSource } from 'typeorm';
import {
  FormVersion,
  Service,
  Submission,
  SubmissionDocument,
  SubmissionEvent,
  SubmissionMessage,
} from '@guichet/persistence';
import { AppError, type ServiceDefinition, isUuid } from '@guichet/shared';
import { availableTransitions, stateLabel, workflowOf } from '@guichet/workflow';

export interface CaseFileView {
  id: string;
  service: { slug: string; title: string };
  version: number;
  status: string;
  statusLabel: string;
  revision: number;
  reference: string | null;
  submittedAt: string | null;
  updatedAt: string;
  group: string | null;
  contact: { email: string | null; name: string | null };
  deadline: { at: string; transition: string } | null;
  data: Record<string, unknown>;
  /** What a caseworker may do now, with whether a comment is required. */
  actions: Array<{ transition: string; label: string; commentRequired: boolean }>;
  /** Everything that happened, internal events included. */
  history: Array<{
    id: string;
    type: string;
    at: string;
    actor: string;
    transition: string | null;
    fromStatus: string | null;
    toStatus: string | null;
    comment: string | null;
    visibility: 'public' | 'internal';
  }>;
  messages: Array<{ id: string; from: 'citizen' | 'caseworker'; body: string; at: string }>;
  documents: Array<{ id: string; kind: string; filename: string; at: string }>;
}

/** The caseworkers' view of one request: all of it, for the organisations they work for. */
export class CaseFiles {
  constructor(private readonly dataSource: DataSource) {}

  /** A submitted request of one of these organisations' services; anything else is "not found". */
  async find(
    slug: string,
    id: string,
    organisationIds: readonly string[],
  ): Promise<{ service: Service; submission: Submission }> {
    if (!isUuid(id) || !/^[a-z0-9-]{1,63}$/.test(slug)) throw new AppError('NOT_FOUND');
    const service = await this.dataSource.getRepository(Service).findOneBy({ slug });
    if (!service || !organisationIds.includes(service.organisationId)) throw new AppError('NOT_FOUND');
    const submission = await this.dataSource
      .getRepository(Submission)
      .findOneBy({ id, serviceId: service.id, organisationId: service.organisationId });
    // A draft is the citizen's alone until they submit it.
    if (!submission || submission.status === 'draft') throw new AppError('NOT_FOUND');
    return { service, submission };
  }

  async get(slug: string, id: string, organisationIds: readonly string[]): Promise<CaseFileView> {
    const { service, submission } = await this.find(slug, id, organisationIds);
    const version = await this.dataSource.getRepository(FormVersion).findOneByOrFail({ id: submission.formVersionId });
    const workflow = workflowOf(version.definition as unknown as ServiceDefinition);
    const [events, messages, documents] = await Promise.all([
      this.dataSource.getRepository(SubmissionEvent).find({ where: { submissionId: id }, order: { at: 'ASC' } }),
      this.dataSource
        .getRepository(SubmissionMessage)
        .find({ where: { submissionId: id }, order: { createdAt: 'ASC' } }),
      this.dataSource.getRepository(SubmissionDocument).find({
        where: { submissionId: id },
        select: { id: true, kind: true, filename: true, createdAt: true },
        order: { createdAt: 'ASC' },
      }),
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
      contact: { email: submission.contactEmail, name: submission.contactName },
      deadline:
        submission.deadlineAt && submission.deadlineTransition
          ? { at: submission.deadlineAt.toISOString(), transition: submission.deadlineTransition }
          : null,
      data: submission.data,
      actions: availableTransitions(workflow, submission.status, 'caseworker').map((t) => ({
        transition: t.name,
        label: t.label,
        commentRequired: !!t.commentRequired,
      })),
      history: events.map((e) => ({
        id: e.id,
        type: e.type,
        at: e.at.toISOString(),
        actor: e.actor,
        transition: e.transition,
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
        comment: e.comment,
        visibility: e.visibility,
      })),
      messages: messages.map((m) => ({ id: m.id, from: m.authorKind, body: m.body, at: m.createdAt.toISOString() })),
      documents: documents.map((d) => ({
        id: d.id,
        kind: d.kind,
        filename: d.filename,
        at: d.createdAt.toISOString(),
      })),
    };
  }
}
