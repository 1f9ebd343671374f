import type { ServiceDefinition } from '@guichet/shared';

/** What the desk's API answers (apps/api/src/desk/desk.controller.ts, libs/desk). */

export const TABS = ['a_traiter', 'suivis', 'traites', 'tous'] as const;
export type Tab = (typeof TABS)[number];

export type Counts = Record<Tab, number>;

export interface DeskService {
  slug: string;
  title: string;
  organisation: { id: string; name: string };
  closed: boolean;
  counts: Counts;
}

export interface DeskTransition {
  name: string;
  label: string;
  from: string[];
  commentRequired: boolean;
  final: boolean;
}

export interface DeskServiceView extends DeskService {
  states: Array<{ name: string; label: string; final: boolean }>;
  transitions: DeskTransition[];
  definition: ServiceDefinition;
}

export interface InboxItem {
  id: string;
  reference: string | null;
  status: string;
  statusLabel: string;
  submittedAt: string | null;
  deadlineAt: string | null;
  /** Since when a caseworker's message waits for the citizen's reply. */
  awaitingReplySince?: string | null;
  group: string | null;
  assignee: string | null;
  /** The agent in charge, named as their identity provider names them. */
  assigneeName?: string | null;
  contactName: string | null;
  updatedAt: string;
  answers: Record<string, unknown>;
}

export interface InboxPage {
  items: InboxItem[];
  nextCursor: string | null;
  counts: Counts;
}

export interface CaseAction {
  transition: string;
  label: string;
  commentRequired: boolean;
  to: string;
  final: boolean;
}

export interface CaseEvent {
  id: string;
  type: string;
  at: string;
  actor: string;
  transition: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  label: string | null;
  comment: string | null;
  visibility: 'public' | 'internal';
  /** Who acted, by name (agents only). */
  actorName?: string | null;
  /** The agent an assignment went to, and their name. */
  subject?: string | null;
  subjectName?: string | null;
}

export interface CaseFile {
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
  assignee: string | null;
  assigneeName?: string | null;
  contact: { email: string | null; name: string | null };
  /** `fromIdentity`: the answers FranceConnect sent and the citizen kept (null: not recorded, filed earlier). */
  identity: { franceConnect: boolean; fromIdentity?: string[] | null };
  deadline: { at: string; transition: string } | null;
  data: Record<string, unknown>;
  definition: ServiceDefinition;
  attachments: Array<{ id: string; pointer: string; filename: string; mediaType: string; bytes: number }>;
  actions: CaseAction[];
  history: CaseEvent[];
  messages: Array<{
    id: string;
    from: 'citizen' | 'caseworker';
    body: string;
    at: string;
    attachment: { id: string; filename: string; mediaType: string; bytes: number } | null;
  }>;
  /** Since when a caseworker's message waits for the citizen's reply. */
  awaitingReplySince: string | null;
  documents: Array<{ id: string; kind: string; filename: string; at: string }>;
  notes: Array<{ id: string; author: string; authorName?: string | null; body: string; at: string }>;
  followed: boolean;
}

export interface BatchResult {
  id: string;
  status: number;
  result?: { status?: string; revision?: number; assignee?: string | null };
  code?: string;
  message?: string;
}
