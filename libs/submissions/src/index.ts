export { REFERENCE_PATTERN, newReference } from './reference';
export { Submissions, type Owner, type SubmissionView, type SubmitCheck, type SubmitResult } from './submissions';
export {
  FollowLinks,
  followLinkKey,
  followToken,
  followUrl,
  type FollowView,
  type FollowedRequest,
} from './follow-links';
export {
  answerLines,
  frenchDateTime,
  mentionsOf,
  receiptInputOf,
  renderReceiptPdf,
  type AnswerLine,
  type ReceiptInput,
} from './receipt';
export {
  DEFAULT_DELAY_MONTHS,
  DEFAULT_SILENCE,
  implicitDecisionDate,
  receiptMentions,
  type OrganisationContact,
  type ReceiptMentions,
} from './receipt-legal';
export { RECEIPT_MAX_DATA_BYTES, RenderPool, type RenderPoolOptions } from './render-pool';
export { renderReceiptHtml } from './receipt-html';
export { renderReceiptText } from './receipt-text';
export {
  Attachments,
  DEFAULT_FILE_QUOTA,
  LocalDiskStorage,
  MESSAGE_FILE_MAX_BYTES,
  MESSAGE_FILE_POINTER,
  MESSAGE_FILE_TYPES,
  accepted,
  fieldSchema,
  referencedAttachments,
  sniffMediaType,
  safeFilename,
  type AttachmentStorage,
  type FileQuota,
  type UploadedFile,
} from './attachments';
export { Documents, type IssuedDocument } from './documents';
export { DocumentRepository, type NewDocument } from './document-repository';
export { FollowLinkRepository } from './follow-link-repository';
export { DECISION_TITLES, renderDecisionLetter, type DecisionKind, type DecisionLetterInput } from './decision-letter';
export { contactOf, searchFold, searchText } from './contact';
export { reindexSearch, type ReindexOptions, type ReindexProgress, type ReindexSummary } from './search-reindex';
export { identityPointers } from './identity-answers';
export {
  Transitions,
  applyDecision,
  decisionUpdate,
  citizenEditable,
  type TransitionActor,
  type TransitionInput,
  type TransitionResult,
} from './transitions';
export { intakeRules, intakeRulesSql, toIntakeRules, type IntakeRules } from './intake-rules';
export { CaseFiles, type CaseFileView } from './case-files';
export { OWNER_VIEW, SubmissionViewRepository, type DocumentRow, type FileRow } from './submission-view-repository';
export { Retention } from './retention';
export { S3Storage, type S3Settings } from './s3-storage';
export { attachmentStorage } from './storage-factory';
export { FormVersions, type PublishedVersion } from './form-versions';
export { TestSubmissions, type TestSubmissionView } from './test-submissions';
export { TestSubmissionRepository, type NewTrial, type NewTrialFile } from './test-submission-repository';
export { clearAwaitingReply, messageViews, type MessageView } from './message-files';
export { SubmissionRepository, type OwnerColumns } from './submission-repository';
export { AttachmentRepository, type MessageFile, type NewAttachment, type StoredFile } from './attachment-repository';
export { MessageRepository, type MessageEvent } from './message-repository';
export { insertHistoryEvent, type HistoryEvent } from './history-event';
export { SearchIndexRepository, type IndexedRequest } from './search-index-repository';
export { RetentionRepository, type DueNotice, type ExpiredRequest } from './retention-repository';
