import type { ServiceDefinition } from '../definition';
import type { DocumentSummary, FileSummary, MessageView } from './requests';

/** What the caseworkers' API answers: the desk's services, inbox pages, case files, batches. */

/** The inbox's tabs, in the order the desk shows them. */
export const TABS = ['a_traiter', 'suivis', 'traites', 'tous'] as const;
export type Tab = (typeof TABS)[number];
/** The size of each tab. */
export type TabCounts = Record<Tab, number>;

/** How many answers an agent may show as columns of an inbox. */
export const MAX_COLUMNS = 10;

export interface InboxItem {
  id: string;
  reference: string | null;
  status: string;
  statusLabel: string;
  submittedAt: string | null;
  deadlineAt: string | null;
  group: string | null;
  assignee: string | null;
  /** How the agent in charge is named (their name from their identity provider), or null. */
  assigneeName: string | null;
  contactName: string | null;
  updatedAt: string;
  /** Since when a caseworker's message waits for the citizen's reply, or null. */
  awaitingReplySince: string | null;
  /** The answers asked for with `columns`, by pointer (absent answers are left out). */
  answers: Record<string, unknown>;
}

/** GET /api/v1/services/:slug/inbox. */
export interface InboxPage {
  items: InboxItem[];
  nextCursor: string | null;
  counts: TabCounts;
}

/** A service the agent works on, with the sizes of its inbox's tabs. */
export interface DeskService {
  slug: string;
  title: string;
  organisation: { id: string; name: string };
  closed: boolean;
  counts: TabCounts;
}

export interface DeskTransition {
  name: string;
  label: string;
  from: string[];
  commentRequired: boolean;
  final: boolean;
}

/** One service for the desk: what its inbox needs to offer filters and columns. */
export interface DeskServiceView extends DeskService {
  /** The workflow's states, in its order (the status filter). */
  states: Array<{ name: string; label: string; final: boolean }>;
  /** What caseworkers may fire, from which states (the batch actions). */
  transitions: DeskTransition[];
  /** The latest published definition (fields for columns and answer filters). */
  definition: ServiceDefinition;
}

/** What a caseworker may do now: whether a comment is required, where it leads, whether that is a decision. */
export interface CaseAction {
  transition: string;
  label: string;
  commentRequired: boolean;
  to: string;
  final: boolean;
}

export interface CaseFileEvent {
  id: string;
  type: string;
  at: string;
  actor: string;
  transition: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  /** The label of the state entered, when the event entered one. */
  label: string | null;
  comment: string | null;
  visibility: 'public' | 'internal';
}

/** A request as caseworkers see it: all of it. */
export interface CaseFileView {
  id: string;
  service: { slug: string; title: string };
  version: number;
  status: string;
  statusLabel: string;
  revision: number;
  reference: string | null;
  submittedAt: string | null;
  updatedAt: string;
  group: string | null;
  /** The agent in charge (`account:<id>`), or nobody. */
  assignee: string | null;
  contact: { email: string | null; name: string | null };
  /**
   * Whether the citizen was signed in with FranceConnect, and which answers
   * (pointers) are exactly what it sent, unchanged at submit (null: filed
   * before this was recorded; then only locked fields, re-derived at submit, are sure).
   */
  identity: { franceConnect: boolean; fromIdentity: string[] | null };
  deadline: { at: string; transition: string } | null;
  data: Record<string, unknown>;
  /** The version the request was filed on: its pages, schema and rules lay the answers out. */
  definition: ServiceDefinition;
  /** The files the answers refer to. */
  attachments: Array<FileSummary & { pointer: string }>;
  actions: CaseAction[];
  /** Everything that happened, internal events included. */
  history: CaseFileEvent[];
  /** Messages; a caseworker's may carry a file. */
  messages: MessageView[];
  /** Since when a caseworker's message waits for the citizen's reply (cleared by their next message). */
  awaitingReplySince: string | null;
  documents: DocumentSummary[];
}

export interface NoteView {
  id: string;
  author: string;
  /** The author's name from their identity provider (null when unknown). */
  authorName?: string | null;
  body: string;
  at: string;
}

/** An event of the case view, its agents named. */
export interface CaseEvent extends CaseFileEvent {
  actorName: string | null;
  /** The agent an assignment went to, and their name. */
  subject: string | null;
  subjectName: string | null;
}

/** GET /api/v1/services/:slug/submissions/:id: the case file with its agents named, private notes, and whether I follow it. */
export interface CaseView extends Omit<CaseFileView, 'history'> {
  assigneeName: string | null;
  history: CaseEvent[];
  notes: NoteView[];
  followed: boolean;
}

/** One request's outcome in POST /api/v1/services/:slug/batch. */
export interface BatchResult {
  id: string;
  status: number;
  result?: { status?: string; revision?: number; assignee?: string | null };
  code?: string;
  message?: string;
}
