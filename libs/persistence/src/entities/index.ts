import { Account, type AccountKind } from './account.entity';
import { AgentMembership } from './agent-membership.entity';
import { AgentPreference, DEFAULT_NOTIFY, instantAgentsExistSql, type AgentNotify } from './agent-preference.entity';
import { Delivery } from './delivery.entity';
import { DeskExport, type DeskExportStatus } from './desk-export.entity';
import { ApiToken, type OrganisationRole } from './api-token.entity';
import { Attachment } from './attachment.entity';
import { CaseworkerGroup } from './caseworker-group.entity';
import { FormVersion } from './form-version.entity';
import { IdempotencyKey } from './idempotency-key.entity';
import { Organisation } from './organisation.entity';
import { OrganisationArchive, type OrganisationArchiveStatus } from './organisation-archive.entity';
import { OrganisationEvent } from './organisation-event.entity';
import { OutboxRow } from './outbox.entity';
import { RateLimitCounter } from './rate-limit-counter.entity';
import { Service, type ServiceStatus } from './service.entity';
import { SubmissionDocument } from './submission-document.entity';
import { SubmissionFollower } from './submission-follower.entity';
import { SubmissionNote } from './submission-note.entity';
import { SubmissionEvent } from './submission-event.entity';
import { SubmissionMessage } from './submission-message.entity';
import { Submission } from './submission.entity';
import { SystemPing } from './system-ping.entity';
import { TestAttachment } from './test-attachment.entity';
import { TestSubmission } from './test-submission.entity';

export {
  Account,
  AgentMembership,
  AgentPreference,
  type AgentNotify,
  DEFAULT_NOTIFY,
  instantAgentsExistSql,
  ApiToken,
  Attachment,
  CaseworkerGroup,
  Delivery,
  DeskExport,
  type DeskExportStatus,
  FormVersion,
  IdempotencyKey,
  Organisation,
  OrganisationArchive,
  type OrganisationArchiveStatus,
  OrganisationEvent,
  OutboxRow,
  RateLimitCounter,
  Service,
  Submission,
  SubmissionDocument,
  SubmissionEvent,
  SubmissionFollower,
  SubmissionMessage,
  SubmissionNote,
  SystemPing,
  TestAttachment,
  TestSubmission,
  type AccountKind,
  type OrganisationRole,
  type ServiceStatus,
};

export const ENTITIES = [
  Organisation,
  SystemPing,
  Service,
  FormVersion,
  ApiToken,
  Account,
  AgentMembership,
  Submission,
  SubmissionEvent,
  OutboxRow,
  IdempotencyKey,
  SubmissionMessage,
  Attachment,
  Delivery,
  SubmissionDocument,
  SubmissionNote,
  SubmissionFollower,
  AgentPreference,
  RateLimitCounter,
  CaseworkerGroup,
  DeskExport,
  TestSubmission,
  OrganisationEvent,
  TestAttachment,
  OrganisationArchive,
];
