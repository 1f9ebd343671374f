import { Not, type DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { Submission, namedStatement, runNamed, type NamedStatement } from '@guichet/persistence';

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
  /**
   * Owner-side: the request with this id if these owner columns match it (locked FOR UPDATE with `lock`).
   * Every autosave and submit starts here: for an account's or an anonymous session's request, the statement is
   * written once and its row hydrated by TypeORM's own column rules, without building a query per call (that
   * building was about a tenth of the API's CPU per autosave). Other owners go through `findOne`.
   */
  async ownedBy(manager: EntityManager, id: string, owner: OwnerColumns, lock = false): Promise<Submission | null> {
    const keys = Object.keys(owner);
    const [key] = keys;
    const value = key === undefined ? undefined : (owner as Record<string, unknown>)[key];
    if (keys.length === 1 && (key === 'ownerAccountId' || key === 'anonymousOwner') && typeof value === 'string') {
      const reader = rowReader(manager);
      const [row] = (await manager.query(
        `SELECT ${reader.columns} FROM submission WHERE id = $1 AND ${OWNER_COLUMN[key]} = $2${lock ? ' FOR UPDATE' : ''}`,
        [id, value],
      )) as Array<Record<string, unknown>>;
      return row ? reader.hydrate(row) : null;
    }
    return manager.getRepository(Submission).findOne({
      where: { id, ...owner },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  /**
   * Owner-side: `ownedBy` locked, and in the same statement the value of the SQL `also`, which may name the row's
   * columns as `submission."column"` (the submit's intake rules: a round trip fewer per submit, issue 22). Null
   * when the request is not the owner's; undefined for an owner whose read goes through `findOne` (the caller then
   * reads what `also` would have told on its own).
   */
  async lockedOwnedWith(
    manager: EntityManager,
    id: string,
    owner: OwnerColumns,
    also: string,
  ): Promise<{ submission: Submission; also: unknown } | null | undefined> {
    const keys = Object.keys(owner);
    const [key] = keys;
    const value = key === undefined ? undefined : (owner as Record<string, unknown>)[key];
    if (keys.length !== 1 || (key !== 'ownerAccountId' && key !== 'anonymousOwner') || typeof value !== 'string') {
      return undefined;
    }
    const reader = rowReader(manager);
    const [row] = (await manager.query(
      `SELECT ${reader.columns}, ${also} AS "also" FROM submission WHERE id = $1 AND ${OWNER_COLUMN[key]} = $2 FOR UPDATE`,
      [id, value],
    )) as Array<Record<string, unknown>>;
    return row ? { submission: reader.hydrate(row), also: row.also } : null;
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
    // What TypeORM's update writes for this entity (the version column and the update date with the answers),
    // as one fixed statement.
    const [saved] = (await manager.query(
      `UPDATE submission SET data = $2, revision = revision + 1, updated_at = CURRENT_TIMESTAMP
        WHERE id = $1${revision !== null ? ' AND revision = $3' : ''} RETURNING revision, updated_at`,
      revision !== null ? [id, JSON.stringify(data), revision] : [id, JSON.stringify(data)],
    )) as [Array<{ revision: number; updated_at: Date }>, number];
    const row = saved[0];
    return row ? { revision: row.revision, updatedAt: row.updated_at } : null;
  }

  /**
   * Owner-side, autosave's write in one statement (issue 22): `saveAnswersIf`'s UPDATE on the request with this id
   * only if, when it runs, these owner columns match it (as `ownedBy` reads it), it is still on `formVersionId` of
   * `serviceId` (the version whose validator checked `data`), its status is one of `statuses` (those in which its
   * citizen may edit it) and, when `revision` is a number, it is still at that revision. A named statement, outside
   * any transaction. Null when the row did not match all of that (the caller then reads it and decides as before);
   * undefined for an owner that `ownedBy` reads through `findOne` (a follow link).
   */
  async saveAnswersWhere(
    dataSource: DataSource,
    id: string,
    owner: OwnerColumns,
    expected: { formVersionId: string; serviceId: string; statuses: readonly string[]; revision: number | null },
    data: unknown,
  ): Promise<{ revision: number; updatedAt: Date } | null | undefined> {
    const keys = Object.keys(owner);
    const [key] = keys;
    const value = key === undefined ? undefined : (owner as Record<string, unknown>)[key];
    if (keys.length !== 1 || (key !== 'ownerAccountId' && key !== 'anonymousOwner') || typeof value !== 'string') {
      return undefined;
    }
    const withRevision = expected.revision !== null;
    const values: unknown[] = [
      id,
      value,
      expected.formVersionId,
      expected.serviceId,
      expected.statuses,
      JSON.stringify(data),
    ];
    if (withRevision) values.push(expected.revision);
    const [row] = await runNamed<{ revision: number; updated_at: Date }>(
      dataSource,
      SAVE_ANSWERS_WHERE[key][withRevision ? 1 : 0],
      values,
    );
    return row ? { revision: row.revision, updatedAt: row.updated_at } : null;
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

const OWNER_COLUMN = { ownerAccountId: 'owner_account_id', anonymousOwner: 'anonymous_owner' } as const;

/** `saveAnswersWhere`'s statements, by owner column, without then with the revision compared. */
const SAVE_ANSWERS_WHERE = Object.fromEntries(
  (Object.keys(OWNER_COLUMN) as Array<keyof typeof OWNER_COLUMN>).map((key) => [
    key,
    ([false, true] as const).map((withRevision) =>
      namedStatement(
        `guichet_autosave_${OWNER_COLUMN[key]}${withRevision ? '_revision' : ''}`,
        `UPDATE submission SET data = $6, revision = revision + 1, updated_at = CURRENT_TIMESTAMP
          WHERE id = $1 AND ${OWNER_COLUMN[key]} = $2 AND form_version_id = $3 AND service_id = $4
            AND status = ANY($5::text[])${withRevision ? ' AND revision = $7' : ''}
          RETURNING revision, updated_at`,
      ),
    ),
  ]),
) as unknown as Record<keyof typeof OWNER_COLUMN, readonly [NamedStatement, NamedStatement]>;

interface RowReader {
  /** Every column of the table, in the select list. */
  columns: string;
  /** An entity from a row, each value converted as TypeORM converts it (dates, JSON, transformers). */
  hydrate(row: Record<string, unknown>): Submission;
}

const readers = new WeakMap<object, RowReader>();

/** The submission table's select list and hydration, built once per data source from its metadata. */
function rowReader(manager: EntityManager): RowReader {
  const known = readers.get(manager.connection);
  if (known) return known;
  const metadata = manager.connection.getMetadata(Submission);
  const driver = manager.connection.driver;
  const columns = metadata.columns.filter((column) => column.isSelect);
  const reader: RowReader = {
    columns: columns.map((column) => `"${column.databaseName}"`).join(', '),
    hydrate(row) {
      const entity = metadata.create() as Submission;
      for (const column of columns)
        column.setEntityValue(entity, driver.prepareHydratedValue(row[column.databaseName], column));
      return entity;
    },
  };
  readers.set(manager.connection, reader);
  return reader;
}
