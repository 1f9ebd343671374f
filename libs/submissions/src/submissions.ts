import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { createHash, randomUUID } from 'node:crypto';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import {
  FormVersion,
  IdempotencyKey,
  Service,
  Submission,
  SubmissionDocument,
  SubmissionEvent,
  SubmissionMessage,
} from '@guichet/persistence';
import { referencedAttachments, type Attachments } from './attachments';
import {
  ValidatorCache,
  applyPrefill,
  provenanceComment,
  provenanceLines,
  quotientIdentity,
  type AssociationRegistry,
  type CompanyDirectory,
  type FamilyQuotientProvider,
  type AddressDirectory,
} from '@guichet/forms';
import { addOutbox, JobTopic } from '@guichet/queue';
import { AppError, type Locale, type ServiceDefinition, isUuid } from '@guichet/shared';
import { availableTransitions, decide, stateLabel, workflowOf } from '@guichet/workflow';
import { applyDecision, citizenEditable, refuse } from './transitions';
import { identityPointers } from './identity-answers';
import { checkedLookups, prefetchLookups, type LookupProviders } from './lookup-answers';
import { contactOf, searchText } from './contact';
import { FormVersions } from './form-versions';
import { receiptInputOf, type ReceiptInput } from './receipt';
import { newReference } from './reference';
import { assertOpen, assertWithinLimit, intakeRules } from './intake-rules';
import { clearAwaitingReply, messageViews } from './message-files';

/**
 * Who owns a request: a signed-in person (with their identity claims), an
 * anonymous browser session (token `''`: a caller with no session at all, who
 * owns nothing), or the holder of a follow link to one request filed without
 * an account (FollowLinks checked the link; it reaches that request only).
 */
export type Owner =
  | { kind: 'account'; accountId: string; claims: Readonly<Record<string, string>> }
  | { kind: 'anonymous'; token: string }
  | { kind: 'link'; submissionId: string };

import type { SubmissionSummary, SubmissionView } from '@guichet/shared';

export type { SubmissionView };

export interface SubmitResult {
  reference: string;
  status: string;
}

const KEY = /^[\x21-\x7e]{1,255}$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const actorOf = (owner: Owner) => (owner.kind === 'account' ? `account:${owner.accountId}` : 'anonymous');

/**
 * Citizens' requests: drafts that save themselves, and submission. The
 * server is the authority: every save is validated (partially) and every
 * submit (fully) against the version the request was started on. A request
 * belongs to its owner only: any other id is "not found".
 */
