import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { provenanceComment, provenanceLines } from '@guichet/forms';
import { SubmissionEvent, type Submission } from '@guichet/persistence';
import type { ServiceDefinition } from '@guichet/shared';
import { actorOf, type Owner } from './owner';

/** Appends one event of the owner's to the request's history; returns its id. */
export async function ownerEvent(
  manager: EntityManager,
  submission: Submission,
  owner: Owner,
  type: string,
  fromStatus: string | null,
  toStatus: string | null,
  visibility: 'public' | 'internal' = 'public',
  comment: string | null = null,
): Promise<string> {
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

/**
 * Where the lookup fields' values came from (a registry, or typed by the citizen), as the submit-time checks
 * recorded them: one internal history event for the caseworkers, none for a form without lookup fields.
 */
export async function provenanceEvent(
  manager: EntityManager,
  submission: Submission,
  owner: Owner,
  definition: ServiceDefinition,
  data: unknown,
): Promise<void> {
  const comment = provenanceComment(provenanceLines(definition, data));
  if (comment !== null) await ownerEvent(manager, submission, owner, 'provenance', null, null, 'internal', comment);
}
