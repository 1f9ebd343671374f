import type { EntityManager } from 'typeorm';
import {
  Attachment,
  FormVersion,
  Service,
  Submission,
  SubmissionDocument,
  SubmissionEvent,
  SubmissionMessage,
  namedStatement,
  runNamed,
} from '@guichet/persistence';
import { AppError, type MessageView, type OrganisationId } from '@guichet/shared';

/** A document as a request's view lists it (no bytes). */
export type DocumentRow = Pick<SubmissionDocument, 'id' | 'kind' | 'filename' | 'createdAt'>;

/** An event as the owner's view lists it (the public ones). */
export type PublicEventRow = Pick<SubmissionEvent, 'type' | 'at' | 'toStatus' | 'comment'>;

/** What the owner's view of a request reads besides the request and its version (`ownerView`). */
export interface OwnerViewRows {
  service: Pick<Service, 'slug' | 'title'>;
  events: PublicEventRow[];
  documents: DocumentRow[];
  messages: MessageView[];
}

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

  /**
   * The owner's view of a request, besides the request and its version, in one statement (issue 22): its service's
   * slug and title, its public history, its documents and its messages with their files, each oldest first, as
   * `service`, `events(…, 'public')`, `documents` and `messages` with `messageViews` read them in five round trips
   * (test/medium/owner-view-statement.test.ts holds them together). Each list is aggregated from a subquery
   * ordered as those reads were, so that rows with the same time come in the same order.
   */
  async ownerView(organisationId: OrganisationId, submissionId: string, serviceId: string): Promise<OwnerViewRows> {
    const values = [organisationId, submissionId, serviceId];
    // Outside a transaction, a named statement: PostgreSQL plans its four parts once per connection, not per read.
    const [row] = (
      this.manager.queryRunner
        ? await this.manager.query(OWNER_VIEW.text, values)
        : await runNamed(this.manager.connection, OWNER_VIEW, values)
    ) as Array<{
      slug: string;
      title: string;
      events: Array<{ type: string; at: string; toStatus: string | null; comment: string | null }>;
      documents: Array<{ id: string; kind: string; filename: string; at: string }>;
      messages: Array<{ id: string; from: string; body: string; at: string; attachment: MessageView['attachment'] }>;
    }>;
    if (!row) throw new AppError('NOT_FOUND');
    return {
      service: { slug: row.slug, title: row.title },
      events: row.events.map((e) => ({ type: e.type, at: new Date(e.at), toStatus: e.toStatus, comment: e.comment })),
      documents: row.documents.map((d) => ({
        id: d.id,
        kind: d.kind,
        filename: d.filename,
        createdAt: new Date(d.at),
      })),
      messages: row.messages.map((m) => ({
        id: m.id,
        from: m.from as MessageView['from'],
        body: m.body,
        at: new Date(m.at).toISOString(),
        attachment: m.attachment,
      })),
    };
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

/** `ownerView`'s statement: $1 the organisation, $2 the request, $3 its service (the mixed bench replays it). */
export const OWNER_VIEW = namedStatement(
  'guichet_owner_view',
  `
SELECT s.slug, s.title,
  (SELECT coalesce(json_agg(e), '[]'::json) FROM (
     SELECT type, at, to_status AS "toStatus", comment FROM submission_event
      WHERE submission_id = $2 AND organisation_id = $1 AND visibility = 'public' ORDER BY at) e) AS events,
  (SELECT coalesce(json_agg(d), '[]'::json) FROM (
     SELECT id, kind, filename, created_at AS at FROM submission_document
      WHERE submission_id = $2 AND organisation_id = $1 ORDER BY created_at) d) AS documents,
  (SELECT coalesce(json_agg(m), '[]'::json) FROM (
     SELECT msg.id, msg.author_kind AS "from", msg.body, msg.created_at AS at,
            CASE WHEN a.id IS NULL THEN NULL
                 ELSE json_build_object('id', a.id, 'filename', a.filename, 'mediaType', a.media_type, 'bytes', a.bytes)
            END AS attachment
       FROM submission_message msg
       LEFT JOIN attachment a ON a.id = msg.attachment_id AND a.organisation_id = $1
      WHERE msg.submission_id = $2 AND msg.organisation_id = $1 ORDER BY msg.created_at) m) AS messages
  FROM service s
 WHERE s.id = $3 AND s.organisation_id = $1`,
);
