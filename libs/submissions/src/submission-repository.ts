import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Not, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { Submission } from '@guichet/persistence';

/** The columns that say a request is one owner's (see `ownerWhere` in ./use-cases/owner). */
export type OwnerColumns = FindOptionsWhere<Submission>;

/** A draft's row as createDraft writes it (the organisation is its service's). */
export type NewDraft = Pick<
  Submission,
  | 'organisationId'
  | 'serviceId'
  | 'formVersionId'
  | 'versionNumber'
  | 'ownerAccountId'
  | 'anonymousOwner'
  | 'status'
  | 'data'
  | 'reference'
  | 'submittedAt'
>;

/**
 * The submission table as the citizens' use cases read and write it. Each
 * method takes the manager of the caller's transaction (the data source's
 * manager outside one): the use case decides where its transaction starts
 * and which rows it locks.
 *
 * Tenant: these are owner-side reads. A citizen does not know the
 * organisation of a request and is not asked for it: the owner's columns
 * (account, anonymous session, or the one id a follow link opens) take the
 * place of `organisation_id`, and the methods say so in their names
 * (`…OwnedBy`, `owned…`). Writes go to a row the use case has just read as
 * the owner's. The retention job's read spans every organisation and says
 * so. Caseworkers' reads go through the desk (`locate`), not through here.
 */
export class SubmissionRepository {
  /** Owner-side: the request with this id if these owner columns match it (locked FOR UPDATE with `lock`). */
  ownedBy(manager: EntityManager, id: string, owner: OwnerColumns, lock = false): Promise<Submission | null> {
    return manager.getRepository(Submission).findOne({
      where: { id, ...owner },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  /**
   * Owner-side, for a caller who owns nothing: whether this id is a request
   * started without an account (only that, so « session expirée » reveals nothing more).
   */
  async isAnonymousRequest(manager: EntityManager, id: string): Promise<boolean> {
    const [anonymous] = (await manager.query(
      'SELECT 1 FROM submission WHERE id = $1 AND anonymous_owner IS NOT NULL AND owner_account_id IS NULL',
      [id],
    )) as unknown[];
    return Boolean(anonymous);
  }

  /** Owner-side: an anonymous session's drafts (by the hash of its token), locked, for its citizen to claim. */
  draftsOwnedByAnonymousForUpdate(manager: EntityManager, anonymousOwner: string): Promise<Submission[]> {
    return manager.getRepository(Submission).find({
      where: { anonymousOwner, status: 'draft' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Writes a claimed draft back: its new owner and its prefilled answers. */
  saveClaimed(manager: EntityManager, draft: Submission): Promise<Submission> {
    return manager.getRepository(Submission).save(draft);
  }

  /** A new draft; the row comes back with its id, revision and times. */
  insertDraft(manager: EntityManager, draft: NewDraft): Promise<Submission> {
    const repo = manager.getRepository(Submission);
    return repo.save(repo.create(draft));
  }

  /**
   * Autosave's write. Always an UPDATE, even when the answers are the same:
   * each save is a new revision, so of concurrent saves on one revision
   * exactly one wins (TypeORM's save() skips a row it finds unchanged,
   * revision included). The new revision and time come back with the UPDATE
   * itself: one round trip less on the hottest path.
   */
  async saveAnswers(manager: EntityManager, id: string, data: unknown): Promise<{ revision: number; updatedAt: Date }> {
    return (await this.saveAnswersIf(manager, id, data, null))!;
  }

  /**
   * The same write, only if the request is still at `revision` (null: whatever it is): a compare-and-set that
   * needs neither a lock nor a transaction. Null when another write came first.
   */
  async saveAnswersIf(
    manager: EntityManager,
    id: string,
    data: unknown,
    revision: number | null,
  ): Promise<{ revision: number; updatedAt: Date } | null> {
    const query = manager
      .createQueryBuilder()
      .update(Submission)
      .set({ data } as QueryDeepPartialEntity<Submission>)
      .where('id = :id', { id });
    if (revision !== null) query.andWhere('revision = :revision', { revision });
    const updated = await query.returning('revision, updated_at').execute();
    const saved = (updated.raw as Array<{ revision: number; updated_at: Date }>)[0];
    return saved ? { revision: saved.revision, updatedAt: saved.updated_at } : null;
  }

  /** Owner-side: how many requests these owner columns filed on this service (drafts not counted). */
  countFiledBy(manager: EntityManager, serviceId: string, owner: OwnerColumns): Promise<number> {
    return manager.getRepository(Submission).count({ where: { ...owner, serviceId, status: Not('draft') } });
  }

  /** Owner-side: the owner's requests with their service, most recently changed first. */
  listOwnedBy(manager: EntityManager, owner: OwnerColumns, limit: number): Promise<Submission[]> {
    return manager.getRepository(Submission).find({
      where: owner,
      relations: { service: true },
      order: { updatedAt: 'DESC' },
      take: limit,
    });
  }

  /** Retention, across every organisation on purpose: drafts nobody touched for `months` (at most `batch`). */
  async staleDraftIds(manager: EntityManager, months: number, batch: number): Promise<string[]> {
    const stale = (await manager.query(
      `SELECT id FROM submission WHERE status = 'draft' AND updated_at < now() - make_interval(months => $1) LIMIT $2`,
      [months, batch],
    )) as Array<{ id: string }>;
    return stale.map((row) => row.id);
  }

  /** Deletes a draft (a request filed meanwhile stays). */
  async deleteDraft(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(Submission).delete({ id, status: 'draft' });
  }
}
