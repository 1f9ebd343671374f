export { REFERENCE_PATTERN, newReference } from './reference';
export { Submissions, type Owner, type SubmissionView, type SubmitResult } from './submissions';
