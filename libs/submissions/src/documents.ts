import type { DataSource } from 'typeorm';
import { Service, Submission, SubmissionDocument, SubmissionEvent } from '@guichet/persistence';
import { AppError, isUuid } from '@guichet/shared';
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

/**
 * Documents Guichet issues for a request: one per event and kind, made once.
 * The document worker and the email worker both call `ensure`, whichever runs
 * first makes it, the other finds it.
 */
export class Documents {
  private readonly versions: FormVersions;

  constructor(private readonly dataSource: DataSource) {
    this.versions = FormVersions.of(dataSource);
  }

  async ensure(submissionId: string, eventId: string, kind: string): Promise<IssuedDocument> {
    if (!KINDS.includes(kind)) throw new Error(`unknown document kind ${kind}`);
    const existing = await this.find(submissionId, eventId, kind);
    if (existing) return existing;
    const submission = await this.dataSource.getRepository(Submission).findOneByOrFail({ id: submissionId });
    const event = await this.dataSource.getRepository(SubmissionEvent).findOneByOrFail({ id: eventId, submissionId });
    const service = await this.dataSource
      .getRepository(Service)
      .findOneOrFail({ where: { id: submission.serviceId }, relations: { organisation: true } });
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
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SubmissionDocument)
      .values({
        organisationId: submission.organisationId,
        submissionId,
        eventId,
        kind,
        filename: decisionFilename(kind as DecisionKind, submission.reference),
        mediaType: 'application/pdf',
        content,
      })
      .orIgnore()
      .execute();
    return (await this.find(submissionId, eventId, kind))!;
  }

  private async find(submissionId: string, eventId: string, kind: string): Promise<IssuedDocument | null> {
    const row = await this.dataSource.getRepository(SubmissionDocument).findOneBy({ submissionId, eventId, kind });
    return (
      row && { id: row.id, kind: row.kind, filename: row.filename, mediaType: row.mediaType, content: row.content }
    );
  }

  /** The documents of a request, newest first, without their bytes. */
  async list(submissionId: string): Promise<Array<{ id: string; kind: string; filename: string; at: string }>> {
    const rows = await this.dataSource.getRepository(SubmissionDocument).find({
      where: { submissionId },
      select: { id: true, kind: true, filename: true, createdAt: true },
      order: { createdAt: 'DESC' },
    });
    return rows.map((r) => ({ id: r.id, kind: r.kind, filename: r.filename, at: r.createdAt.toISOString() }));
  }

  /** One document's bytes; the caller has checked the request is the reader's. */
  async read(submissionId: string, documentId: string): Promise<IssuedDocument> {
    if (!isUuid(documentId)) throw new AppError('NOT_FOUND');
    const row = await this.dataSource.getRepository(SubmissionDocument).findOneBy({ id: documentId, submissionId });
    if (!row) throw new AppError('NOT_FOUND');
    return { id: row.id, kind: row.kind, filename: row.filename, mediaType: row.mediaType, content: row.content };
  }
}
