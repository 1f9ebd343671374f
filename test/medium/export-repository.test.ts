import { ExportRepository, InboxRepository } from '@guichet/desk';
import { organisationId } from '@guichet/shared';
import { FormVersions } from '@guichet/submissions';
import { withTestDataSource } from '../support/database';
import { seedCanteenService } from '../support/seed';

/**
 * The statements of the files made by a worker (desk exports, organisation
 * archives) and the inbox's lookups, against the real PostgreSQL: each finds
 * and changes its organisation's rows only, and the worker's claim, which
 * knows the id alone, answers the organisation the run then works in.
 */
describe('ExportRepository and InboxRepository', () => {
  const { dataSource: ds } = withTestDataSource();
  let repository: ExportRepository;

  beforeAll(() => {
    repository = new ExportRepository(ds);
  });

  const ask = (serviceId: string) => ({
    serviceId,
    requestedBy: 'account:1',
    format: 'csv',
    query: { format: 'csv', statuses: 'submitted' },
    scope: { id: 'account:1', organisationIds: [], grants: [] } as never,
    filename: 'cantine-demandes.csv',
    mediaType: 'text/csv; charset=utf-8',
    expiresAt: new Date(Date.now() + 3600_000),
  });

  it('records one export and its outbox row, answers it again while it waits, and only within its organisation', async () => {
    const mine = await seedCanteenService(ds, 'export-a');
    const other = await seedCanteenService(ds, 'export-b');
    const org = organisationId(mine.org.id);
    const otherOrg = organisationId(other.org.id);

    const first = await repository.requestExport(org, ask(mine.service.id));
    expect(first.created).toBe(true);
    expect(first.row).toMatchObject({ organisationId: org, serviceId: mine.service.id, status: 'pending' });
    const again = await repository.requestExport(org, ask(mine.service.id));
    expect(again).toMatchObject({ created: false, row: { id: first.row.id } });
    const outbox = (await ds.query(
      `SELECT organisation_id, payload FROM outbox WHERE topic = 'desk.export'`,
    )) as Array<{
      organisation_id: string;
      payload: { exportId: string };
    }>;
    expect(outbox.filter((row) => row.payload.exportId === first.row.id)).toEqual([
      { organisation_id: org, payload: { exportId: first.row.id } },
    ]);

    expect(await repository.findExport(org, mine.service.id, first.row.id)).toMatchObject({ id: first.row.id });
    expect(await repository.findExport(otherOrg, mine.service.id, first.row.id)).toBeNull();
    expect(await repository.findExport(org, other.service.id, first.row.id)).toBeNull();
    expect(await repository.serviceSlug(org, mine.service.id)).toBe('cantine-export-a');
    expect(await repository.serviceSlug(otherOrg, mine.service.id)).toBeUndefined();
  });

  it('claims a run by id alone and answers its organisation; the run’s writes change nothing of another organisation', async () => {
    const mine = await seedCanteenService(ds, 'run-a');
    const other = await seedCanteenService(ds, 'run-b');
    const org = organisationId(mine.org.id);
    const otherOrg = organisationId(other.org.id);
    const { row } = await repository.requestExport(org, ask(mine.service.id));

    const claim = await repository.claimRunInAnyOrganisation('desk_export', 'pending', row.id);
    expect(claim).toEqual({ organisationId: org, attempt: 1, oldAttempt: 0, oldParts: 0 });
    const run = { id: row.id, attempt: 1 };
    expect(await repository.setParts(otherOrg, 'desk_export', run, 5)).toBe(false);
    expect(await repository.setParts(org, 'desk_export', run, 1)).toBe(true);
    // An older attempt is superseded.
    expect(await repository.setParts(org, 'desk_export', { id: row.id, attempt: 0 }, 2)).toBe(false);
    const made = { rows: 3, bytes: 10, parts: 1, ttlMs: 60_000 };
    expect(await repository.exportReady(otherOrg, run, made)).toBe(false);
    expect(await repository.exportReady(org, run, made)).toBe(true);
    expect(await repository.deskExport(org, row.id)).toMatchObject({ status: 'ready', rows: 3, parts: 1 });
    await expect(repository.deskExport(otherOrg, row.id)).rejects.toThrow();
    // Ready: nothing more to claim.
    expect(await repository.claimRunInAnyOrganisation('desk_export', 'pending', row.id)).toBeNull();
  });

  it('records a failed run, finds the expired files of every organisation, and deletes within one', async () => {
    const mine = await seedCanteenService(ds, 'gone-a');
    const org = organisationId(mine.org.id);
    const otherOrg = organisationId((await seedCanteenService(ds, 'gone-b')).org.id);
    const { row } = await repository.requestArchive(org, 'account:1', new Date(Date.now() + 3600_000));
    expect(await repository.findArchive(org, row.id)).toMatchObject({ id: row.id, status: 'queued' });
    expect(await repository.findArchive(otherOrg, row.id)).toBeNull();
    expect((await repository.requestArchive(org, 'account:2', new Date())).created).toBe(false);

    const claim = await repository.claimRunInAnyOrganisation('organisation_archive', 'queued', row.id);
    await repository.endRun(org, 'organisation_archive', { id: row.id, attempt: claim!.attempt }, 'failed', 'raté');
    expect(await repository.archive(org, row.id)).toMatchObject({ status: 'failed', error: 'raté', parts: 0 });
    expect(await repository.organisationSlug(org)).toBe('gone-a');

    await ds.query(`UPDATE organisation_archive SET expires_at = now() - interval '1 hour' WHERE id = $1`, [row.id]);
    const expired = await repository.expiredInAnyOrganisation('organisation_archive', 100);
    expect(expired).toContainEqual({ id: row.id, organisationId: org, attempt: 1, parts: 0 });
    await repository.deleteFile(otherOrg, 'organisation_archive', row.id);
    expect(await repository.findArchive(org, row.id)).not.toBeNull();
    await repository.deleteFile(org, 'organisation_archive', row.id);
    expect(await repository.findArchive(org, row.id)).toBeNull();
  });

  it('reads a service’s definition, versions and organisation within that organisation only', async () => {
    const inbox = new InboxRepository(ds);
    const mine = await seedCanteenService(ds, 'inbox-a');
    const org = organisationId(mine.org.id);
    const otherOrg = organisationId((await seedCanteenService(ds, 'inbox-b')).org.id);
    expect(await inbox.serviceInAnyOrganisation('cantine-inbox-a')).toMatchObject({ id: mine.service.id });
    // The inbox reads the definition through the versions' cache, by organisation, service and number.
    const versions = FormVersions.detached(ds, 10);
    expect((await versions.numbered(org, mine.service.id, 1)).definition).toEqual(mine.version.definition);
    await expect(versions.numbered(otherOrg, mine.service.id, 1)).rejects.toThrow();
    await expect(versions.numbered(org, mine.service.id, 2)).rejects.toThrow();
    expect(await inbox.versionIds(org, mine.service.id)).toEqual([mine.version.id]);
    expect(await inbox.versionIds(otherOrg, mine.service.id)).toEqual([]);
    expect((await inbox.organisation(org)).name).toBe('inbox-a');
    expect((await inbox.servicesOf([org])).map((row) => row.slug)).toEqual(['cantine-inbox-a']);
  });
});
