import type { ServiceDefinition } from '@guichet/shared';

export interface PublicServiceSummary {
  slug: string;
  title: string;
  organisation: { slug: string; name: string };
  signIn: 'required' | 'optional' | 'none';
}

/** What citizens' pages show of the organisation: its name, branding (checked AA by the API) and contact details. */
export interface PublicOrganisation {
  slug: string;
  name: string;
  accentColor?: string | null;
  logoUrl?: string | null;
  contact?: { email: string | null; phone: string | null; address: string | null; website: string | null };
}

export interface PublicService {
  slug: string;
  title: string;
  description: string | null;
  organisation: PublicOrganisation;
  closed: { message: string | null; redirectTo: string | null } | null;
  version: number;
  contentHash: string;
  definition: ServiceDefinition | null;
  validator: string | null;
}

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
  statusLabel: string;
  actions: Array<{ transition: string; label: string }>;
  history: Array<{ type: string; at: string; toStatus: string | null; label: string | null; comment: string | null }>;
  documents: Array<{ id: string; kind: string; filename: string; at: string }>;
  /** A caseworker's message may carry one file, downloaded from …/attachments/:id. */
  messages: Array<{
    id: string;
    from: 'citizen' | 'caseworker';
    body: string;
    at: string;
    attachment?: { id: string; filename: string; mediaType: string; bytes: number } | null;
  }>;
  /** While the citizen may edit it: its pinned version's definition and validator module. */
  form?: { definition: ServiceDefinition; validator: string };
}

export type SubmissionSummary = Omit<SubmissionView, 'data' | 'history' | 'messages' | 'actions' | 'documents'>;
