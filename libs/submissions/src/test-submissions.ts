import type { DataSource } from 'typeorm';
import { checkedCommunes } from './commune-answers';
import type { TestSubmission } from '@guichet/persistence';
import { ServiceCatalogue, ValidatorCache, definitionHash } from '@guichet/forms';
import type { Actor } from '@guichet/identity';
import {
  AppError,
  organisationId,
  type Locale,
  type ServiceDefinition,
  type TestSubmissionView,
  isUuid,
} from '@guichet/shared';
import { checkedUpload, fieldSchema, referencedAttachments, storedFilename, type UploadedFile } from './attachments';
import { TestSubmissionRepository } from './test-submission-repository';

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
  private readonly trials: TestSubmissionRepository;

  constructor(
    dataSource: DataSource,
    private readonly catalogue: ServiceCatalogue = new ServiceCatalogue(dataSource),
    private readonly validators: ValidatorCache = new ValidatorCache(),
  ) {
    this.trials = new TestSubmissionRepository(dataSource);
  }

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
    const trial = await this.trials.find(organisationId(service.organisationId), service.id, id);
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
    const trial = await this.trials.insert(organisationId(service.organisationId), {
      serviceId: service.id,
      createdBy: actor.id,
      definition: service.draftDefinition,
      contentHash: hash,
      status: 'draft',
      data: outcome.data as Record<string, unknown>,
      submittedAt: null,
    });
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
    const saved = await this.trials.saveAnswers(
      organisationId(trial.organisationId),
      trial.id,
      trial.revision,
      outcome.data,
    );
    if (!saved) throw new AppError('CONFLICT');
    return { id: trial.id, revision: saved.revision, savedAt: saved.updatedAt.toISOString() };
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
    if (
      !(await this.trials.markSubmitted(organisationId(trial.organisationId), trial.id, trial.revision, outcome.data))
    )
      throw new AppError('CONFLICT');
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
    const mediaType = checkedUpload(file, limit, accept);
    const organisation = organisationId(trial.organisationId);
    return this.trials.transaction(async (trials) => {
      // One upload at a time per trial, so that two at once cannot both pass the quota.
      await trials.lock(organisation, trial.id);
      const held = await trials.held(organisation, trial.id);
      if (held.files >= TRIAL_FILE_QUOTA.files || held.bytes + file.bytes.length > TRIAL_FILE_QUOTA.bytes)
        throw new AppError('FILES_QUOTA_EXCEEDED', {
          params: { limit: `${TRIAL_FILE_QUOTA.files} fichiers, ${TRIAL_FILE_QUOTA.bytes / 1024 / 1024} Mo par essai` },
        });
      const attachmentId = await trials.addFile(organisation, {
        testSubmissionId: trial.id,
        pointer,
        filename: storedFilename(file.filename, mediaType),
        mediaType,
        bytes: file.bytes.length,
        content: file.bytes,
      });
      return { attachmentId, mediaType, bytes: file.bytes.length };
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
    const ids = new Set(await this.trials.fileIds(organisationId(trial.organisationId), trial.id));
    return refs
      .filter((r) => !ids.has(r.id))
      .map((r) => ({
        pointer: r.pointer,
        code: 'x-file',
        message: 'Joignez le fichier à nouveau : la pièce jointe est introuvable.',
      }));
  }
}
