import type { ServiceDefinition } from '@guichet/shared';

/** GET /api/v1/services (libs/forms ServiceSummary). */
export interface ServiceSummary {
  slug: string;
  title: string;
  description: string | null;
  organisationId: string;
  status: 'draft' | 'published' | 'closed';
  draftRevision: number;
  latestVersion: number | null;
  closed: { message: string | null; redirectTo: string | null; at: string } | null;
}

/** GET /api/v1/services/:slug. */
export interface ServiceView extends ServiceSummary {
  draft: ServiceDefinition;
  versions: Array<{ version: number; contentHash: string; publishedAt: string; publishedBy: string }>;
}

export interface FieldChange {
  pointer: string;
  title?: string;
  from?: string;
  to?: string;
}

/** POST /api/v1/services/:slug/publish/preview. */
export interface PublishPreview {
  fromVersion: number | null;
  toVersion: number;
  diff: {
    added: FieldChange[];
    removed: FieldChange[];
    retyped: FieldChange[];
    madeRequired: FieldChange[];
    moved: FieldChange[];
  };
  impact: { drafts: number; openSubmissions: number };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
