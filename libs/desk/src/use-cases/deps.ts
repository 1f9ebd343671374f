import type { CaseFiles } from '@guichet/submissions';
import type { DeskAccess } from '../access';
import type { DeskRepository } from '../desk-repository';

/**
 * What the caseworkers' use cases are built from. Each takes only the part
 * it uses (`Pick<DeskDeps, …>`), so a test can hand it just those.
 */
export interface DeskDeps {
  /** The request an agent's route is about, and its organisation, which every repository call then takes. */
  access: Pick<DeskAccess, 'locate'>;
  /** The desk's statements on a request's rows. */
  repository: DeskRepository;
  /** The request as caseworkers see it (libs/submissions). */
  files: Pick<CaseFiles, 'get'>;
}
