/** Where an organisation's archive stands: asked, being written by a worker, downloadable, or failed. */
export type OrganisationArchiveStatus = 'queued' | 'running' | 'ready' | 'failed';

/**
 * An organisation's archive asked from the studio's administration page
 * (`POST /api/v1/organisations/:id/archives`): made by a worker, downloadable
 * by the organisation's admins for 24 hours once ready.
 */
export interface OrganisationArchiveView {
  archiveId: string;
  organisationId: string;
  status: OrganisationArchiveStatus;
  /** Size of the ZIP, once ready. */
  bytes: number | null;
  createdAt: string;
  finishedAt: string | null;
  /** Until when it can be downloaded (deleted afterwards). */
  expiresAt: string;
  statusUrl: string;
  /** Once ready: the ZIP. */
  downloadUrl?: string;
  /** Once failed: what went wrong, in French. */
  error?: string;
}
