import type { DataSource, EntityManager } from 'typeorm';
import { TestAttachment, TestSubmission } from '@guichet/persistence';
import type { OrganisationId } from '@guichet/shared';

/** A trial's row as `TestSubmissions.create` writes it (its organisation is the method's first argument). */
export type NewTrial = Pick<
  TestSubmission,
  'serviceId' | 'createdBy' | 'definition' | 'contentHash' | 'status' | 'data' | 'submittedAt'
>;

/** A trial's file as an upload writes it, bytes included. */
export type NewTrialFile = Pick<
  TestAttachment,
  'testSubmissionId' | 'pointer' | 'filename' | 'mediaType' | 'bytes' | 'content'
>;

/**
 * The designers' trials (test_submission) and their files (test_attachment),
 * as `TestSubmissions` reads and writes them.
 *
 * Tenant: every method takes the service's organisation first (as the
 * catalogue reached it) and scopes its statement by it; rows written carry
 * it. Each method is one round trip, as the code before it was.
 *
 * `transaction` hands the work a repository bound to one transaction; outside
 * it, each statement is its own.
 */
export class TestSubmissionRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly manager: EntityManager = dataSource.manager,
  ) {}

  transaction<T>(work: (repository: TestSubmissionRepository) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new TestSubmissionRepository(this.dataSource, manager)));
  }

  /** The service's trial with this id, or null. */
  find(organisationId: OrganisationId, serviceId: string, id: string): Promise<TestSubmission | null> {
    return this.manager.getRepository(TestSubmission).findOneBy({ id, serviceId, organisationId });
  }

  insert(organisationId: OrganisationId, trial: NewTrial): Promise<TestSubmission> {
    const trials = this.manager.getRepository(TestSubmission);
    return trials.save(trials.create({ organisationId, ...trial }));
  }

  /** A draft trial's answers, if it is still at `revision`: its new revision and time, or null. */
  async saveAnswers(
    organisationId: OrganisationId,
    id: string,
    revision: number,
    data: unknown,
  ): Promise<{ revision: number; updatedAt: Date } | null> {
    const result = await this.manager
      .getRepository(TestSubmission)
      .createQueryBuilder()
      .update()
      .set({ data: data as never })
      .where('id = :id AND revision = :revision AND status = :status AND organisation_id = :organisationId', {
        id,
        revision,
        status: 'draft',
        organisationId,
      })
      .returning('revision, updated_at')
      .execute();
    const row = (result.raw as Array<{ revision: number; updated_at: Date }>)[0];
    return row ? { revision: row.revision, updatedAt: new Date(row.updated_at) } : null;
  }

  /** Marks a draft trial submitted with these answers if it is still at `revision`; whether it was. */
  async markSubmitted(organisationId: OrganisationId, id: string, revision: number, data: unknown): Promise<boolean> {
    const result = await this.manager
      .getRepository(TestSubmission)
      .update(
        { id, status: 'draft', revision, organisationId },
        { status: 'submitted', submittedAt: new Date(), data: data as never },
      );
    return !!result.affected;
  }

  /** Locks the trial's row: one upload at a time per trial. */
  async lock(organisationId: OrganisationId, id: string): Promise<void> {
    await this.manager.query('SELECT 1 FROM test_submission WHERE id = $1 AND organisation_id = $2 FOR UPDATE', [
      id,
      organisationId,
    ]);
  }

  /** How many files, and bytes, the trial holds. */
  async held(organisationId: OrganisationId, id: string): Promise<{ files: number; bytes: number }> {
    const [held] = (await this.manager.query(
      `SELECT count(*)::int AS files, coalesce(sum(bytes), 0)::bigint AS bytes FROM test_attachment
        WHERE test_submission_id = $1 AND organisation_id = $2`,
      [id, organisationId],
    )) as Array<{ files: number; bytes: string }>;
    return { files: held?.files ?? 0, bytes: Number(held?.bytes ?? 0) };
  }

  /** A new file of the trial; its id comes back. */
  async addFile(organisationId: OrganisationId, file: NewTrialFile): Promise<string> {
    const files = this.manager.getRepository(TestAttachment);
    return (await files.save(files.create({ organisationId, ...file }))).id;
  }

  /** The ids of the trial's files. */
  async fileIds(organisationId: OrganisationId, id: string): Promise<string[]> {
    const rows = await this.manager
      .getRepository(TestAttachment)
      .find({ where: { testSubmissionId: id, organisationId }, select: { id: true } });
    return rows.map((r) => r.id);
  }
}
