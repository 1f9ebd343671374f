import { organisationId } from '@guichet/shared';
import { TestSubmissionRepository } from '@guichet/submissions';
import { withTestDataSource } from '../support/database';
import { seedCanteenService } from '../support/seed';

/** The designers' trials against the real PostgreSQL: nothing of a trial is read or changed with another organisation's id. */
describe('TestSubmissionRepository', () => {
  const { dataSource: ds } = withTestDataSource();
  let trials: TestSubmissionRepository;

  beforeAll(() => {
    trials = new TestSubmissionRepository(ds);
  });

  it('keeps a trial and its files within the service’s organisation', async () => {
    const seeded = await seedCanteenService(ds, 'essai');
    const other = organisationId((await seedCanteenService(ds, 'essai-other')).org.id);
    const org = organisationId(seeded.org.id);
    const trial = await trials.insert(org, {
      serviceId: seeded.service.id,
      createdBy: 'account:designer',
      definition: seeded.version.definition,
      contentHash: seeded.version.contentHash,
      status: 'draft',
      data: {},
      submittedAt: null,
    });
    expect(trial.organisationId).toBe(org);
    expect((await trials.find(org, seeded.service.id, trial.id))?.id).toBe(trial.id);
    expect(await trials.find(other, seeded.service.id, trial.id)).toBeNull();

    expect(await trials.saveAnswers(other, trial.id, trial.revision, { a: 1 })).toBeNull();
    const saved = await trials.saveAnswers(org, trial.id, trial.revision, { a: 1 });
    expect(saved?.revision).toBe(trial.revision + 1);
    expect(saved?.updatedAt).toBeInstanceOf(Date);
    // The revision it named is gone: another save came first.
    expect(await trials.saveAnswers(org, trial.id, trial.revision, { a: 2 })).toBeNull();

    const fileId = await trials.transaction(async (within) => {
      await within.lock(org, trial.id);
      expect(await within.held(org, trial.id)).toEqual({ files: 0, bytes: 0 });
      return within.addFile(org, {
        testSubmissionId: trial.id,
        pointer: '/certificate',
        filename: 'a.pdf',
        mediaType: 'application/pdf',
        bytes: 3,
        content: Buffer.from('%PD'),
      });
    });
    expect(await trials.held(org, trial.id)).toEqual({ files: 1, bytes: 3 });
    expect(await trials.held(other, trial.id)).toEqual({ files: 0, bytes: 0 });
    expect(await trials.fileIds(org, trial.id)).toEqual([fileId]);
    expect(await trials.fileIds(other, trial.id)).toEqual([]);

    expect(await trials.markSubmitted(other, trial.id, saved!.revision, { a: 1 })).toBe(false);
    expect(await trials.markSubmitted(org, trial.id, saved!.revision, { a: 1 })).toBe(true);
    expect((await trials.find(org, seeded.service.id, trial.id))?.status).toBe('submitted');
  });
});
