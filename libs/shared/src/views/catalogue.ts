import type { ServiceDefinition } from '../definition';

/** What the API answers about services: the studio's catalogue and the citizens' portal. */

export type ServiceStatus = 'draft' | 'published' | 'closed';

export interface VersionSummary {
  version: number;
  contentHash: string;
  publishedAt: string;
  publishedBy: string;
}

/** GET /api/v1/services: one service of my organisations. */
export interface ServiceSummary {
  slug: string;
  title: string;
  description: string | null;
  organisationId: string;
  status: ServiceStatus;
  draftRevision: number;
  latestVersion: number | null;
  closed: { message: string | null; redirectTo: string | null; at: string } | null;
}

/** GET /api/v1/services/:slug: the service, its draft definition and its published versions. */
export interface ServiceView extends ServiceSummary {
  draft: ServiceDefinition;
  versions: VersionSummary[];
}

export interface FieldChange {
  pointer: string;
  title?: string;
  from?: string;
  to?: string;
}

export interface DefinitionDiff {
  added: FieldChange[];
  removed: FieldChange[];
  /** The type of answer changed: existing answers may no longer fit. */
  retyped: FieldChange[];
  /** Newly required: drafts and requests without it will be asked for it. */
  madeRequired: FieldChange[];
  /** On another page than before. */
  moved: FieldChange[];
}

/** POST /api/v1/services/:slug/publish/preview. */
export interface PublishPreview {
  fromVersion: number | null;
  toVersion: number;
  diff: DefinitionDiff;
  /** Drafts and requests still being processed that the change concerns. */
  impact: { drafts: number; openSubmissions: number };
}

/** GET /api/v1/public/services: one open service. */
export interface PublicServiceSummary {
  slug: string;
  title: string;
  organisation: { slug: string; name: string };
  signIn: ServiceDefinition['settings']['signIn'];
}

/** What citizens' pages show of the organisation: its name, branding and contact details. */
export interface PublicOrganisation {
  slug: string;
  name: string;
  /** `#rrggbb`, at least 4.5:1 on white. */
  accentColor: string | null;
  logoUrl: string | null;
  contact: { email: string | null; phone: string | null; address: string | null; website: string | null };
}

/** GET /api/v1/public/services/:slug: the latest published version for rendering. */
export interface PublicService {
  slug: string;
  title: string;
  description: string | null;
  organisation: PublicOrganisation;
  /** Present while the service is closed: the message (and where to go instead), no form. */
  closed: { message: string | null; redirectTo: string | null } | null;
  version: number;
  contentHash: string;
  definition: ServiceDefinition | null;
  /** The version's precompiled validator, an ES module served by this installation (immutable). */
  validator: string | null;
}
