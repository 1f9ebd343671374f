import type { DataSource } from 'typeorm';
import type { Submission } from '@guichet/persistence';
import {
  ValidatorCache,
  type AddressDirectory,
  type AssociationRegistry,
  type CompanyDirectory,
  type FamilyQuotientProvider,
} from '@guichet/forms';
import type { Locale, SubmissionSummary, SubmissionView } from '@guichet/shared';
import type { Attachments } from './attachments';
import { FormVersions } from './form-versions';
import { SubmissionRepository } from './submission-repository';
import type { ReceiptInput } from './receipt';
import { Autosave, type AutosaveResult } from './use-cases/autosave';
import { CitizenTransition } from './use-cases/citizen-transition';
import { listOwned, ownedReceipt, ownedView } from './use-cases/citizen-reads';
import { ClaimAnonymousDrafts } from './use-cases/claim-drafts';
import { CreateDraft } from './use-cases/create-draft';
import type { CitizenDeps } from './use-cases/deps';
import { loadOwned, type Owner } from './use-cases/owner';
import { PostMessage } from './use-cases/post-message';
import { purgeStaleDrafts } from './use-cases/purge-stale-drafts';
import { Submit, type SubmitCheck, type SubmitResult } from './use-cases/submit';

export type { Owner, SubmissionView, SubmitCheck, SubmitResult };

/**
 * Citizens' requests: drafts that save themselves, and submission. The
 * server is the authority: every save is validated (partially) and every
 * submit (fully) against the version the request was started on. A request
 * belongs to its owner only: any other id is "not found".
 *
 * One method per operation, each handing over to its use case in
 * ./use-cases (the API and the worker call this class, never those).
 */
export class Submissions {
  private readonly deps: CitizenDeps;
  private readonly drafts: CreateDraft;
  private readonly saves: Autosave;
  private readonly submits: Submit;
  private readonly transitions: CitizenTransition;
  private readonly claimDrafts: ClaimAnonymousDrafts;
  private readonly messages: PostMessage;

  constructor(
    dataSource: DataSource,
    attachments?: Attachments,
    validators: ValidatorCache = new ValidatorCache(),
    /** The SIRET fields' directory, checked at submit (issue 23); without it, their answers are kept as typed. */
    companies?: CompanyDirectory,
    /** The RNA fields' registry, checked at submit like the SIRET fields' directory. */
    associations?: AssociationRegistry,
    /** The family quotient fields' API (API Particulier), asked for a FranceConnect citizen who consented. */
    quotients?: FamilyQuotientProvider,
    /** The address fields' directory (API Adresse), checked at submit; without it, addresses are kept as typed. */
    addresses?: AddressDirectory,
  ) {
    this.deps = {
      dataSource,
      submissions: new SubmissionRepository(),
      versions: FormVersions.of(dataSource),
      validators,
      attachments,
      lookups: { companies, associations, quotients, addresses },
    };
    this.drafts = new CreateDraft(this.deps);
    this.saves = new Autosave(this.deps);
    this.submits = new Submit(this.deps);
    this.transitions = new CitizenTransition(this.deps);
    this.claimDrafts = new ClaimAnonymousDrafts(this.deps);
    this.messages = new PostMessage(this.deps);
  }

  /** The request itself, if it is the owner's (for uploads and downloads). */
  owned(id: string, owner: Owner): Promise<Submission> {
    return loadOwned(this.deps.submissions, this.deps.dataSource.manager, id, owner);
  }

  /** Anonymous drafts of this browser session become the signed-in owner's; returns the ids claimed. */
  claimAnonymousDrafts(token: string, owner: Extract<Owner, { kind: 'account' }>): Promise<string[]> {
    return this.claimDrafts.execute(token, owner);
  }

  /** Starts a draft on the latest published version of an open service. */
  createDraft(slug: string, owner: Owner, data: unknown, locale: Locale = 'fr'): Promise<SubmissionView> {
    return this.drafts.execute({ slug, owner, data, locale });
  }

  /** Replaces the draft's answers (checked partially); a stale `expectedRevision` is a 409. */
  autosave(
    id: string,
    owner: Owner,
    data: unknown,
    expectedRevision?: number,
    locale: Locale = 'fr',
  ): Promise<AutosaveResult> {
    return this.saves.execute({ id, owner, data, expectedRevision, locale });
  }

  /** Files the draft (checked in full), once per Idempotency-Key. */
  submit(
    id: string,
    owner: Owner,
    options: {
      idempotencyKey?: string;
      body?: unknown;
      locale?: Locale;
      /** The request as `owned(id, owner)` returned it for this submit: its ownership is not checked twice. */
      owned?: Submission;
      /** Run in the submit's transaction with the draft's version, before anything else is checked. */
      check?: SubmitCheck;
    } = {},
  ): Promise<SubmitResult> {
    return this.submits.execute({ ...options, id, owner, locale: options.locale ?? 'fr' });
  }

  /** A transition the workflow gives the citizen (resubmit after a request for changes). */
  transition(
    id: string,
    owner: Owner,
    input: { transition: string; comment?: string; expectedRevision?: number },
    locale: Locale = 'fr',
  ): Promise<{ id: string; status: string; revision: number }> {
    return this.transitions.execute({ ...input, id, owner, locale });
  }

  get(id: string, owner: Owner): Promise<SubmissionView> {
    return ownedView(this.deps, id, owner);
  }

  /** A message from the citizen to the caseworkers, once the request is submitted. */
  postMessage(id: string, owner: Owner, body: unknown): Promise<{ id: string; at: string }> {
    return this.messages.execute(id, owner, body);
  }

  /** Deletes drafts nobody touched for `months`, with their files; returns how many. */
  purgeStaleDrafts(months = 3, batch = 500): Promise<number> {
    return purgeStaleDrafts(this.deps, months, batch);
  }

  /** What a receipt shows: only for the owner, only once submitted. */
  receipt(id: string, owner: Owner, identity: string | null): Promise<ReceiptInput> {
    return ownedReceipt(this.deps, id, owner, identity);
  }

  listMine(owner: Owner): Promise<SubmissionSummary[]> {
    return listOwned(this.deps, owner);
  }
}
