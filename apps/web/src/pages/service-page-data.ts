import type { PublicService, SubmissionSummary } from '@guichet/shared';
import { api, whoAmI, type Me } from '../lib/api';
import { embeddedService } from '../lib/embedded';

/** What a service page shows: the published service, who is signed in, and their drafts of it. */
export interface ServicePageData {
  service: PublicService;
  me: Me | null;
  drafts: SubmissionSummary[];
}

/**
 * Everything the service page needs before it draws its start controls. The
 * service comes from the page itself when the API embedded it (no round trip);
 * a failure to read it rejects (the page says so), while not knowing who is
 * signed in or their drafts draws the page for someone not signed in.
 */
export function loadServicePage(slug: string): Promise<ServicePageData> {
  const embedded = embeddedService(slug);
  return Promise.all([
    embedded ? Promise.resolve(embedded) : api<PublicService>(`/api/v1/public/services/${encodeURIComponent(slug)}`),
    whoAmI().catch(() => null),
    api<SubmissionSummary[]>('/api/v1/me/submissions')
      .then((list) => list.filter((s) => s.service.slug === slug && s.status === 'draft'))
      .catch(() => []),
  ]).then(([service, me, drafts]) => ({ service, me, drafts }));
}

/**
 * A service page loaded before the app mounted. The server draws a service
 * page (../server/form-preview.tsx, `renderServicePreview`) with its start
 * controls disabled; `main.tsx` mounts the app only once this is loaded, so
 * the app's first commit replaces the drawing with the live page, never with
 * « Chargement… ». `ServicePage` starts from what is kept here.
 */
const kept = new Map<string, ServicePageData>();

export function keepServicePage(slug: string, data: ServicePageData): void {
  kept.set(slug, data);
}

/** The page kept for this service, if any (read in a state initialiser: may be called twice, keeps it). */
export function keptServicePage(slug: string): ServicePageData | null {
  return kept.get(slug) ?? null;
}

/** Forgets the page kept for this service; whether there was one (then nothing needs loading). */
export function forgetKeptServicePage(slug: string): boolean {
  return kept.delete(slug);
}
