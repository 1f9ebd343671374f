import { In, type EntityManager } from 'typeorm';
import { Attachment, FormVersion } from '@guichet/persistence';
import { organisationId, type OrganisationId } from '@guichet/shared';

/** Where a caseworker's message file is recorded instead of a field's pointer. */
export const MESSAGE_FILE_POINTER = '#message';

/** An attachment's row as an upload writes it (its organisation is the repository method's first argument). */
export type NewAttachment = Pick<
  Attachment,
  'id' | 'submissionId' | 'pointer' | 'filename' | 'mediaType' | 'bytes' | 'sha256' | 'storageKey'
>;

/** A file of a message, as a message's view shows it. */
export type MessageFile = Pick<Attachment, 'id' | 'filename' | 'mediaType' | 'bytes'>;

/** A file whose bytes and row are to go (the sweep, a request being deleted). */
export interface StoredFile {
  id: string;
  organisationId: OrganisationId;
  storageKey: string;
}

/**
 * The attachment table (the files of the answers and of the caseworkers'
 * messages), and the form version an upload is checked against: what
 * `Attachments` and the message views read and write.
 *
 * Tenant: every method takes the request's organisation first and scopes
 * its statement by it (attachment and form_version have the column). Two
 * reads span every organisation on purpose and say so in their names: the
 * orphan sweep and the list of a deleted request's files, both maintenance
 * that starts from no organisation; the rows they answer carry theirs, and
 * the deletes that follow take it. No statement is added for that: each
 * method is one round trip, as the code before it was.
 *
 * `transaction` hands the work a repository bound to one transaction, and
 * `within` one bound to the caller's (autosave's); outside them, each
 * statement is its own.
 */
export class AttachmentRepository {
  constructor(private readonly manager: EntityManager) {}

  transaction<T>(work: (repository: AttachmentRepository) => Promise<T>): Promise<T> {
    return this.manager.transaction((manager) => work(new AttachmentRepository(manager)));
  }

  /** The same statements in the caller's transaction. */
  within(manager: EntityManager): AttachmentRepository {
    return manager === this.manager ? this : new AttachmentRepository(manager);
  }

  /** The version a request's files are checked against (a request always has one: throws otherwise). */
  formVersion(organisationId: OrganisationId, formVersionId: string): Promise<FormVersion> {
    return this.manager.getRepository(FormVersion).findOneByOrFail({ id: formVersionId, organisationId });
  }

  /**
   * The request's saved answers, as text, its row locked: one upload at a
   * time per request, so two parallel ones cannot both pass the quota. `''`
   * when there is no such request.
   */
  async lockAnswers(organisationId: OrganisationId, submissionId: string): Promise<string> {
    const [held] = (await this.manager.query(
      `SELECT s.data::text AS data FROM submission s WHERE s.id = $1 AND s.organisation_id = $2 FOR UPDATE`,
      [submissionId, organisationId],
    )) as Array<{ data: string }>;
    return held?.data ?? '';
  }

  /** The request's field files (message files are not counted), for its quota. */
  async fieldFiles(
    organisationId: OrganisationId,
    submissionId: string,
  ): Promise<Array<{ id: string; bytes: number }>> {
    return (await this.manager.query(
      `SELECT id::text AS id, bytes FROM attachment WHERE submission_id = $1 AND pointer <> $2 AND organisation_id = $3`,
      [submissionId, MESSAGE_FILE_POINTER, organisationId],
    )) as Array<{ id: string; bytes: number }>;
  }

  async insert(organisationId: OrganisationId, file: NewAttachment): Promise<void> {
    await this.manager.getRepository(Attachment).insert({ organisationId, ...file });
  }

  /**
   * Deletes these field files of the request, unless a message names them,
   * and answers their storage keys. Never a message file, never a file of
   * another request or organisation.
   */
  async deleteFieldFiles(
    organisationId: OrganisationId,
    submissionId: string,
    ids: readonly string[],
  ): Promise<string[]> {
    const rows = (await this.manager.query(
      `DELETE FROM attachment WHERE submission_id = $1 AND id = ANY($2::uuid[]) AND pointer <> $3
         AND organisation_id = $4
         AND NOT EXISTS (SELECT 1 FROM submission_message m WHERE m.attachment_id = attachment.id)
       RETURNING storage_key`,
      [submissionId, ids, MESSAGE_FILE_POINTER, organisationId],
    )) as [Array<{ storage_key: string }>, number] | Array<{ storage_key: string }>;
    return storageKeysOf(rows);
  }

  /** One file of the request, or null. */
  file(organisationId: OrganisationId, submissionId: string, attachmentId: string): Promise<Attachment | null> {
    return this.manager.getRepository(Attachment).findOneBy({ id: attachmentId, submissionId, organisationId });
  }

  /** The ids of every file of the request (field and message files). */
  async ids(organisationId: OrganisationId, submissionId: string): Promise<string[]> {
    const found = await this.manager
      .getRepository(Attachment)
      .find({ where: { submissionId, organisationId }, select: { id: true } });
    return found.map((a) => a.id);
  }

  /** These files, as messages show them (one statement for all of a request's messages). */
  messageFiles(organisationId: OrganisationId, ids: readonly string[]): Promise<MessageFile[]> {
    return this.manager.getRepository(Attachment).find({
      where: { id: In(ids as string[]), organisationId },
      select: { id: true, filename: true, mediaType: true, bytes: true },
    });
  }

  /**
   * Every organisation, on purpose (the sweep starts from none): files older
   * than `olderThanMs` that no request's answers and no message refer to,
   * oldest first, at most `batch`.
   */
  async orphansInAnyOrganisation(olderThanMs: number, batch: number): Promise<StoredFile[]> {
    const rows = (await this.manager.query(
      `SELECT a.id, a.organisation_id, a.storage_key FROM attachment a JOIN submission s ON s.id = a.submission_id
        WHERE a.created_at < now() - ($1::text || ' milliseconds')::interval
          AND position(a.id::text in s.data::text) = 0
          AND NOT EXISTS (SELECT 1 FROM submission_message m WHERE m.attachment_id = a.id)
        ORDER BY a.created_at LIMIT $2`,
      [String(olderThanMs), batch],
    )) as Array<{ id: string; organisation_id: string; storage_key: string }>;
    return rows.map((row) => ({
      id: row.id,
      organisationId: organisationId(row.organisation_id),
      storageKey: row.storage_key,
    }));
  }

  /**
   * Any organisation: the files of a request being deleted, by its id alone
   * (retention and the stale drafts' purge know no more of it).
   */
  async filesOfDeletedRequest(submissionId: string): Promise<StoredFile[]> {
    const files = await this.manager
      .getRepository(Attachment)
      .find({ where: { submissionId }, select: { id: true, organisationId: true, storageKey: true } });
    return files.map((f) => ({ id: f.id, organisationId: organisationId(f.organisationId), storageKey: f.storageKey }));
  }

  async delete(organisationId: OrganisationId, attachmentId: string): Promise<void> {
    await this.manager.getRepository(Attachment).delete({ id: attachmentId, organisationId });
  }
}

/** TypeORM hands DELETE … RETURNING back as [rows, count]; a plain list is taken as it is. */
export function storageKeysOf(
  rows: [Array<{ storage_key: string }>, number] | Array<{ storage_key: string }>,
): string[] {
  const list = Array.isArray(rows[0])
    ? (rows[0] as Array<{ storage_key: string }>)
    : (rows as Array<{ storage_key: string }>);
  return list.map((r) => r.storage_key);
}
