import type { DataSource } from 'typeorm';
import { checkedCommunes } from './commune-answers';
import { TestAttachment, TestSubmission } from '@guichet/persistence';
import { ServiceCatalogue, ValidatorCache, definitionHash } from '@guichet/forms';
import type { Actor } from '@guichet/identity';
import { AppError, type Locale, type ServiceDefinition, type TestSubmissionView, isUuid } from '@guichet/shared';
import {
  accepted,
  fieldSchema,
  referencedAttachments,
  safeFilename,
  sniffMediaType,
  type UploadedFile,
} from './attachments';

/**
 * What one trial may hold: enough to go through every page of a form (a few
 * documents), little enough that a designer's tests never weigh on the
 * database where their bytes are kept.
 */
export const TRIAL_FILE_QUOTA = { files: 10, bytes: 20 * 1024 * 1024 } as const;

export type { TestSubmissionView };

/**
 * The designers' test mode: fill the DRAFT of a service as a citizen would,
 * with the same server-side validation, without creating a request. A trial
 * lives in its own table (never in `submission`), so no inbox, export, count,
 * email, webhook or retention job can see it; it writes no event and no outbox
 * row, and publishing the service deletes its trials. Reached by the
 * service's designers only (404 for anybody else, like every designer route).
 */
export class TestSubmissions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly catalogue: ServiceCatalogue = new ServiceCatalogue(dataSource),
    private readonly validators: ValidatorCache = new ValidatorCache(),
  ) {}

  private view(trial: TestSubmission, service: { slug: string; title: string }): TestSubmissionView {
    return {
      id: trial.id,
      test: true,
      service: { slug: service.slug, title: service.title },
      status: trial.status,
      revision: trial.revision,
      data: trial.data,
      definition: trial.definition as unknown as ServiceDefinition,
      submittedAt: trial.submittedAt?.toISOString() ?? null,
      updatedAt: trial.updatedAt.toISOString(),
      url: `/demarches/${service.slug}?brouillon=${trial.id}&test=1`,
    };
  }

  private async load(actor: Actor, slug: string, id: string, act: boolean) {
    const service = await this.catalogue.reach(actor, slug, { act });
    if (!isUuid(id)) throw new AppError('NOT_FOUND');
    const trial = await this.dataSource
      .getRepository(TestSubmission)
      .findOneBy({ id, serviceId: service.id, organisationId: service.organisationId });
    if (!trial) throw new AppError('NOT_FOUND');
    return { service, trial };
  }

  /** Starts a trial on the draft as it is now. */
  async create(actor: Actor, slug: string, data: unknown, locale: Locale = 'fr'): Promise<TestSubmissionView> {
    const service = await this.catalogue.reach(actor, slug, { act: true });
    const definition = service.draftDefinition as unknown as ServiceDefinition;
    const hash = definitionHash(definition);
    const initial = data === undefined || data === null ? {} : data;
    const outcome = this.validators.get(definition, hash).validate(initial, { mode: 'draft', locale });
    if (!outcome.valid)
      throw new AppError('SUBMISSION_INVALID', { errors: outcome.errors, moreErrors: outcome.moreErrors });
    const repo = this.dataSource.getRepository(TestSubmission);
    const trial = await repo.save(
      repo.create({
        organisationId: service.organisationId,
        serviceId: service.id,
        createdBy: actor.id,
        definition: service.draftDefinition,
        contentHash: hash,
        status: 'draft',
        data: outcome.data as Record<string, unknown>,
        submittedAt: null,
      }),
    );
    return this.view(trial, service);
  }

  async get(actor: Actor, slug: string, id: string): Promise<TestSubmissionView> {
    const { service, trial } = await this.load(actor, slug, id, false);
    return this.view(trial, service);
  }

  /** Autosave, validated partially against the trial's definition, like a citizen's draft. */
  async autosave(
    actor: Actor,
    slug: string,
    id: string,
    data: unknown,
    expectedRevision?: number,
    locale: Locale = 'fr',
  ): Promise<{ id: string; revision: number; savedAt: string }> {
    const { trial } = await this.load(actor, slug, id, true);
    if (trial.status !== 'draft') throw new AppError('NOT_A_DRAFT');
    if (expectedRevision !== undefined && expectedRevision !== trial.revision) throw new AppError('CONFLICT');
    const outcome = this.validators
      .get(trial.definition as unknown as ServiceDefinition, trial.contentHash)
      .validate(data, { mode: 'draft', locale });
    if (!outcome.valid)
      throw new AppError('SUBMISSION_INVALID', { errors: outcome.errors, moreErrors: outcome.moreErrors });
    const result = await this.dataSource
      .getRepository(TestSubmission)
      .createQueryBuilder()
      .update()
      .set({ data: outcome.data as never })
      .where('id = :id AND revision = :revision AND status = :status', {
        id: trial.id,
        revision: trial.revision,
        status: 'draft',
      })
      .returning('revision, updated_at')
      .execute();
    const row = (result.raw as Array<{ revision: number; updated_at: Date }>)[0];
    if (!row) throw new AppError('CONFLICT');
    return { id: trial.id, revision: row.revision, savedAt: new Date(row.updated_at).toISOString() };
  }

  /**
   * Full validation, as a real submit; on success the trial is marked
   * submitted and nothing else happens: no reference, no event, no outbox row.
   */
  async submit(
    actor: Actor,
    slug: string,
    id: string,
    locale: Locale = 'fr',
  ): Promise<{ id: string; test: true; reference: null; status: string }> {
    const { trial } = await this.load(actor, slug, id, true);
    if (trial.status !== 'draft') throw new AppError('NOT_A_DRAFT');
    const definition = trial.definition as unknown as ServiceDefinition;
    const outcome = this.validators.get(definition, trial.contentHash).validate(trial.data, { mode: 'submit', locale });
    if (!outcome.valid)
      throw new AppError('SUBMISSION_INVALID', { errors: outcome.errors, moreErrors: outcome.moreErrors });
    // As at a real submit: every file the answers name was sent for this very trial.
    const missing = await this.missingFiles(trial, definition, outcome.data);
    if (missing.length) throw new AppError('SUBMISSION_INVALID', { errors: missing });
    outcome.data = await checkedCommunes(definition, outcome.data);
    const result = await this.dataSource
      .getRepository(TestSubmission)
      .update(
        { id: trial.id, status: 'draft', revision: trial.revision },
        { status: 'submitted', submittedAt: new Date(), data: outcome.data as never },
      );
    if (!result.affected) throw new AppError('CONFLICT');
    return { id: trial.id, test: true, reference: null, status: 'submitted' };
  }

  /**
   * A file for a file field of a trial, checked as a citizen's is (the
   * field's types read from the content, its size, at most `maxBytes` for the
   * installation) and kept with the trial, bytes included: deleting the trial
   * deletes it. Gives the id the answers then hold, as for a real request.
   */
  async storeFile(
    actor: Actor,
    slug: string,
    id: string,
    pointer: string,
    file: UploadedFile,
    maxBytes: number,
  ): Promise<{ attachmentId: string; mediaType: string; bytes: number }> {
    const { trial } = await this.load(actor, slug, id, true);
    if (trial.status !== 'draft') throw new AppError('NOT_A_DRAFT');
    const { limit, accept } = this.limitFor(trial, pointer, maxBytes);
    if (file.truncated || file.bytes.length > limit)
      throw new AppError('PAYLOAD_TOO_LARGE', { params: { limit: `${Math.round(limit / 1024 / 1024)} Mo` } });
    const mediaType = sniffMediaType(file.bytes.subarray(0, 16));
    if (!mediaType || !accepted(accept, mediaType))
      throw new AppError('FILE_TYPE_NOT_ACCEPTED', { params: { accepted: accept.join(', ') } });
    return this.dataSource.transaction(async (manager) => {
      // One upload at a time per trial, so that two at once cannot both pass the quota.
      await manager.query('SELECT 1 FROM test_submission WHERE id = $1 FOR UPDATE', [trial.id]);
      const [held] = (await manager.query(
        'SELECT count(*)::int AS files, coalesce(sum(bytes), 0)::bigint AS bytes FROM test_attachment WHERE test_submission_id = $1',
        [trial.id],
      )) as Array<{ files: number; bytes: string }>;
      if (
        (held?.files ?? 0) >= TRIAL_FILE_QUOTA.files ||
        Number(held?.bytes ?? 0) + file.bytes.length > TRIAL_FILE_QUOTA.bytes
      )
        throw new AppError('FILES_QUOTA_EXCEEDED', {
          params: { limit: `${TRIAL_FILE_QUOTA.files} fichiers, ${TRIAL_FILE_QUOTA.bytes / 1024 / 1024} Mo par essai` },
        });
      const row = await manager.getRepository(TestAttachment).save(
        manager.getRepository(TestAttachment).create({
          organisationId: trial.organisationId,
          testSubmissionId: trial.id,
          pointer,
          filename: safeFilename(file.filename),
          mediaType,
          bytes: file.bytes.length,
          content: file.bytes,
        }),
      );
      return { attachmentId: row.id, mediaType, bytes: file.bytes.length };
    });
  }

  /** The byte limit and types of a file field of the trial's definition (for the upload parser too). */
  limitFor(trial: Pick<TestSubmission, 'definition'>, pointer: string, maxBytes: number) {
    const definition = trial.definition as unknown as ServiceDefinition;
    let schema: unknown;
    try {
      schema = fieldSchema(definition.schema, pointer);
    } catch {
      schema = undefined;
    }
    const config =
      schema && typeof schema === 'object'
        ? ((schema as Record<string, unknown>)['x-file'] as { accept?: string[]; maxBytes?: number } | undefined)
        : undefined;
    if (!config)
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/pointer', code: 'not_a_file_field', message: 'Ce champ n’accepte pas de fichier.' }],
      });
    return {
      limit: Math.min(config.maxBytes ?? 10 * 1024 * 1024, maxBytes),
      accept: config.accept ?? ['application/pdf', 'image/*'],
    };
  }

  private async missingFiles(trial: TestSubmission, definition: ServiceDefinition, data: unknown) {
    const refs = referencedAttachments(definition.schema, data);
    if (refs.length === 0) return [];
    const rows = await this.dataSource
      .getRepository(TestAttachment)
      .find({ where: { testSubmissionId: trial.id }, select: { id: true } });
    const ids = new Set(rows.map((r) => r.id));
    return refs
      .filter((r) => !ids.has(r.id))
      .map((r) => ({
        pointer: r.pointer,
        code: 'x-file',
        message: 'Joignez le fichier à nouveau : la pièce jointe est introuvable.',
      }));
  }
}
