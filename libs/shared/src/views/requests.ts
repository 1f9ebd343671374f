import type { ServiceDefinition } from '../definition';

/** What the API answers about one request, to the citizen and to caseworkers. */

/** The largest file a caseworker may join to a message. */
export const MESSAGE_FILE_MAX_BYTES = 10 * 1024 * 1024;

export interface FileSummary {
  id: string;
  filename: string;
  mediaType: string;
  bytes: number;
}

/** A message as both sides see it, with the file a caseworker may have joined. */
export interface MessageView {
  id: string;
  from: 'citizen' | 'caseworker';
  body: string;
  at: string;
  attachment: FileSummary | null;
}

/** A document issued for the request (decision letters). */
export interface DocumentSummary {
  id: string;
  kind: string;
  filename: string;
  at: string;
}

/** GET /api/v1/submissions/:id: the citizen's request. */
export interface SubmissionView {
  id: string;
  service: { slug: string; title: string };
  version: number;
  status: string;
  revision: number;
  reference: string | null;
  submittedAt: string | null;
  updatedAt: string;
  data: Record<string, unknown>;
  /** The status in the citizen's words ("En instruction"). */
  statusLabel: string;
  /** Transitions the citizen may fire now (e.g. resubmit after a request for changes), and the state each leads to. */
  actions: Array<{ transition: string; label: string; to: string }>;
  /** What the citizen may see of the history, with the public comments. */
  history: Array<{ type: string; at: string; toStatus: string | null; label: string | null; comment: string | null }>;
  documents: DocumentSummary[];
  /** Messages; a caseworker's may carry a file (downloaded from …/attachments/:attachmentId). */
  messages: MessageView[];
  /** While the citizen may edit it: the definition of its pinned version and that version's browser validator. */
  form?: { definition: ServiceDefinition; validator: string };
}

/** GET /api/v1/me/submissions: one of my drafts and requests. */
export type SubmissionSummary = Omit<
  SubmissionView,
  'data' | 'history' | 'messages' | 'actions' | 'documents' | 'form'
>;

/** What a follow link shows: the request without its answers (they are in the receipt) nor its form. */
export type FollowView = Omit<SubmissionView, 'data' | 'form'>;

/** GET /api/v1/services/:slug/test-submissions/:id: a designer's trial of the draft definition. */
export interface TestSubmissionView {
  id: string;
  test: true;
  service: { slug: string; title: string };
  status: string;
  revision: number;
  data: Record<string, unknown>;
  /** The draft definition the trial runs on (copied when it started): what the form must render. */
  definition: ServiceDefinition;
  submittedAt: string | null;
  updatedAt: string;
  /** Where the citizen form opens it. */
  url: string;
}
