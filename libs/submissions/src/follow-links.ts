import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Submission } from '@guichet/persistence';
import { AppError, isUuid, organisationId, type FollowView, type OrganisationId } from '@guichet/shared';
import { workflowOf } from '@guichet/workflow';
import { FollowLinkRepository } from './follow-link-repository';
import { FormVersions } from './form-versions';
import { citizenEditable } from './transitions';
import type { Owner, Submissions } from './submissions';

export type { FollowView };

/** A follow link's owner, and the organisation of the one request it reaches. */
export type FollowedRequest = Extract<Owner, { kind: 'link' }> & { organisationId: OrganisationId };

const TOKEN = /^[A-Za-z0-9_-]{48}$/;
const MAC_BYTES = 16;

/**
 * Follow links: how a citizen who filed without an account follows the
 * request from any browser (the receipt email's link, the confirmation
 * page's). A link is `base64url(id ‖ generation ‖ HMAC)`, 36 bytes:
 *
 * - unguessable: 128 bits of HMAC-SHA256 under a key derived from
 *   SESSION_SECRET, checked in constant time before any database read, so a
 *   forged link costs nothing and tells nothing (not even that an id exists);
 * - revocable: the request's `follow_generation` is in the MAC, and raising
 *   it voids every link given so far (`renew` answers the new one);
 * - as long-lived as the request's data: it opens nothing once the request
 *   is past its retention date (`purge_at`), and nothing after it is deleted;
 * - for requests filed without an account only: a signed-in citizen's
 *   request is followed by signing in.
 *
 * Every failure is the same NOT_FOUND as a request that does not exist.
 */
export class FollowLinks {
  private readonly versions: FormVersions;
  private readonly links: FollowLinkRepository;

  constructor(
    dataSource: DataSource,
    private readonly submissions: Submissions,
    private readonly key: Buffer,
  ) {
    this.versions = FormVersions.of(dataSource);
    this.links = new FollowLinkRepository(dataSource);
  }

  /** The link's token for a request as it is now (the same until the link is renewed). */
  tokenFor(submission: Pick<Submission, 'id' | 'followGeneration'>): string {
    return followToken(this.key, submission);
  }

  /** Whether a stored request is one a follow link may reach (filed, without an account). */
  static followable(submission: Pick<Submission, 'ownerAccountId' | 'reference' | 'status'>): boolean {
    return submission.ownerAccountId === null && submission.reference !== null && submission.status !== 'draft';
  }

  /** The link of a request the caller owns in this browser (the confirmation page shows it). */
  async tokenForOwner(id: string, owner: Owner): Promise<{ token: string }> {
    if (owner.kind !== 'anonymous') throw new AppError('NOT_FOUND');
    const submission = await this.submissions.owned(id, owner);
    if (!FollowLinks.followable(submission)) throw new AppError('NOT_FOUND');
    return { token: this.tokenFor(submission) };
  }

  /**
   * The owner a valid link stands for, with its request's organisation (what
   * a repository method takes); NOT_FOUND for anything else, whatever was
   * wrong with it.
   */
  async open(token: unknown): Promise<FollowedRequest> {
    const submission = await this.resolve(token);
    return { kind: 'link', submissionId: submission.id, organisationId: organisationId(submission.organisationId) };
  }

  /**
   * Whether the service sent this file with one of its messages on the link's
   * request: what a link may download (the files of the answers stay behind
   * the owner's session).
   */
  async sentByService(owner: FollowedRequest, attachmentId: string): Promise<boolean> {
    if (!isUuid(attachmentId)) return false;
    return this.links.sentByService(owner.organisationId, owner.submissionId, attachmentId);
  }

  /** The request a link shows: status, history, documents, messages; not the answers. */
  async view(token: unknown): Promise<FollowView> {
    const owner = await this.open(token);
    const { data: _data, form: _form, ...view } = await this.submissions.get(owner.submissionId, owner);
    return view;
  }

  /**
   * Revokes every link of the request (this one included) and answers the
   * new one: for a link that went where it should not have.
   */
  async renew(token: unknown): Promise<{ token: string }> {
    const submission = await this.resolve(token);
    const renewed = await this.links.renew(
      organisationId(submission.organisationId),
      submission.id,
      submission.followGeneration,
    );
    // Renewed by someone else in between: this link is void already.
    if (!renewed) throw new AppError('NOT_FOUND');
    return { token: this.tokenFor(renewed) };
  }

  /**
   * Correcting from another browser: when the service asked for changes, the
   * link's holder takes the request into this browser's anonymous session,
   * where the usual pages (and their checks) correct and send it again. The
   * browser it was filed from no longer holds it; the link keeps working.
   */
  async claim(token: unknown, browser: Owner): Promise<{ id: string }> {
    if (browser.kind !== 'anonymous' || !browser.token) throw new AppError('FORBIDDEN');
    const submission = await this.resolve(token);
    const { definition } = await this.versions.get(submission.formVersionId);
    if (!citizenEditable(workflowOf(definition), submission.status)) throw new AppError('NOT_A_DRAFT');
    await this.links.giveToSession(
      organisationId(submission.organisationId),
      submission.id,
      createHash('sha256').update(browser.token).digest('hex'),
    );
    return { id: submission.id };
  }

  private async resolve(token: unknown): Promise<Submission> {
    const parsed = this.parse(token);
    if (!parsed) throw new AppError('NOT_FOUND');
    const submission = await this.links.linkedInAnyOrganisation(parsed.id);
    if (
      !submission ||
      !FollowLinks.followable(submission) ||
      submission.followGeneration !== parsed.generation ||
      (submission.purgeAt !== null && submission.purgeAt.getTime() <= Date.now())
    )
      throw new AppError('NOT_FOUND');
    return submission;
  }

  /** The id and generation of a well-formed, authentic token; null otherwise (no database read). */
  private parse(token: unknown): { id: string; generation: number } | null {
    if (typeof token !== 'string' || !TOKEN.test(token)) return null;
    const bytes = Buffer.from(token, 'base64url');
    if (bytes.length !== 16 + 4 + MAC_BYTES) return null;
    const id = bytes.subarray(0, 16);
    const generation = bytes.subarray(16, 20);
    if (!timingSafeEqual(bytes.subarray(20), mac(this.key, id, generation))) return null;
    const hex = id.toString('hex');
    return {
      id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
      generation: generation.readUInt32BE(),
    };
  }
}

function mac(key: Buffer, id: Buffer, generation: Buffer): Buffer {
  return createHmac('sha256', key).update('follow:v1:').update(id).update(generation).digest().subarray(0, MAC_BYTES);
}

/** The key of follow links, from the installation's SESSION_SECRET (the API and the workers share it). */
export function followLinkKey(sessionSecret: string): Buffer {
  return createHmac('sha256', sessionSecret).update('guichet/follow-link').digest();
}

/** A request's follow token (the worker's receipt email and the API agree: same key, same generation). */
export function followToken(key: Buffer, submission: Pick<Submission, 'id' | 'followGeneration'>): string {
  const id = Buffer.from(submission.id.replace(/-/g, ''), 'hex');
  const generation = Buffer.alloc(4);
  generation.writeUInt32BE(submission.followGeneration);
  return Buffer.concat([id, generation, mac(key, id, generation)]).toString('base64url');
}

/** Where a follow token opens the request in the citizens' portal: in the fragment, never sent to a server or logged. */
export function followUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/suivi#${token}`;
}
