import type { DataSource } from 'typeorm';
import { Service, Submission, SubmissionDocument, SubmissionEvent } from '@guichet/persistence';
import type { OrganisationId } from '@guichet/shared';

/** A document's row as `Documents.ensure` writes it (its organisation is the method's first argument). */
export type NewDocument = Pick<
  SubmissionDocument,
  'submissionId' | 'eventId' | 'kind' | 'filename' | 'mediaType' | 'content'
>;

/**
 * What `Documents` reads and writes: the documents issued for a request, and
 * what a decision letter is made from (the request, its event, its service
 * and organisation).
 *
 * Tenant: every method takes the request's organisation first and scopes its
 * statement by it; rows written carry it. The two reads a document job starts
 * with cannot (its payload carries ids only, as every job's): they say so in
 * their names (`…InAnyOrganisation`), and the request's row they read gives
 * the organisation the rest takes. Each method is one round trip, as the code
 * before it was.
 */
export class DocumentRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Any organisation (a job's first read, by its ids): the document issued for this event, if it is already. */
  issuedInAnyOrganisation(submissionId: string, eventId: string, kind: string): Promise<SubmissionDocument | null> {
    return this.dataSource.getRepository(SubmissionDocument).findOneBy({ submissionId, eventId, kind });
  }

  /** Any organisation (a job's, by its id): the request a document is for; throws when there is none. */
  submissionInAnyOrganisation(submissionId: string): Promise<Submission> {
    return this.dataSource.getRepository(Submission).findOneByOrFail({ id: submissionId });
  }

  /** The request's event a document states; throws when there is none. */
  event(organisationId: OrganisationId, submissionId: string, eventId: string): Promise<SubmissionEvent> {
    return this.dataSource
      .getRepository(SubmissionEvent)
      .findOneByOrFail({ id: eventId, submissionId, organisationId });
  }

  /** The service, with its organisation (whose name the letter carries); throws when there is none. */
  serviceWithOrganisation(organisationId: OrganisationId, serviceId: string): Promise<Service> {
    return this.dataSource
      .getRepository(Service)
      .findOneOrFail({ where: { id: serviceId, organisationId }, relations: { organisation: true } });
  }

  /** Writes the document unless one is there for this event and kind already (another worker's). */
  async insertOnce(organisationId: OrganisationId, document: NewDocument): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SubmissionDocument)
      .values({ organisationId, ...document })
      .orIgnore()
      .execute();
  }

  /** The document issued for this event and kind, or null. */
  issued(
    organisationId: OrganisationId,
    submissionId: string,
    eventId: string,
    kind: string,
  ): Promise<SubmissionDocument | null> {
    return this.dataSource.getRepository(SubmissionDocument).findOneBy({ submissionId, eventId, kind, organisationId });
  }

  /** The request's documents, newest first, without their bytes. */
  list(
    organisationId: OrganisationId,
    submissionId: string,
  ): Promise<Array<Pick<SubmissionDocument, 'id' | 'kind' | 'filename' | 'createdAt'>>> {
    return this.dataSource.getRepository(SubmissionDocument).find({
      where: { submissionId, organisationId },
      select: { id: true, kind: true, filename: true, createdAt: true },
      order: { createdAt: 'DESC' },
    });
  }

  /** One document of the request, bytes included, or null. */
  one(organisationId: OrganisationId, submissionId: string, documentId: string): Promise<SubmissionDocument | null> {
    return this.dataSource
      .getRepository(SubmissionDocument)
      .findOneBy({ id: documentId, submissionId, organisationId });
  }
}