export class Submissions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly attachments?: Attachments,
    private readonly validators: ValidatorCache = new ValidatorCache(),
    /** The SIRET fields' directory, checked at submit (issue 23); without it, their answers are kept as typed. */
    private readonly companies?: CompanyDirectory,
    /** The RNA fields' registry, checked at submit like the SIRET fields' directory. */
    private readonly associations?: AssociationRegistry,
    /** The family quotient fields' API (API Particulier), asked for a FranceConnect citizen who consented. */
    private readonly quotients?: FamilyQuotientProvider,
    /** The address fields' directory (API Adresse), checked at submit; without it, addresses are kept as typed. */
    private readonly addresses?: AddressDirectory,
  ) {
    this.versions = FormVersions.of(dataSource);
  }

  /** The request itself, if it is the owner's (for uploads and downloads). */
  owned(id: string, owner: Owner): Promise<Submission> {
    return this.load(id, owner);
  }

  private ownerWhere(owner: Owner) {
    if (owner.kind === 'link') return { id: owner.submissionId, ownerAccountId: IsNull() };
    return owner.kind === 'account' ? { ownerAccountId: owner.accountId } : { anonymousOwner: sha256(owner.token) };
  }

  private async load(
    id: string,
    owner: Owner,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<Submission> {
    if (!isUuid(id) || (owner.kind === 'link' && owner.submissionId !== id)) throw new AppError('NOT_FOUND');
    const submission = await manager.getRepository(Submission).findOne({
      where: { id, ...this.ownerWhere(owner) },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!submission) throw await this.missing(id, owner, manager);
    return submission;
  }

  /**
   * Why a request is not the caller's. Started without an account, it
   * belonged to a browser session that has since expired (or been replaced):
   * saying « session expirée » lets the page offer to keep what it still
   * holds, where « introuvable » lost the citizen's work. Said only to a
   * browser that worked anonymously and has no session any more (owner token
   * `''`, see the API's `required`), and it reveals only that a random id the
   * caller already holds was an anonymous request; to any other caller, or
   * for a signed-in citizen's request, it stays « introuvable ».
   */
  private async missing(id: string, owner: Owner, manager: EntityManager): Promise<AppError> {
    if (owner.kind !== 'anonymous' || owner.token !== '') return new AppError('NOT_FOUND');
    const [anonymous] = (await manager.query(
      'SELECT 1 FROM submission WHERE id = $1 AND anonymous_owner IS NOT NULL AND owner_account_id IS NULL',
      [id],
    )) as unknown[];
    return new AppError(anonymous ? 'SESSION_EXPIRED' : 'NOT_FOUND');
  }

  /**
   * A citizen signs in with anonymous drafts in their browser session: the
   * drafts become their account's (sign-in replaces the session, and its
   * anonymous token with it, so they would otherwise be lost). Identity
   * claims prefill the fields the designer mapped, as for a draft started
   * signed in. Requests already submitted stay as they were filed.
   * Returns the ids claimed.
   */
  async claimAnonymousDrafts(token: string, owner: Extract<Owner, { kind: 'account' }>): Promise<string[]> {
    if (!token) return [];
    return this.dataSource.transaction(async (manager) => {
      const drafts = await manager.getRepository(Submission).find({
        where: { anonymousOwner: sha256(token), status: 'draft' },
        lock: { mode: 'pessimistic_write' },
      });
      for (const draft of drafts) {
        const { definition } = await this.definitionOf(draft, manager);
        draft.ownerAccountId = owner.accountId;
        draft.anonymousOwner = null;
        if (isRecord(draft.data))
          draft.data = applyPrefill(definition, draft.data, owner.claims) as Record<string, unknown>;
        await manager.getRepository(Submission).save(draft);
        // For the record: who held the draft changed (the caseworkers' history, not the citizen's).
        await this.event(manager, draft, owner, 'claimed', null, null, 'internal');
      }
      return drafts.map((d) => d.id);
    });
  }

  private readonly versions: FormVersions;

  private definitionOf(submission: Submission, manager: EntityManager = this.dataSource.manager) {
    return this.versions.get(submission.formVersionId, manager);
  }

  private claimsOf(owner: Owner) {
    return owner.kind === 'account' ? owner.claims : undefined;
  }

  /** Starts a draft on the latest published version of an open service. */
  async createDraft(slug: string, owner: Owner, data: unknown, locale: Locale = 'fr'): Promise<SubmissionView> {
    // A follow link reaches one request filed already: it never starts one.
    if (owner.kind === 'link') throw new AppError('NOT_FOUND');
    const service = await this.dataSource.getRepository(Service).findOneBy({ slug });
    if (!service || service.latestVersion === null || !/^[a-z0-9-]{1,63}$/.test(slug)) throw new AppError('NOT_FOUND');
    if (service.status === 'closed') throw new AppError('SERVICE_CLOSED');
    const version = await this.dataSource.getRepository(FormVersion).findOneByOrFail({
      serviceId: service.id,
      organisationId: service.organisationId,
      number: service.latestVersion,
    });
    const definition = version.definition as unknown as ServiceDefinition;
    if (definition.settings.signIn === 'required' && owner.kind !== 'account') throw new AppError('UNAUTHENTICATED');
    if (definition.settings.closesAt && Date.parse(definition.settings.closesAt) < Date.now())
      throw new AppError('SERVICE_CLOSED');
    // Said at the start rather than after the whole form (submit checks again, under a lock).
    await assertWithinLimit(
      this.dataSource.manager,
      service.id,
      this.ownerWhere(owner),
      definition.settings.maxSubmissionsPerUser ?? null,
      { lock: false },
    );

    const initial = data === undefined || data === null ? {} : data;
    const claims = this.claimsOf(owner);
    const prefilled = claims && isRecord(initial) ? applyPrefill(definition, initial, claims) : initial;
    const outcome = this.validators
      .get(definition, version.contentHash)
      .validate(prefilled, { mode: 'draft', claims, locale });
    if (!outcome.valid)
      throw new AppError('SUBMISSION_INVALID', { errors: outcome.errors, moreErrors: outcome.moreErrors });

    return this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(Submission);
      const submission = await repo.save(
        repo.create({
          organisationId: service.organisationId,
          serviceId: service.id,
          formVersionId: version.id,
          versionNumber: version.number,
          ownerAccountId: owner.kind === 'account' ? owner.accountId : null,
          anonymousOwner: owner.kind === 'anonymous' ? sha256(owner.token) : null,
          status: 'draft',
          data: outcome.data as Record<string, unknown>,
          reference: null,
          submittedAt: null,
        }),
      );
      await this.event(manager, submission, owner, 'created', null, 'draft');
      return this.view(submission, service, manager);
    });
  }

  /**
   * Autosave: replaces the draft's answers. Only what is present is checked,
   * so a half-filled form saves; with `expectedRevision`, a stale save (another
   * tab, another device) is refused with 409 instead of overwriting.
   */
  async autosave(
    id: string,
    owner: Owner,
    data: unknown,
    expectedRevision?: number,
    locale: Locale = 'fr',
  ): Promise<{ id: string; revision: number; savedAt: string }> {
    const { result, released } = await this.dataSource.transaction(async (manager) => {
      const submission = await this.load(id, owner, manager, true);
      const { definition, hash } = await this.definitionOf(submission, manager);
      if (!citizenEditable(workflowOf(definition), submission.status)) throw new AppError('NOT_A_DRAFT');
      // A draft of a service closed since it was opened: the page says so instead of saving what cannot be filed.
      if (submission.status === 'draft') assertOpen(await intakeRules(manager, submission.serviceId));
      if (expectedRevision !== undefined && expectedRevision !== submission.revision) throw new AppError('CONFLICT');
      const outcome = this.validators
        .get(definition, hash)
        .validate(data, { mode: 'draft', claims: this.claimsOf(owner), locale });
      if (!outcome.valid)
        throw new AppError('SUBMISSION_INVALID', { errors: outcome.errors, moreErrors: outcome.moreErrors });
      // Files the saved answers named and these do not (replaced, removed, or their field now hidden).
      const kept = new Set(referencedAttachments(definition.schema, outcome.data).map((r) => r.id));
      const dropped = referencedAttachments(definition.schema, submission.data)
        .map((r) => r.id)
        .filter((ref) => !kept.has(ref));
      // Always an UPDATE, even when the answers are the same: each save is a new revision, so of concurrent saves
      // on one revision exactly one wins (TypeORM's save() skips a row it finds unchanged, revision included).
      // The new revision and time come back with the UPDATE itself: one round trip less on the hottest path.
      const updated = await manager
        .createQueryBuilder()
        .update(Submission)
        .set({ data: outcome.data } as QueryDeepPartialEntity<Submission>)
        .where('id = :id', { id: submission.id })
        .returning('revision, updated_at')
        .execute();
      const saved = (updated.raw as Array<{ revision: number; updated_at: Date }>)[0]!;
      const storageKeys = (await this.attachments?.dropReleased(manager, submission.id, dropped)) ?? [];
      return {
        result: { id: submission.id, revision: saved.revision, savedAt: saved.updated_at.toISOString() },
        released: storageKeys,
      };
    });
    // Bytes once the rows are gone for good: a save rolled back keeps its files.
    if (released.length) await this.attachments?.deleteBytes(released);
    return result;
  }

  /**
   * Submits: full validation against the pinned version (hidden fields
   * dropped, eligibility, locked prefill), then in one transaction the status,
   * the reference, the event and the outbox row. With an Idempotency-Key the
   * same key and body give the first answer again, another body a 422, and a
   * request still in flight a 409.
   */
  async submit(
    id: string,
    owner: Owner,
    options: {
      idempotencyKey?: string;
      body?: unknown;
      locale?: Locale;
      /** The request as `owned(id, owner)` returned it for this submit: its ownership is not checked twice. */
      owned?: Submission;
    } = {},
  ): Promise<SubmitResult> {
    const locale = options.locale ?? 'fr';
    const scope = `submit:${id}`;
    const key = options.idempotencyKey;
    let owned = options.owned?.id === id ? options.owned : undefined;
    if (key !== undefined) {
      // Ownership first: a key is never recorded against someone else's request.
      owned ??= await this.load(id, owner);
      if (!KEY.test(key)) {
        throw new AppError('INVALID_REQUEST', {
          errors: [
            {
              pointer: '',
              code: 'idempotency_key',
              message: 'En-tête Idempotency-Key invalide (1 à 255 caractères visibles).',
            },
          ],
        });
      }
      const requestHash = sha256(JSON.stringify(options.body ?? null));
      if (!(await this.claimKey(scope, key, requestHash))) {
        const existing = await this.dataSource.getRepository(IdempotencyKey).findOneBy({ scope, key });
        if (existing && existing.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
        if (existing?.response) return existing.response as unknown as SubmitResult;
        // Still being processed, or just released by a failed attempt: either way, not now.
        throw new AppError('IDEMPOTENCY_IN_FLIGHT');
      }
      try {
        const result = await this.doSubmit(id, owner, locale, await this.lookupAnswers(id, owner, owned));
        await this.dataSource
          .getRepository(IdempotencyKey)
          .update({ scope, key }, { response: result as never, responseStatus: 200 });
        return result;
      } catch (error) {
        // A refused submit may be corrected and retried with the same key.
        await this.dataSource.getRepository(IdempotencyKey).delete({ scope, key });
        throw error;
      }
    }
    return this.doSubmit(id, owner, locale, await this.lookupAnswers(id, owner, owned));
  }

  /**
   * The lookup providers' answers for this request's values, asked before any transaction
   * (libs/submissions/src/lookup-answers.ts).
   */
  private async lookupAnswers(id: string, owner: Owner, owned?: Submission): Promise<LookupProviders> {
    const providers: LookupProviders = {
      companies: this.companies,
      associations: this.associations,
      quotients: this.quotients,
      addresses: this.addresses,
    };
    if (!Object.values(providers).some(Boolean)) return {};
    const submission = owned ?? (await this.load(id, owner));
    const { definition } = await this.definitionOf(submission);
    return prefetchLookups(definition, submission.data, providers, quotientIdentity(this.claimsOf(owner)));
  }

  /** True when this request is the first with this key (and now holds it). */
  private async claimKey(scope: string, key: string, requestHash: string): Promise<boolean> {
    const inserted: unknown[] = await this.dataSource.query(
      'INSERT INTO idempotency_key (scope, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING scope',
      [scope, key, requestHash],
    );
    return inserted.length > 0;
  }

  private async doSubmit(id: string, owner: Owner, locale: Locale, lookups: LookupProviders): Promise<SubmitResult> {
    // 31^8 references: a collision is rare enough that retrying the whole transaction costs less than a savepoint each time.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.submitOnce(id, owner, locale, lookups);
      } catch (error) {
        const reference =
          (error as { code?: string; constraint?: string }).code === '23505' &&
          String((error as { detail?: string }).detail ?? '').includes('(reference)');
        if (!reference || attempt >= 4) throw error;
      }
    }
  }

  private async submitOnce(id: string, owner: Owner, locale: Locale, lookups: LookupProviders): Promise<SubmitResult> {
    return this.dataSource.transaction(async (manager) => {
      const submission = await this.load(id, owner, manager, true);
      if (submission.status !== 'draft') throw new AppError('NOT_A_DRAFT');
      const rules = await intakeRules(manager, submission.serviceId);
      assertOpen(rules);
      await assertWithinLimit(manager, submission.serviceId, this.ownerWhere(owner), rules.maxSubmissionsPerUser, {
        lock: true,
      });
      const { definition, hash } = await this.definitionOf(submission, manager);
      const outcome = this.validators
        .get(definition, hash)
        .validate(submission.data, { mode: 'submit', claims: this.claimsOf(owner), locale });
      if (!outcome.valid)
        throw new AppError('SUBMISSION_INVALID', { errors: outcome.errors, moreErrors: outcome.moreErrors });
      const missingFiles = (await this.attachments?.checkReferences(submission, definition.schema, outcome.data)) ?? [];
      if (missingFiles.length) throw new AppError('SUBMISSION_INVALID', { errors: missingFiles });
      const data = (await checkedLookups(
        definition,
        outcome.data,
        lookups,
        quotientIdentity(this.claimsOf(owner)),
      )) as Record<string, unknown>;
      const decision = decide(workflowOf(definition), {
        status: 'draft',
        transition: 'submit',
        actor: 'citizen',
        now: new Date(),
      });
      if (!decision.ok) refuse(decision.code);
      // 31^8 references: a collision aborts the transaction, which doSubmit retries.
      const reference = newReference();
      const contact = contactOf(definition, data, this.claimsOf(owner));
      await applyDecision(
        manager,
        submission,
        definition,
        decision,
        actorOf(owner),
        null,
        {
          reference,
          submittedAt: () => 'now()',
          data: () => ':data',
          search: () => "to_tsvector('simple', :search)",
          identityPointers: () => ':identityPointers',
          ...contact,
        },
        {
          data: JSON.stringify(data),
          search: searchText(reference, contact, data),
          // Which answers are the identity provider's, unchanged: the desk says so of those only.
          identityPointers: JSON.stringify(identityPointers(definition, data, this.claimsOf(owner))),
        },
      );
      await this.provenanceEvent(manager, submission, owner, definition, data);
      return { reference, status: decision.to };
    });
  }

  /**
   * A transition the workflow gives the citizen (resubmit after a request for
   * changes): the answers are validated again in full, like a first submit.
   */
  async transition(
    id: string,
    owner: Owner,
    input: { transition: string; comment?: string; expectedRevision?: number },
    locale: Locale = 'fr',
  ): Promise<{ id: string; status: string; revision: number }> {
    const lookups = await this.lookupAnswers(id, owner);
    return this.dataSource.transaction(async (manager) => {
      const submission = await this.load(id, owner, manager, true);
      if (submission.status === 'draft') throw new AppError('NOT_SUBMITTED');
      if (input.expectedRevision !== undefined && input.expectedRevision !== submission.revision)
        throw new AppError('CONFLICT');
      const { definition, hash } = await this.definitionOf(submission, manager);
      const workflow = workflowOf(definition);
      const comment = input.comment?.trim() || null;
      const decision = decide(workflow, {
        status: submission.status,
        transition: input.transition,
        actor: 'citizen',
        comment: comment ?? undefined,
        now: new Date(),
      });
      if (!decision.ok) refuse(decision.code);
      let set: Record<string, unknown> = {};
      let parameters: Record<string, unknown> = {};
      /** The answers as checked again, when the citizen could change them in this state. */
      let checked: unknown;
      if (citizenEditable(workflow, submission.status)) {
        const outcome = this.validators
          .get(definition, hash)
          .validate(submission.data, { mode: 'submit', claims: this.claimsOf(owner), locale });
        if (!outcome.valid)
          throw new AppError('SUBMISSION_INVALID', { errors: outcome.errors, moreErrors: outcome.moreErrors });
        const missing = (await this.attachments?.checkReferences(submission, definition.schema, outcome.data)) ?? [];
        if (missing.length) throw new AppError('SUBMISSION_INVALID', { errors: missing });
        outcome.data = await checkedLookups(definition, outcome.data, lookups, quotientIdentity(this.claimsOf(owner)));
        checked = outcome.data;
        set = {
          data: () => ':data',
          search: () => "to_tsvector('simple', :search)",
          identityPointers: () => ':identityPointers',
        };
        parameters = {
          data: JSON.stringify(outcome.data),
          search: searchText(submission.reference, submission, outcome.data as Record<string, unknown>),
          identityPointers: JSON.stringify(identityPointers(definition, outcome.data, this.claimsOf(owner))),
        };
      }
      const { revision } = await applyDecision(
        manager,
        submission,
        definition,
        decision,
        actorOf(owner),
        comment,
        set,
        parameters,
      );
      if (checked !== undefined) await this.provenanceEvent(manager, submission, owner, definition, checked);
      return { id: submission.id, status: decision.to, revision };
    });
  }

  async get(id: string, owner: Owner): Promise<SubmissionView> {
    const submission = await this.load(id, owner);
    const service = await this.dataSource.getRepository(Service).findOneByOrFail({ id: submission.serviceId });
    return this.view(submission, service);
  }

  /** A message from the citizen to the caseworkers, once the request is submitted. */
  async postMessage(id: string, owner: Owner, body: unknown): Promise<{ id: string; at: string }> {
    const text = typeof body === 'string' ? body.trim() : '';
    if (text.length === 0 || text.length > 5000) {
      throw new AppError('INVALID_REQUEST', {
        errors: [{ pointer: '/body', code: 'length', message: 'Écrivez un message de 1 à 5 000 caractères.' }],
      });
    }
    return this.dataSource.transaction(async (manager) => {
      const submission = await this.load(id, owner, manager);
      if (submission.status === 'draft') throw new AppError('NOT_SUBMITTED');
      const message = await manager.getRepository(SubmissionMessage).save(
        manager.getRepository(SubmissionMessage).create({
          organisationId: submission.organisationId,
          submissionId: submission.id,
          authorKind: 'citizen',
          author: actorOf(owner),
          body: text,
        }),
      );
      const eventId = await this.event(manager, submission, owner, 'message_sent', null, null);
      await clearAwaitingReply(manager, submission, actorOf(owner));
      await addOutbox(manager, {
        organisationId: submission.organisationId,
        topic: JobTopic.NotifyAgents,
        payload: { submissionId: submission.id, eventId, kind: 'citizen_message' },
      });
      return { id: message.id, at: message.createdAt.toISOString() };
    });
  }

  /**
   * Retention of drafts: a draft nobody touched for `months` is deleted with
   * its events and its files. Returns
   * how many. Requests decided long ago follow their service's retention
   * once decisions exist (the workflow issue).
   */
  async purgeStaleDrafts(months = 3, batch = 500): Promise<number> {
    const stale = (await this.dataSource.query(
      `SELECT id FROM submission WHERE status = 'draft' AND updated_at < now() - make_interval(months => $1) LIMIT $2`,
      [months, batch],
    )) as Array<{ id: string }>;
    for (const { id } of stale) {
      // The files' bytes first: once the rows are gone nothing would find them again.
      await this.attachments?.deleteAllOf(id);
      await this.dataSource.getRepository(Submission).delete({ id, status: 'draft' });
    }
    return stale.length;
  }

  /** What a receipt shows: only for the owner, only once submitted. */
  async receipt(id: string, owner: Owner, identity: string | null): Promise<ReceiptInput> {
    const submission = await this.load(id, owner);
    if (submission.status === 'draft' || !submission.reference || !submission.submittedAt)
      throw new AppError('NOT_SUBMITTED');
    const service = await this.dataSource
      .getRepository(Service)
      .findOneOrFail({ where: { id: submission.serviceId }, relations: { organisation: true } });
    const { definition } = await this.definitionOf(submission);
    return receiptInputOf(
      { reference: submission.reference, submittedAt: submission.submittedAt, data: submission.data },
      service,
      definition,
      identity,
    );
  }

  async listMine(owner: Owner): Promise<SubmissionSummary[]> {
    const submissions = await this.dataSource.getRepository(Submission).find({
      where: this.ownerWhere(owner),
      relations: { service: true },
      order: { updatedAt: 'DESC' },
      take: 200,
    });
    const labels = new Map<string, string>();
    for (const s of submissions) {
      const key = `${s.formVersionId}:${s.status}`;
      if (!labels.has(key)) labels.set(key, stateLabel(workflowOf((await this.definitionOf(s)).definition), s.status));
    }
    return submissions.map((s) => ({
      id: s.id,
      service: { slug: s.service!.slug, title: s.service!.title },
      version: s.versionNumber,
      status: s.status,
      statusLabel: labels.get(`${s.formVersionId}:${s.status}`)!,
      revision: s.revision,
      reference: s.reference,
      submittedAt: s.submittedAt?.toISOString() ?? null,
      updatedAt: s.updatedAt.toISOString(),
    }));
  }

  /**
   * Where the lookup fields' values came from (a registry, or typed by the citizen), as the submit-time checks
   * recorded them: one internal history event for the caseworkers, none for a form without lookup fields.
   */
  private async provenanceEvent(
    manager: EntityManager,
    submission: Submission,
    owner: Owner,
    definition: ServiceDefinition,
    data: unknown,
  ): Promise<void> {
    const comment = provenanceComment(provenanceLines(definition, data));
    if (comment !== null) await this.event(manager, submission, owner, 'provenance', null, null, 'internal', comment);
  }

  private async event(
    manager: EntityManager,
    submission: Submission,
    owner: Owner,
    type: string,
    fromStatus: string | null,
    toStatus: string | null,
    visibility: 'public' | 'internal' = 'public',
    comment: string | null = null,
  ) {
    const id = randomUUID();
    await manager.getRepository(SubmissionEvent).insert({
      id,
      organisationId: submission.organisationId,
      submissionId: submission.id,
      actor: actorOf(owner),
      type,
      fromStatus,
      toStatus,
      transition: null,
      comment,
      visibility,
    });
    return id;
  }

  private async view(
    submission: Submission,
    service: Service,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<SubmissionView> {
    const events = await manager
      .getRepository(SubmissionEvent)
      .find({ where: { submissionId: submission.id, visibility: 'public' }, order: { at: 'ASC' } });
    const documents = await manager.getRepository(SubmissionDocument).find({
      where: { submissionId: submission.id },
      select: { id: true, kind: true, filename: true, createdAt: true },
      order: { createdAt: 'ASC' },
    });
    const pinned = await this.definitionOf(submission, manager);
    const workflow = workflowOf(pinned.definition);
    const messages = await manager
      .getRepository(SubmissionMessage)
      .find({ where: { submissionId: submission.id }, order: { createdAt: 'ASC' } });
    return {
      id: submission.id,
      service: { slug: service.slug, title: service.title },
      version: submission.versionNumber,
      status: submission.status,
      statusLabel: stateLabel(workflow, submission.status),
      actions: availableTransitions(workflow, submission.status, 'citizen').map((t) => ({
        transition: t.name,
        label: t.label,
      })),
      revision: submission.revision,
      reference: submission.reference,
      submittedAt: submission.submittedAt?.toISOString() ?? null,
      updatedAt: submission.updatedAt.toISOString(),
      data: submission.data,
      history: events.map((e) => ({
        type: e.type,
        at: e.at.toISOString(),
        toStatus: e.toStatus,
        label: e.toStatus ? stateLabel(workflow, e.toStatus) : null,
        comment: e.comment,
      })),
      documents: documents.map((d) => ({
        id: d.id,
        kind: d.kind,
        filename: d.filename,
        at: d.createdAt.toISOString(),
      })),
      messages: await messageViews(manager, messages),
      // While the citizen may still edit it: the version it is pinned to, so the page renders and checks what the server will.
      form: citizenEditable(workflow, submission.status)
        ? { definition: pinned.definition, validator: `/api/v1/public/validators/${pinned.hash}.js` }
        : undefined,
    };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
