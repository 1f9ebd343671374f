import type { DataSource } from 'typeorm';
import type { Submission, SubmissionDocument } from '@guichet/persistence';
import { AppError, isUuid, organisationId } from '@guichet/shared';
import { DocumentRepository } from './document-repository';
import { FormVersions } from './form-versions';
import { decisionFilename, renderDecisionLetter, type DecisionKind } from './decision-letter';

export interface IssuedDocument {
  id: string;
  kind: string;
  filename: string;
  mediaType: string;
  content: Buffer;
}

const KINDS: readonly string[] = ['acceptance', 'refusal'];

function issuedOf(row: SubmissionDocument): IssuedDocument {
  return { id: row.id, kind: row.kind, filename: row.filename, mediaType: row.mediaType, content: row.content };
}

/**
 * Documents Guichet issues for a request: one per event and kind, made once.
 * The document worker and the email worker both call `ensure`, whichever runs
 * first makes it, the other finds it.
 */
export class Documents {
  private readonly versions: FormVersions;
  private readonly documents: DocumentRepository;

  constructor(dataSource: DataSource) {
    this.versions = FormVersions.of(dataSource);
    this.documents = new DocumentRepository(dataSource);
  }

  async ensure(submissionId: string, eventId: string, kind: string): Promise<IssuedDocument> {
    if (!KINDS.includes(kind)) throw new Error(`unknown document kind ${kind}`);
    const existing = await this.documents.issuedInAnyOrganisation(submissionId, eventId, kind);
    if (existing) return issuedOf(existing);
    const submission = await this.documents.submissionInAnyOrganisation(submissionId);
    const organisation = organisationId(submission.organisationId);
    const event = await this.documents.event(organisation, submissionId, eventId);
    const service = await this.documents.serviceWithOrganisation(organisation, submission.serviceId);
    if (!submission.reference || !submission.submittedAt) throw new Error('a document needs a submitted request');
    const content = await renderDecisionLetter({
      kind: kind as DecisionKind,
      organisationName: service.organisation!.name,
      serviceTitle: service.title,
      reference: submission.reference,
      submittedAt: submission.submittedAt,
      decidedAt: event.at,
      addressee: submission.contactName,
      motivation: event.comment,
      implicit: event.actor === 'system',
      appeals: (await this.versions.get(submission.formVersionId)).definition.settings?.receipt?.appeals,
    });
    await this.documents.insertOnce(organisation, {
      submissionId,
      eventId,
      kind,
      filename: decisionFilename(kind as DecisionKind, submission.reference),
      mediaType: 'application/pdf',
      content,
    });
    return issuedOf((await this.documents.issued(organisation, submissionId, eventId, kind))!);
  }

  /** The documents of a request, newest first, without their bytes. */
  async list(
    submission: Pick<Submission, 'id' | 'organisationId'>,
  ): Promise<Array<{ id: string; kind: string; filename: string; at: string }>> {
    const rows = await this.documents.list(organisationId(submission.organisationId), submission.id);
    return rows.map((r) => ({ id: r.id, kind: r.kind, filename: r.filename, at: r.createdAt.toISOString() }));
  }

  /** One document's bytes; the caller has checked the request is the reader's. */
  async read(submission: Pick<Submission, 'id' | 'organisationId'>, documentId: string): Promise<IssuedDocument> {
    if (!isUuid(documentId)) throw new AppError('NOT_FOUND');
    const row = await this.documents.one(organisationId(submission.organisationId), submission.id, documentId);
    if (!row) throw new AppError('NOT_FOUND');
    return issuedOf(row);
  }
}
