import type { EntityManager } from 'typeorm';
import {
  Attachment,
  FormVersion,
  Service,
  Submission,
  SubmissionDocument,
  SubmissionEvent,
  SubmissionMessage,
} from '@guichet/persistence';
import type { OrganisationId } from '@guichet/shared';

/** A document as a request's view lists it (no bytes). */
export type DocumentRow = Pick<SubmissionDocument, 'id' | 'kind' | 'filename' | 'createdAt'>;

/** A file as the caseworkers' view lists it. */
export type FileRow = Pick<Attachment, 'id' | 'pointer' | 'filename' | 'mediaType' | 'bytes'>;

/**
 * What the views of one request read: the caseworkers' (`CaseFiles`) and the
 * owner's (`citizenView`, `ownedView`, `ownedReceipt`): the request, its
 * service, its version, its history, messages, documents and files, each
 * oldest first.
 *
 * Tenant: every method takes the request's organisation first and scopes its
 * statement by it. The one read that cannot, `serviceBySlugInAnyOrganisation`,
 * is the lookup a caseworker's route starts with, checked against the
 * caseworker's organisations right after. Each method is one round trip, as
 * the code before it was. Bound to the caller's manager (the owner's view
 * reads in its use case's).
 */
export class SubmissionViewRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Any organisation: the service with this slug; its caller checks the organisation before anything else. */
  serviceBySlugInAnyOrganisation(slug: string): Promise<Service | null> {
    return this.manager.getRepository(Service).findOneBy({ slug });
  }

  /** The request's service; with `organisation`, its organisation too (a receipt names it). Throws when there is none. */
  service(
    organisationId: OrganisationId,
    serviceId: string,
    options: { organisation?: boolean } = {},
  ): Promise<Service> {
    return this.manager.getRepository(Service).findOneOrFail({
      where: { id: serviceId, organisationId },
      ...(options.organisation ? { relations: { organisation: true } } : {}),
    });
  }

  submission(organisationId: OrganisationId, serviceId: string, id: string): Promise<Submission | null> {
    return this.manager.getRepository(Submission).findOneBy({ id, serviceId, organisationId });
  }

  /** The version the request is pinned to; throws when there is none. */
  formVersion(organisationId: OrganisationId, id: string): Promise<FormVersion> {
    return this.manager.getRepository(FormVersion).findOneByOrFail({ id, organisationId });
  }

  /** The request's history; with `visibility`, only those events (the citizen sees the public ones). */
  events(organisationId: OrganisationId, submissionId: string, visibility?: 'public'): Promise<SubmissionEvent[]> {
    return this.manager.getRepository(SubmissionEvent).find({
      where: { submissionId, organisationId, ...(visibility ? { visibility } : {}) },
      order: { at: 'ASC' },
    });
  }

  messages(organisationId: OrganisationId, submissionId: string): Promise<SubmissionMessage[]> {
    return this.manager
      .getRepository(SubmissionMessage)
      .find({ where: { submissionId, organisationId }, order: { createdAt: 'ASC' } });
  }

  documents(organisationId: OrganisationId, submissionId: string): Promise<DocumentRow[]> {
    return this.manager.getRepository(SubmissionDocument).find({
      where: { submissionId, organisationId },
      select: { id: true, kind: true, filename: true, createdAt: true },
      order: { createdAt: 'ASC' },
    });
  }

  /** Every file of the request (replaced ones too, until the sweep): the view shows those its answers name. */
  files(organisationId: OrganisationId, submissionId: string): Promise<FileRow[]> {
    return this.manager.getRepository(Attachment).find({
      where: { submissionId, organisationId },
      select: { id: true, pointer: true, filename: true, mediaType: true, bytes: true },
      order: { createdAt: 'ASC' },
    });
  }
}
