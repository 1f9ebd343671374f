import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiTokenService } from '@guichet/identity';
import { organisationId } from '@guichet/shared';
import { DeskExports, OrganisationArchives } from '@guichet/desk';
import { AgentMembership, CaseworkerGroup, Organisation } from '@guichet/persistence';
import { followLinkKey, followToken } from '@guichet/submissions';
import { DEFAULT_GROUP } from '@guichet/workflow';
import { canteenDefinition, validCanteenData } from '../fixtures/canteen';
import { CookieClient } from '../support/browserless';
import { startFakeApis, type RunningFakeApis } from '../../apps/fake-apis/src/fake-apis';
import { signInEnv, startIdp, type RunningIdp } from '../support/idp';
import { freePort } from '../support/processes';
import { startStack, type Stack } from '../support/stack';
import { readZip } from '../support/zip';

/**
 * Who may call what: every route of the HTTP contract (shared/API.md) and of
 * the controllers, called by each kind of caller, against one table of
 * expected statuses. Existence never leaks (another citizen's request,
 * another organisation's service, a service or group the agent does not work
 * on: 404), the anonymous caller of an agents' route gets 401, and every
 * state-changing call that rides a session cookie needs the CSRF header.
 *
 * Actors (columns):
 * - anon: no cookie, no token.
 * - citA: signed-in citizen who owns every request used below; citB: another signed-in citizen.
 * - cw: caseworker of the service (membership limited to it, every group).
 * - cwGrp: caseworker of the service, limited to a routing group the requests are not in.
 * - cwOth: caseworker of another service of the same organisation.
 * - dsgB: designer of another organisation.
 * - admin: admin of the service's organisation.
 * - tokCw: API token of the organisation, role caseworker, limited to the other service.
 * - tokAdm: API token of the organisation, role admin, limited to the other service.
 * - tokRO: API token of the organisation, role admin, whole organisation, read-only.
 */
const ACTORS = ['anon', 'citA', 'citB', 'cw', 'cwGrp', 'cwOth', 'dsgB', 'admin', 'tokCw', 'tokAdm', 'tokRO'] as const;
type ActorName = (typeof ACTORS)[number];
const SESSION_ACTORS = ['citA', 'citB', 'cw', 'cwGrp', 'cwOth', 'dsgB', 'admin'] as const;
type SessionActor = (typeof SESSION_ACTORS)[number];
type TokenActor = 'tokCw' | 'tokAdm' | 'tokRO';

/** 200 and the fixture (service, request) is in the answer. */
const S = 'sees';
/** 200 and the fixture is not in the answer: a list that must not show it. */
const B = 'blind';
type Expected = number | typeof S | typeof B;

/**
 * The expected answer of every cell. State-changing rows (POST, PUT, PATCH,
 * DELETE) are also called by every session actor without `X-CSRF-Token`:
 * 403 `CSRF` for all of them, before anything else is looked at.
 * Rows run in this order (the sign-in callback before a sign-in is started,
 * sign-out last); cells that change state get a fresh fixture each.
 *
 * Choices the table encodes:
 * - A citizen's request routes answer 404 to a caller without a session, not
 *   401: an anonymous browser owns its own drafts, and signing in would not
 *   make someone else's request theirs (API.md: 404 "for what the caller may
 *   not know exists").
 * - Agents' routes answer 403 to a signed-in citizen whatever the id (the
 *   guard decides before any lookup, so nothing is revealed), 404 to an agent
 *   outside the service, group or organisation, and 403 to a read-only grant
 *   that may see the thing but not change it.
 * - Starting a draft on an open service is anyone's (agents and tokens too);
 *   on a sign-in-required one it takes a session.
 * - A batch answers 200 with one status per request: the cell is that status
 *   (404 for a request outside the caller's scope, as for a request that does not exist).
 * - /auth/session and /api/v1/me describe a session: a bare API token has none (401).
 * - /metrics with METRICS_TOKEN set is the operator's alone: 401 for every actor here.
 * - Sending a diagnostic ping is an administrator's (a whole-organisation admin grant that may act); reading one
 *   takes its random id, which only its sender was given.
 * - An export made by a worker (async=1, or past EXPORT_SYNC_MAX_ROWS) is its asker's alone: the fixture is
 *   cw's, and every other caller gets 404, the organisation's admin included.
 * - An organisation's administration is for an admin of the whole organisation (a read-only grant reads, its
 *   archive included):
 *   403 to others who work in it (caseworkers, tokens limited to a service) and to a signed-in citizen, 404 to
 *   the rest.
 * - The installation's examples (the files under FORMS_DIR, the same for every organisation, nothing of one in
 *   them) are any designer's or admin's, of any organisation and limited to some services or not; 403 to the
 *   rest who are signed in or hold a token.
 * - The studio's test mode is a designer route like the service it tries: a trial is reached only through its
 *   own service (a trial of s2 asked through s1 is 404 even to the admin), and a read-only grant reads it but
 *   starts, saves, sends a file to or checks none.
 * - A follow link (a request filed without an account) is a credential of its own, whoever holds it: every
 *   caller with the link reads, answers and renews; none reads the files of the answers through it, a forged
 *   link is 404 to all, and only a browser without an account (no session user, no token) takes the request in
 *   to correct it. The link itself is given to the browser that filed the request only.
 */
// prettier-ignore
const MATRIX = {
  //                                                        anon citA citB  cw  cwGrp cwOth dsgB admin tokCw tokAdm tokRO
  // Operations
  'GET /health/live':                                      [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'GET /health/ready':                                     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'GET /metrics (METRICS_TOKEN set)':                      [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401],
  'GET /api/docs-json':                                    [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/v1/system/pings':                             [401, 403, 403, 403, 403, 403, 403, 202, 403, 403, 403],
  'GET /api/v1/system/pings/:id':                          [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'GET /auth/callback (no sign-in under way)':             [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403],
  'GET /auth/login?as=citizen':                            [302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302],
  'GET /auth/session':                                     [401, 200, 200, 200, 200, 200, 200, 200, 401, 401, 401],
  'POST /auth/session/extend':                             [401, 200, 200, 200, 200, 200, 200, 200, 401, 401, 401],
  'GET /api/v1/me':                                        [401, 200, 200, 200, 200, 200, 200, 200, 401, 401, 401],
  'GET /api/v1/me/preferences':                            [401, 403, 403, 200, 200, 200, 200, 200, 403, 403, 403],
  'PUT /api/v1/me/preferences':                            [401, 403, 403, 200, 200, 200, 200, 200, 403, 403, 403],
  // Designers
  'GET /api/v1/services':                                  [401, 403, 403,  B,   B,   B,   B,   S,   B,   B,   S ],
  'POST /api/v1/services':                                 [401, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403],
  'POST /api/v1/services/import':                          [401, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403],
  'GET /api/v1/services/:slug':                            [401, 403, 403, 404, 404, 404, 404, 200, 404, 404, 200],
  'PUT /api/v1/services/:slug/draft':                      [401, 403, 403, 404, 404, 404, 404, 200, 404, 404, 403],
  'POST /api/v1/services/:slug/publish/preview':           [401, 403, 403, 404, 404, 404, 404, 200, 404, 404, 200],
  'POST /api/v1/services/:slug/publish':                   [401, 403, 403, 404, 404, 404, 404, 201, 404, 404, 403],
  'GET /api/v1/services/:slug/versions/:version':          [401, 403, 403, 404, 404, 404, 404, 200, 404, 404, 200],
  'POST /api/v1/services/:slug/close':                     [401, 403, 403, 404, 404, 404, 404, 200, 404, 404, 403],
  'GET /api/v1/services/:slug/export':                     [401, 403, 403, 404, 404, 404, 404, 200, 404, 404, 200],
  'GET /api/v1/services/:slug/webhook':                    [401, 403, 403, 404, 404, 404, 404, 200, 404, 404, 200],
  'POST /api/v1/services/:slug/webhook/rotate':            [401, 403, 403, 404, 404, 404, 404, 200, 404, 404, 403],
  'GET /api/v1/examples':                                  [401, 403, 403, 403, 403, 403, 200, 200, 403, 200, 200],
  // The studio's test mode (trials of s1's draft)
  'POST /api/v1/services/:slug/test-submissions':          [401, 403, 403, 404, 404, 404, 404, 201, 404, 404, 403],
  'GET /api/v1/services/:slug/test-submissions/:id':       [401, 403, 403, 404, 404, 404, 404, 200, 404, 404, 200],
  'GET …/test-submissions/:id (a trial of s2, through s1)': [401, 403, 403, 404, 404, 404, 404, 404, 404, 404, 404],
  'GET …/test-submissions/:id/validator.js':               [401, 403, 403, 404, 404, 404, 404, 200, 404, 404, 200],
  'PATCH /api/v1/services/:slug/test-submissions/:id':     [401, 403, 403, 404, 404, 404, 404, 200, 404, 404, 403],
  'POST …/test-submissions/:id/attachments':               [401, 403, 403, 404, 404, 404, 404, 201, 404, 404, 403],
  'POST …/test-submissions/:id/submit':                    [401, 403, 403, 404, 404, 404, 404, 200, 404, 404, 403],
  // Citizens
  'GET /api/v1/public/services':                           [ S,   S,   S,   S,   S,   S,   S,   S,   S,   S,   S ],
  'GET /api/v1/public/services/:slug':                     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/v1/public/organisations/:slug/logo':           [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/v1/public/validators/:hash.js':                [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/v1/public/challenge':                          [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/v1/public/communes':                           [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/v1/public/entreprises/:siret':                 [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/v1/public/associations/:rna':                  [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/v1/public/adresses':                           [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/v1/public/services/:slug/submissions':        [201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201],
  'POST …/submissions on a sign-in-required service':      [401, 201, 201, 201, 201, 201, 201, 201, 401, 401, 401],
  'PATCH /api/v1/submissions/:id':                         [404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404],
  'POST /api/v1/submissions/:id/submit':                   [404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404],
  'GET /api/v1/me/submissions':                            [ B,   S,   B,   B,   B,   B,   B,   B,   B,   B,   B ],
  'POST /api/v1/me/quotient-familial':                     [401, 200, 404, 403, 403, 403, 403, 403, 401, 401, 401],
  'GET /api/v1/submissions/:id':                           [404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404],
  'GET /api/v1/submissions/:id/receipt.pdf':               [404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404],
  'GET /api/v1/submissions/:id/receipt.html':              [404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404],
  'POST /api/v1/submissions/:id/attachments':              [404, 201, 404, 404, 404, 404, 404, 404, 404, 404, 404],
  'GET /api/v1/submissions/:id/attachments/:attachmentId': [404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404],
  'GET /api/v1/submissions/:id/documents/:documentId':     [404, 200, 404, 404, 404, 404, 404, 404, 404, 404, 404],
  'POST /api/v1/submissions/:id/messages':                 [404, 201, 404, 201, 404, 404, 404, 201, 404, 404, 403],
  'POST /api/v1/submissions/:id/transitions (resubmit)':   [404, 200, 404, 403, 404, 404, 404, 403, 404, 404, 403],
  // Follow links (a request filed without an account): the link is the credential, whoever holds it; citA's
  // requests were filed signed in and have none.
  'GET /api/v1/submissions/:id/follow-link':               [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
  'POST /api/v1/follow':                                   [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/v1/follow (a forged link)':                   [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
  'POST /api/v1/follow/receipt.pdf':                       [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/v1/follow/documents/:documentId':             [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/v1/follow/attachments/:id (an answer\'s file)': [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
  'POST /api/v1/follow/messages':                          [201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201],
  'POST /api/v1/follow/renew':                             [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/v1/follow/claim (changes asked)':             [200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403],
  // Caseworkers
  'GET /api/v1/desk/services':                             [401, 403, 403,  S,   S,   B,   B,   S,   B,   B,   S ],
  'GET /api/v1/desk/services/:slug':                        [401, 403, 403, 200, 200, 404, 404, 200, 404, 404, 200],
  'GET /api/v1/me/preferences/columns/:slug':               [401, 403, 403, 200, 200, 404, 404, 200, 403, 403, 403],
  'PUT /api/v1/me/preferences/columns/:slug':               [401, 403, 403, 200, 200, 404, 404, 200, 403, 403, 403],
  'GET /api/v1/services/:slug/inbox':                      [401, 403, 403,  S,   B,  404, 404,  S,  404, 404,  S ],
  'GET /api/v1/services/:slug/submissions/:id':            [401, 403, 403, 200, 404, 404, 404, 200, 404, 404, 200],
  'GET …/submissions/:id/attachments/:attachmentId':       [401, 403, 403, 200, 404, 404, 404, 200, 404, 404, 200],
  'POST /api/v1/submissions/:id/message-attachments':     [401, 403, 403, 201, 404, 404, 404, 201, 404, 404, 403],
  'POST /api/v1/submissions/:id/transitions (start_review)': [404, 403, 404, 200, 404, 404, 404, 200, 404, 404, 403],
  'POST /api/v1/services/:slug/batch (per request)':       [401, 403, 403, 200, 404, 404, 404, 200, 404, 404, 403],
  'POST /api/v1/submissions/:id/assign':                   [401, 403, 403, 200, 404, 404, 404, 200, 404, 404, 403],
  'POST /api/v1/submissions/:id/notes':                    [401, 403, 403, 201, 404, 404, 404, 201, 404, 404, 403],
  'PUT /api/v1/submissions/:id/follow':                    [401, 403, 403, 200, 404, 404, 404, 200, 404, 404, 403],
  'DELETE /api/v1/submissions/:id/follow':                 [401, 403, 403, 200, 404, 404, 404, 200, 404, 404, 403],
  'GET /api/v1/services/:slug/export?format=csv':          [401, 403, 403,  S,   B,  404, 404,  S,  404, 404,  S ],
  'GET /api/v1/services/:slug/export?format=xlsx':         [401, 403, 403,  S,   B,  404, 404,  S,  404, 404,  S ],
  'GET …/export?format=csv&async=1 (the caller\'s export)': [401, 403, 403, 202, 202, 404, 404, 202, 404, 404, 202],
  'GET /api/v1/services/:slug/exports/:exportId (cw\'s)':   [401, 403, 403, 200, 404, 404, 404, 404, 404, 404, 404],
  'GET …/exports/:exportId/download (cw\'s)':               [401, 403, 403,  S,  404, 404, 404, 404, 404, 404, 404],
  // Administration
  'GET /api/v1/tokens?organisationId=':                    [401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 200],
  'POST /api/v1/tokens':                                   [401, 403, 403, 403, 403, 403, 403, 201, 403, 403, 403],
  'DELETE /api/v1/tokens/:id':                             [401, 403, 403, 404, 404, 404, 404, 200, 404, 404, 403],
  'GET /api/v1/admin/queues':                              [401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 200],
  'GET /admin/queues':                                     [401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 200],
  'POST /api/v1/admin/outbox/:id/retry':                   [401, 403, 403, 403, 403, 403, 403, 200, 403, 403, 403],
  // Organisation administration: a whole-organisation admin; others who work in it 403, anyone else 404.
  'GET /api/v1/organisations/:id':                         [401, 403, 403, 403, 403, 403, 404, 200, 403, 403, 200],
  'PUT /api/v1/organisations/:id':                         [401, 403, 403, 403, 403, 403, 404, 200, 403, 403, 403],
  'PUT /api/v1/organisations/:id/logo':                    [401, 403, 403, 403, 403, 403, 404, 200, 403, 403, 403],
  'DELETE /api/v1/organisations/:id/logo':                 [401, 403, 403, 403, 403, 403, 404, 200, 403, 403, 403],
  'GET /api/v1/organisations/:id/agents':                  [401, 403, 403, 403, 403, 403, 404, 200, 403, 403, 200],
  'POST /api/v1/organisations/:id/agents':                 [401, 403, 403, 403, 403, 403, 404, 201, 403, 403, 403],
  'DELETE …/agents/:membershipId':                         [401, 403, 403, 403, 403, 403, 404, 200, 403, 403, 403],
  'GET …/organisations/:id/services/:slug/groups':         [401, 403, 403, 403, 403, 403, 404, 200, 403, 403, 200],
  'POST …/organisations/:id/services/:slug/groups':        [401, 403, 403, 403, 403, 403, 404, 201, 403, 403, 403],
  'DELETE …/services/:slug/groups/:key':                   [401, 403, 403, 403, 403, 403, 404, 200, 403, 403, 403],
  'POST …/services/:slug/groups/:key/members':             [401, 403, 403, 403, 403, 403, 404, 201, 403, 403, 403],
  'DELETE …/groups/:key/members/:membershipId':            [401, 403, 403, 403, 403, 403, 404, 200, 403, 403, 403],
  'POST /api/v1/organisations/:id/archives':               [401, 403, 403, 403, 403, 403, 404, 202, 403, 403, 403],
  'GET …/organisations/:id/archives/:archiveId':           [401, 403, 403, 403, 403, 403, 404, 200, 403, 403, 200],
  'GET …/archives/:archiveId/file':                        [401, 403, 403, 403, 403, 403, 404,  S,  403, 403,  S ],
  // Last: it ends the sessions it is called with (spare ones).
  'POST /auth/logout':                                     [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
} as const satisfies Record<string, readonly Expected[]>;

type RowName = keyof typeof MATRIX;

/** What the cells of one row share: the services, requests and files they are called on. */
interface Fixtures {
  organisationId: string;
  s1: string;
  s2: string;
  draftId: string;
  submittedId: string;
  reference: string;
  attachmentId: string;
  documentId: string;
  pingId: string;
  contentHash: string;
  organisationSlug: string;
  /** An export cw asked for, made and ready. */
  exportId: string;
  /** The organisation's archive, asked by its admin, made and ready. */
  archiveId: string;
  /** A trial of s1's draft (the studio's test mode), started by the organisation's admin. */
  trialId: string;
  /** A trial of s2's draft: asked through s1, nobody reaches it. */
  otherTrialId: string;
  /** The follow link of a request filed without an account, with a file in its answers and an issued document. */
  followToken: string;
  followFileId: string;
  followDocumentId: string;
}

/** Fixtures made fresh for every cell of the rows that change state. */
type FreshKind =
  | 'draft'
  | 'submitted'
  | 'changes'
  | 'unpublished'
  | 'token'
  | 'failedOutbox'
  | 'membership'
  | 'group'
  | 'groupMember'
  | 'trial'
  | 'followLink'
  | 'followChanges';

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  fresh?: FreshKind;
  path(f: Fixtures, fresh: string): string;
  body?(f: Fixtures, fresh: string): unknown;
  /** The status the cell is judged on (a batch answers 200 with one status per request). */
  effective?(status: number, text: string): number;
  /** What a list shows when it shows the fixture. */
  marker?(f: Fixtures): string;
  /** Where the marker is looked for in a 200 answer, when not in its text (an XLSX: the XML in the ZIP). */
  read?(body: Buffer): Promise<string> | string;
}

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(500, 0x20), Buffer.from('\n%%EOF\n')]);
const slug = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const upload = () => {
  const form = new FormData();
  form.append('pointer', '/certificate');
  form.append('file', new Blob([PDF]), 'certificat.pdf');
  return form;
};
/** A 1×1 PNG. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082',
  'hex',
);
const logoUpload = () => {
  const form = new FormData();
  form.append('file', new Blob([PNG], { type: 'image/png' }), 'logo.png');
  return form;
};
const org = (f: Fixtures) => `/api/v1/organisations/${f.organisationId}`;
/** The caseworker group the group-member rows add to and remove from. */
const GROUP = 'authz-nord';
const email = () => `${slug('agent')}@commune-a.fr`;

const ROUTES: Record<RowName, Call> = {
  'GET /health/live': { method: 'GET', path: () => '/health/live' },
  'GET /health/ready': { method: 'GET', path: () => '/health/ready' },
  'GET /metrics (METRICS_TOKEN set)': { method: 'GET', path: () => '/metrics' },
  'GET /api/docs-json': { method: 'GET', path: () => '/api/docs-json' },
  'POST /api/v1/system/pings': { method: 'POST', path: () => '/api/v1/system/pings' },
  'GET /api/v1/system/pings/:id': { method: 'GET', path: (f) => `/api/v1/system/pings/${f.pingId}` },
  'GET /auth/callback (no sign-in under way)': { method: 'GET', path: () => '/auth/callback?code=x&state=y' },
  'GET /auth/login?as=citizen': { method: 'GET', path: () => '/auth/login?as=citizen' },
  'GET /auth/session': { method: 'GET', path: () => '/auth/session' },
  'POST /auth/session/extend': { method: 'POST', path: () => '/auth/session/extend' },
  'GET /api/v1/me': { method: 'GET', path: () => '/api/v1/me' },
  'GET /api/v1/me/preferences': { method: 'GET', path: () => '/api/v1/me/preferences' },
  'PUT /api/v1/me/preferences': {
    method: 'PUT',
    path: () => '/api/v1/me/preferences',
    body: () => ({ notify: 'digest' }),
  },
  'GET /api/v1/services': { method: 'GET', path: () => '/api/v1/services', marker: (f) => `"${f.s1}"` },
  'POST /api/v1/services': {
    method: 'POST',
    path: () => '/api/v1/services',
    body: (f) => ({ slug: slug('authz-new'), title: 'Nouvelle', organisationId: f.organisationId }),
  },
  'POST /api/v1/services/import': {
    method: 'POST',
    path: () => '/api/v1/services/import',
    body: (f) => ({
      organisationId: f.organisationId,
      file: canteenDefinition().schema,
      slug: slug('authz-import'),
      title: 'Importée',
    }),
  },
  'GET /api/v1/services/:slug': { method: 'GET', path: (f) => `/api/v1/services/${f.s1}` },
  'PUT /api/v1/services/:slug/draft': {
    method: 'PUT',
    path: (f) => `/api/v1/services/${f.s1}/draft`,
    body: () => definitionOf('optional'),
  },
  'POST /api/v1/services/:slug/publish/preview': {
    method: 'POST',
    path: (f) => `/api/v1/services/${f.s1}/publish/preview`,
  },
  'POST /api/v1/services/:slug/publish': {
    method: 'POST',
    fresh: 'unpublished',
    path: (_, service) => `/api/v1/services/${service}/publish`,
  },
  'GET /api/v1/services/:slug/versions/:version': { method: 'GET', path: (f) => `/api/v1/services/${f.s1}/versions/1` },
  'POST /api/v1/services/:slug/close': {
    method: 'POST',
    fresh: 'unpublished',
    path: (_, service) => `/api/v1/services/${service}/close`,
    body: () => ({ message: 'Démarche fermée.' }),
  },
  'GET /api/v1/services/:slug/export': { method: 'GET', path: (f) => `/api/v1/services/${f.s1}/export` },
  'GET /api/v1/services/:slug/webhook': { method: 'GET', path: (f) => `/api/v1/services/${f.s1}/webhook` },
  'POST /api/v1/services/:slug/webhook/rotate': {
    method: 'POST',
    path: (f) => `/api/v1/services/${f.s1}/webhook/rotate`,
  },
  'GET /api/v1/examples': { method: 'GET', path: () => '/api/v1/examples' },
  'POST /api/v1/services/:slug/test-submissions': {
    method: 'POST',
    path: (f) => `/api/v1/services/${f.s1}/test-submissions`,
    body: () => ({ data: {} }),
  },
  'GET /api/v1/services/:slug/test-submissions/:id': {
    method: 'GET',
    path: (f) => `/api/v1/services/${f.s1}/test-submissions/${f.trialId}`,
  },
  'GET …/test-submissions/:id (a trial of s2, through s1)': {
    method: 'GET',
    path: (f) => `/api/v1/services/${f.s1}/test-submissions/${f.otherTrialId}`,
  },
  'GET …/test-submissions/:id/validator.js': {
    method: 'GET',
    path: (f) => `/api/v1/services/${f.s1}/test-submissions/${f.trialId}/validator.js`,
  },
  'PATCH /api/v1/services/:slug/test-submissions/:id': {
    method: 'PATCH',
    path: (f) => `/api/v1/services/${f.s1}/test-submissions/${f.trialId}`,
    body: () => ({ data: validCanteenData() }),
  },
  'POST …/test-submissions/:id/attachments': {
    method: 'POST',
    path: (f) => `/api/v1/services/${f.s1}/test-submissions/${f.trialId}/attachments`,
    body: upload,
  },
  'POST …/test-submissions/:id/submit': {
    method: 'POST',
    fresh: 'trial',
    path: (f, id) => `/api/v1/services/${f.s1}/test-submissions/${id}/submit`,
  },
  'GET /api/v1/public/services': { method: 'GET', path: () => '/api/v1/public/services', marker: (f) => `"${f.s1}"` },
  'GET /api/v1/public/services/:slug': { method: 'GET', path: (f) => `/api/v1/public/services/${f.s1}` },
  'GET /api/v1/public/organisations/:slug/logo': {
    method: 'GET',
    path: (f) => `/api/v1/public/organisations/${f.organisationSlug}/logo`,
  },
  'GET /api/v1/public/validators/:hash.js': {
    method: 'GET',
    path: (f) => `/api/v1/public/validators/${f.contentHash}.js`,
  },
  'GET /api/v1/public/challenge': { method: 'GET', path: () => '/api/v1/public/challenge' },
  'GET /api/v1/public/communes': { method: 'GET', path: () => '/api/v1/public/communes?q=orl' },
  'GET /api/v1/public/entreprises/:siret': { method: 'GET', path: () => '/api/v1/public/entreprises/91234567500017' },
  'GET /api/v1/public/associations/:rna': { method: 'GET', path: () => '/api/v1/public/associations/W452001234' },
  'GET /api/v1/public/adresses': { method: 'GET', path: () => '/api/v1/public/adresses?q=12%20rue%20des%20tilleuls' },
  'POST /api/v1/public/services/:slug/submissions': {
    method: 'POST',
    path: (f) => `/api/v1/public/services/${f.s1}/submissions`,
    body: () => ({}),
  },
  'POST …/submissions on a sign-in-required service': {
    method: 'POST',
    path: (f) => `/api/v1/public/services/${f.s2}/submissions`,
    body: () => ({}),
  },
  'PATCH /api/v1/submissions/:id': {
    method: 'PATCH',
    path: (f) => `/api/v1/submissions/${f.draftId}`,
    body: () => ({ data: validCanteenData() }),
  },
  'POST /api/v1/submissions/:id/submit': {
    method: 'POST',
    fresh: 'draft',
    path: (_, id) => `/api/v1/submissions/${id}/submit`,
    body: () => ({}),
  },
  'POST /api/v1/me/quotient-familial': {
    method: 'POST',
    path: () => '/api/v1/me/quotient-familial',
    body: () => ({ consentement: true }),
  },
  'GET /api/v1/me/submissions': {
    method: 'GET',
    path: () => '/api/v1/me/submissions',
    marker: (f) => f.submittedId,
  },
  'GET /api/v1/submissions/:id': { method: 'GET', path: (f) => `/api/v1/submissions/${f.submittedId}` },
  'GET /api/v1/submissions/:id/receipt.pdf': {
    method: 'GET',
    path: (f) => `/api/v1/submissions/${f.submittedId}/receipt.pdf`,
  },
  'GET /api/v1/submissions/:id/receipt.html': {
    method: 'GET',
    path: (f) => `/api/v1/submissions/${f.submittedId}/receipt.html`,
  },
  'POST /api/v1/submissions/:id/attachments': {
    method: 'POST',
    path: (f) => `/api/v1/submissions/${f.draftId}/attachments`,
    body: upload,
  },
  'GET /api/v1/submissions/:id/attachments/:attachmentId': {
    method: 'GET',
    path: (f) => `/api/v1/submissions/${f.submittedId}/attachments/${f.attachmentId}`,
  },
  'GET /api/v1/submissions/:id/documents/:documentId': {
    method: 'GET',
    path: (f) => `/api/v1/submissions/${f.submittedId}/documents/${f.documentId}`,
  },
  'POST /api/v1/submissions/:id/messages': {
    method: 'POST',
    path: (f) => `/api/v1/submissions/${f.submittedId}/messages`,
    body: () => ({ body: 'Bonjour, où en est ma demande ?' }),
  },
  'POST /api/v1/submissions/:id/transitions (resubmit)': {
    method: 'POST',
    fresh: 'changes',
    path: (_, id) => `/api/v1/submissions/${id}/transitions`,
    body: () => ({ transition: 'resubmit' }),
  },
  'GET /api/v1/submissions/:id/follow-link': {
    method: 'GET',
    path: (f) => `/api/v1/submissions/${f.submittedId}/follow-link`,
  },
  'POST /api/v1/follow': { method: 'POST', path: () => '/api/v1/follow', body: (f) => ({ token: f.followToken }) },
  'POST /api/v1/follow (a forged link)': {
    method: 'POST',
    path: () => '/api/v1/follow',
    body: (f) => ({ token: `${f.followToken.slice(0, 40)}${randomBytes(6).toString('base64url')}` }),
  },
  'POST /api/v1/follow/receipt.pdf': {
    method: 'POST',
    path: () => '/api/v1/follow/receipt.pdf',
    body: (f) => ({ token: f.followToken }),
  },
  'POST /api/v1/follow/documents/:documentId': {
    method: 'POST',
    path: (f) => `/api/v1/follow/documents/${f.followDocumentId}`,
    body: (f) => ({ token: f.followToken }),
  },
  "POST /api/v1/follow/attachments/:id (an answer's file)": {
    method: 'POST',
    path: (f) => `/api/v1/follow/attachments/${f.followFileId}`,
    body: (f) => ({ token: f.followToken }),
  },
  'POST /api/v1/follow/messages': {
    method: 'POST',
    path: () => '/api/v1/follow/messages',
    body: (f) => ({ token: f.followToken, body: 'Bonjour, où en est ma demande ?' }),
  },
  'POST /api/v1/follow/renew': {
    method: 'POST',
    fresh: 'followLink',
    path: () => '/api/v1/follow/renew',
    body: (_, token) => ({ token }),
  },
  'POST /api/v1/follow/claim (changes asked)': {
    method: 'POST',
    fresh: 'followChanges',
    path: () => '/api/v1/follow/claim',
    body: (_, token) => ({ token }),
  },
  'GET /api/v1/desk/services': { method: 'GET', path: () => '/api/v1/desk/services', marker: (f) => `"${f.s1}"` },
  'GET /api/v1/desk/services/:slug': { method: 'GET', path: (f) => `/api/v1/desk/services/${f.s1}` },
  'GET /api/v1/me/preferences/columns/:slug': {
    method: 'GET',
    path: (f) => `/api/v1/me/preferences/columns/${f.s1}`,
  },
  'PUT /api/v1/me/preferences/columns/:slug': {
    method: 'PUT',
    path: (f) => `/api/v1/me/preferences/columns/${f.s1}`,
    body: () => ({ columns: [] }),
  },
  'GET /api/v1/services/:slug/inbox': {
    method: 'GET',
    path: (f) => `/api/v1/services/${f.s1}/inbox?limit=100`,
    marker: (f) => f.submittedId,
  },
  'GET /api/v1/services/:slug/submissions/:id': {
    method: 'GET',
    path: (f) => `/api/v1/services/${f.s1}/submissions/${f.submittedId}`,
  },
  'GET …/submissions/:id/attachments/:attachmentId': {
    method: 'GET',
    path: (f) => `/api/v1/services/${f.s1}/submissions/${f.submittedId}/attachments/${f.attachmentId}`,
  },
  'POST /api/v1/submissions/:id/message-attachments': {
    method: 'POST',
    path: (f) => `/api/v1/submissions/${f.submittedId}/message-attachments`,
    body: upload,
  },
  'POST /api/v1/submissions/:id/transitions (start_review)': {
    method: 'POST',
    fresh: 'submitted',
    path: (_, id) => `/api/v1/submissions/${id}/transitions`,
    body: () => ({ transition: 'start_review' }),
  },
  'POST /api/v1/services/:slug/batch (per request)': {
    method: 'POST',
    fresh: 'submitted',
    path: (f) => `/api/v1/services/${f.s1}/batch`,
    body: (_, id) => ({ ids: [id], action: { transition: 'start_review' } }),
    effective: (status, text) =>
      status === 200 ? (JSON.parse(text) as { results: Array<{ status: number }> }).results[0]!.status : status,
  },
  'POST /api/v1/submissions/:id/assign': {
    method: 'POST',
    path: (f) => `/api/v1/submissions/${f.submittedId}/assign`,
    body: () => ({ agentId: null }),
  },
  'POST /api/v1/submissions/:id/notes': {
    method: 'POST',
    path: (f) => `/api/v1/submissions/${f.submittedId}/notes`,
    body: () => ({ body: 'Pièce à vérifier.' }),
  },
  'PUT /api/v1/submissions/:id/follow': { method: 'PUT', path: (f) => `/api/v1/submissions/${f.submittedId}/follow` },
  'DELETE /api/v1/submissions/:id/follow': {
    method: 'DELETE',
    path: (f) => `/api/v1/submissions/${f.submittedId}/follow`,
  },
  'GET /api/v1/services/:slug/export?format=csv': {
    method: 'GET',
    path: (f) => `/api/v1/services/${f.s1}/export?format=csv`,
    marker: (f) => f.reference,
  },
  'GET /api/v1/services/:slug/export?format=xlsx': {
    method: 'GET',
    path: (f) => `/api/v1/services/${f.s1}/export?format=xlsx`,
    marker: (f) => f.reference,
    read: async (body) => (await readZip(body)).map((entry) => entry.data.toString('utf8')).join('\n'),
  },
  "GET …/export?format=csv&async=1 (the caller's export)": {
    method: 'GET',
    path: (f) => `/api/v1/services/${f.s1}/export?format=csv&async=1`,
  },
  "GET /api/v1/services/:slug/exports/:exportId (cw's)": {
    method: 'GET',
    path: (f) => `/api/v1/services/${f.s1}/exports/${f.exportId}`,
  },
  "GET …/exports/:exportId/download (cw's)": {
    method: 'GET',
    path: (f) => `/api/v1/services/${f.s1}/exports/${f.exportId}/download`,
    marker: (f) => f.reference,
  },
  'GET /api/v1/tokens?organisationId=': {
    method: 'GET',
    path: (f) => `/api/v1/tokens?organisationId=${f.organisationId}`,
  },
  'POST /api/v1/tokens': {
    method: 'POST',
    path: () => '/api/v1/tokens',
    body: (f) => ({ organisationId: f.organisationId, name: 'intégration', role: 'admin' }),
  },
  'DELETE /api/v1/tokens/:id': { method: 'DELETE', fresh: 'token', path: (_, id) => `/api/v1/tokens/${id}` },
  'GET /api/v1/admin/queues': { method: 'GET', path: () => '/api/v1/admin/queues' },
  'GET /admin/queues': { method: 'GET', path: () => '/admin/queues' },
  'POST /api/v1/admin/outbox/:id/retry': {
    method: 'POST',
    fresh: 'failedOutbox',
    path: (_, id) => `/api/v1/admin/outbox/${id}/retry`,
  },
  'GET /api/v1/organisations/:id': { method: 'GET', path: org },
  'PUT /api/v1/organisations/:id': {
    method: 'PUT',
    path: org,
    body: () => ({ name: 'Commune A', contact: { email: 'accueil@commune-a.fr' }, accentColor: '#000091' }),
  },
  'PUT /api/v1/organisations/:id/logo': { method: 'PUT', path: (f) => `${org(f)}/logo`, body: logoUpload },
  'DELETE /api/v1/organisations/:id/logo': { method: 'DELETE', path: (f) => `${org(f)}/logo` },
  'GET /api/v1/organisations/:id/agents': { method: 'GET', path: (f) => `${org(f)}/agents` },
  'POST /api/v1/organisations/:id/agents': {
    method: 'POST',
    path: (f) => `${org(f)}/agents`,
    body: () => ({ email: email(), role: 'designer' }),
  },
  'DELETE …/agents/:membershipId': {
    method: 'DELETE',
    fresh: 'membership',
    path: (f, id) => `${org(f)}/agents/${id}`,
  },
  'GET …/organisations/:id/services/:slug/groups': {
    method: 'GET',
    path: (f) => `${org(f)}/services/${f.s1}/groups`,
  },
  'POST …/organisations/:id/services/:slug/groups': {
    method: 'POST',
    path: (f) => `${org(f)}/services/${f.s1}/groups`,
    body: () => ({ key: slug('authz-grp'), label: 'Secteur' }),
  },
  'DELETE …/services/:slug/groups/:key': {
    method: 'DELETE',
    fresh: 'group',
    path: (f, key) => `${org(f)}/services/${f.s1}/groups/${key}`,
  },
  'POST …/services/:slug/groups/:key/members': {
    method: 'POST',
    path: (f) => `${org(f)}/services/${f.s1}/groups/${GROUP}/members`,
    body: () => ({ email: email() }),
  },
  'DELETE …/groups/:key/members/:membershipId': {
    method: 'DELETE',
    fresh: 'groupMember',
    path: (f, id) => `${org(f)}/services/${f.s1}/groups/${GROUP}/members/${id}`,
  },
  'POST /api/v1/organisations/:id/archives': { method: 'POST', path: (f) => `${org(f)}/archives` },
  'GET …/organisations/:id/archives/:archiveId': {
    method: 'GET',
    path: (f) => `${org(f)}/archives/${f.archiveId}`,
  },
  'GET …/archives/:archiveId/file': {
    method: 'GET',
    path: (f) => `${org(f)}/archives/${f.archiveId}/file`,
    marker: (f) => `"${f.organisationId}"`,
    read: async (body) =>
      (await readZip(body)).find((entry) => entry.name === 'manifest.json')?.data.toString('utf8') ?? '',
  },
  'POST /auth/logout': { method: 'POST', path: () => '/auth/logout' },
};

/** The canteen form without identity prefill (any citizen may file it), asking or not for sign-in. */
function definitionOf(signIn: 'optional' | 'required') {
  const definition = canteenDefinition();
  definition.settings.signIn = signIn;
  definition.settings.prefill = [];
  return definition;
}

const isStateChanging = (call: Call) => call.method !== 'GET';

/** A cell that lets in, or tells what exists, where it should not. */
function isLeak(expected: Expected, status: number, sawMarker: boolean | undefined): boolean {
  if (expected === B) return status < 400 && sawMarker === true;
  if (expected !== 401 && expected !== 403 && expected !== 404) return false;
  if (status < 400) return true;
  return expected === 404 && status !== 404 && status !== 401;
}

describe('authorization matrix', () => {
  let idp: RunningIdp;
  let fakeApis: RunningFakeApis;
  let stack: Stack;
  let base: string;
  let fixtures: Fixtures;
  const sessions = {} as Record<SessionActor, CookieClient>;
  const spares = {} as Record<SessionActor, CookieClient>;
  const tokens = {} as Record<TokenActor, string>;
  const pools = {} as Record<FreshKind, string[]>;
  const summary = { cells: 0, csrfCells: 0, rows: 0, leaks: 0, serverErrors: 0 };
  const started = Date.now();

  /** The whole OpenID Connect flow for one identity, in a browser of its own. */
  async function signIn(as: 'citizen' | 'agent', identity: string): Promise<CookieClient> {
    const client = new CookieClient();
    const start = await client.request(`${base}/auth/login?as=${as}`);
    const login = await client.follow(new URL(start.headers.get('location')!).toString());
    const posted = await client.postForm(`${login.url}/login`, { identity });
    const callback = await client.follow(
      new URL(posted.headers.get('location')!, login.url).toString(),
      `${base}/auth/callback`,
    );
    const landed = await client.request(callback.url);
    if (landed.status !== 303) throw new Error(`sign-in of ${identity} failed: ${landed.status}`);
    // A first API call sets the CSRF cookie the client sends back.
    const me = await client.request(`${base}/api/v1/me`);
    if (me.status !== 200 || !client.cookie(base, 'csrf_token')) throw new Error(`no session for ${identity}`);
    return client;
  }

  /** One call as one actor; `csrf: false` leaves the header out. */
  async function send(
    actor: ActorName,
    method: Call['method'],
    path: string,
    body: unknown,
    options: { csrf?: boolean; spare?: boolean } = {},
  ): Promise<{ status: number; text: string; body: Buffer }> {
    const headers: Record<string, string> = {};
    let payload: RequestInit['body'];
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    if (actor === 'tokCw' || actor === 'tokAdm' || actor === 'tokRO') headers.authorization = `Bearer ${tokens[actor]}`;
    const client =
      actor === 'anon' || actor === 'tokCw' || actor === 'tokAdm' || actor === 'tokRO'
        ? undefined
        : (options.spare ? spares : sessions)[actor];
    if (client && options.csrf !== false) headers['x-csrf-token'] = client.cookie(base, 'csrf_token')!;
    const init: RequestInit = { method, headers, body: payload, redirect: 'manual' };
    const res = client ? await client.request(`${base}${path}`, init) : await fetch(`${base}${path}`, init);
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, text: bytes.toString('utf8'), body: bytes };
  }

  /** Runs `tasks` with at most `width` at a time. */
  async function inBatches<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < count; i += width) {
      out.push(...(await Promise.all(Array.from({ length: Math.min(width, count - i) }, (_, j) => task(i + j)))));
    }
    return out;
  }

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startIdp({ redirectUris: [`${base}/auth/callback`], postLogoutRedirectUris: [`${base}/`] });
    fakeApis = await startFakeApis();
    stack = await startStack({
      backend: 'postgres',
      worker: false,
      env: {
        PORT: String(port),
        PUBLIC_URL: base,
        METRICS_TOKEN: randomBytes(24).toString('base64url'),
        // Who may call what, not how often: this file makes a hundred requests as one citizen.
        RATE_LIMITS: 'off',
        ...signInEnv(idp.issuer, idp.secret),
        ENTREPRISES_API_URL: fakeApis.entreprisesUrl,
        ASSOCIATIONS_API_URL: fakeApis.associationsUrl,
        PARTICULIER_API_URL: fakeApis.particulierUrl,
        PARTICULIER_API_TOKEN: 'jeton-api-particulier-matrice-0123',
        ADRESSE_API_URL: fakeApis.adresseUrl,
      },
    });
    const db = stack.api.get(DataSource);
    const issue = new ApiTokenService(db);
    const organisations = db.getRepository(Organisation);
    const orgA = await organisations.save({ slug: slug('commune-a'), name: 'Commune A' });
    const orgB = await organisations.save({ slug: slug('commune-b'), name: 'Commune B' });
    const setup = `Bearer ${(await issue.issue({ organisationId: organisationId(orgA.id), name: 'setup', role: 'admin' })).token}`;
    const api = async (method: string, path: string, body?: unknown, auth = setup) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    };
    const createService = (name: string, signIn: 'optional' | 'required') =>
      api('POST', '/api/v1/services', {
        slug: name,
        title: name,
        organisationId: orgA.id,
        definition: definitionOf(signIn),
      });

    const s1 = slug('authz-s1');
    const s2 = slug('authz-s2');
    await createService(s1, 'optional');
    await createService(s2, 'required');
    const { contentHash } = await api('POST', `/api/v1/services/${s1}/publish`);
    await api('POST', `/api/v1/services/${s2}/publish`);
    const [service1, service2] = await Promise.all(
      [s1, s2].map((s) => db.query('SELECT id FROM service WHERE slug = $1', [s]) as Promise<[{ id: string }]>),
    );
    const s1Id = service1![0].id;
    const s2Id = service2![0].id;

    tokens.tokCw = (
      await issue.issue({ organisationId: organisationId(orgA.id), name: 'cw', role: 'caseworker', serviceIds: [s2Id] })
    ).token;
    tokens.tokAdm = (
      await issue.issue({ organisationId: organisationId(orgA.id), name: 'adm', role: 'admin', serviceIds: [s2Id] })
    ).token;
    tokens.tokRO = (
      await issue.issue({ organisationId: organisationId(orgA.id), name: 'ro', role: 'admin', readOnly: true })
    ).token;

    // Agents get their roles from memberships, read at each request.
    const memberships = db.getRepository(AgentMembership);
    const member = (email: string, organisationId: string, role: 'admin' | 'designer' | 'caseworker', more = {}) =>
      memberships.save({ email, organisationId, role, serviceId: null, groupKey: null, ...more });
    await member('sophie.marchand@mairie-de-demo.fr', orgA.id, 'admin');
    await member('lea.fontaine@mairie-de-demo.fr', orgA.id, 'caseworker', { serviceId: s1Id });
    await member('claire.rousseau@mairie-de-demo.fr', orgB.id, 'designer');
    await member('karim.haddad@mairie-de-demo.fr', orgA.id, 'caseworker', { serviceId: s1Id, groupKey: 'nord' });
    await member('nadia.benali@mairie-de-demo.fr', orgA.id, 'caseworker', { serviceId: s2Id });
    const agents: Array<[SessionActor, 'citizen' | 'agent', string]> = [
      ['citA', 'citizen', 'citoyen-marie-claire-dubois'],
      ['citB', 'citizen', 'citoyen-leo-bernard'],
      ['cw', 'agent', 'agent-lea'],
      ['cwGrp', 'agent', 'agent-karim'],
      ['cwOth', 'agent', 'agent-nadia'],
      ['dsgB', 'agent', 'agent-claire'],
      ['admin', 'agent', 'agent-admin'],
    ];
    await Promise.all(
      agents.map(async ([actor, kind, identity]) => {
        sessions[actor] = await signIn(kind, identity);
        spares[actor] = await signIn(kind, identity);
      }),
    );

    // Citizen A's requests.
    const citizen = async (method: string, path: string, body?: unknown) => {
      const res = await send('citA', method as Call['method'], path, body);
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
      return JSON.parse(res.text) as Record<string, unknown>;
    };
    const draft = async (data: Record<string, unknown> = validCanteenData()) =>
      (await citizen('POST', `/api/v1/public/services/${s1}/submissions`, { data })).id as string;
    const submitted = async () => {
      const id = await draft();
      const { reference } = await citizen('POST', `/api/v1/submissions/${id}/submit`, {});
      return { id, reference: reference as string };
    };

    const draftId = await draft();
    // The shared submitted request carries an attachment and an issued document.
    const withFile = await draft({ ...validCanteenData(), hasAllergy: 'oui', allergyDetails: 'arachide' });
    const { attachmentId } = await citizen('POST', `/api/v1/submissions/${withFile}/attachments`, upload());
    await citizen('PATCH', `/api/v1/submissions/${withFile}`, {
      data: { ...validCanteenData(), hasAllergy: 'oui', allergyDetails: 'arachide', certificate: attachmentId },
    });
    const { reference } = await citizen('POST', `/api/v1/submissions/${withFile}/submit`, {});
    const documentId = randomUUID();
    await db.query(
      `INSERT INTO submission_document (id, organisation_id, submission_id, event_id, kind, filename, media_type, content)
       VALUES ($1, $2, $3, $4, 'acceptance', 'decision.pdf', 'application/pdf', $5)`,
      [documentId, orgA.id, withFile, randomUUID(), PDF],
    );
    // A request filed without an account (its follow link), with a file in its answers and an issued document.
    const followKey = followLinkKey(stack.config.SESSION_SECRET!);
    const anonymous = async () => {
      const client = new CookieClient();
      const call = async (method: string, path: string, body?: unknown) => {
        const csrf = client.cookie(base, 'csrf_token');
        const res = await client.request(`${base}${path}`, {
          method,
          headers: {
            ...(body instanceof FormData ? {} : { 'content-type': 'application/json' }),
            ...(csrf ? { 'x-csrf-token': csrf } : {}),
          },
          body: body instanceof FormData ? body : JSON.stringify(body ?? {}),
        });
        const text = await res.text();
        if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
        return JSON.parse(text) as Record<string, unknown>;
      };
      const { id } = (await call('POST', `/api/v1/public/services/${s1}/submissions`, {
        data: validCanteenData(),
      })) as {
        id: string;
      };
      return { call, id };
    };
    const followed = async () => {
      const { call, id } = await anonymous();
      await call('POST', `/api/v1/submissions/${id}/submit`);
      return { id, token: followToken(followKey, { id, followGeneration: 0 }) };
    };
    const withAnswerFile = await anonymous();
    const { attachmentId: followFileId } = await withAnswerFile.call(
      'POST',
      `/api/v1/submissions/${withAnswerFile.id}/attachments`,
      upload(),
    );
    await withAnswerFile.call('PATCH', `/api/v1/submissions/${withAnswerFile.id}`, {
      data: { ...validCanteenData(), hasAllergy: 'oui', allergyDetails: 'arachide', certificate: followFileId },
    });
    await withAnswerFile.call('POST', `/api/v1/submissions/${withAnswerFile.id}/submit`);
    const followDocumentId = randomUUID();
    await db.query(
      `INSERT INTO submission_document (id, organisation_id, submission_id, event_id, kind, filename, media_type, content)
       VALUES ($1, $2, $3, $4, 'acceptance', 'decision.pdf', 'application/pdf', $5)`,
      [followDocumentId, orgA.id, withAnswerFile.id, randomUUID(), PDF],
    );
    const followTokenOf = followToken(followKey, { id: withAnswerFile.id, followGeneration: 0 });
    const ping = await api('POST', '/api/v1/system/pings');
    // The organisation's logo, for the citizens' pages.
    const logo = await fetch(`${base}/api/v1/organisations/${orgA.id}/logo`, {
      method: 'PUT',
      headers: { authorization: setup },
      body: logoUpload(),
    });
    if (logo.status !== 200) throw new Error(`logo: ${logo.status} ${await logo.text()}`);
    // Trials of the studio's test mode, on each service's draft, started by the organisation's admin token.
    const trial = async (service: string) =>
      (await api('POST', `/api/v1/services/${service}/test-submissions`, { data: validCanteenData() })).id as string;
    const trialId = await trial(s1);
    const otherTrialId = await trial(s2);

    // Fresh fixtures: one per cell of the rows that need them (CSRF cells included).
    const needed = {} as Record<FreshKind, number>;
    for (const call of Object.values(ROUTES)) {
      if (!call.fresh) continue;
      needed[call.fresh] =
        (needed[call.fresh] ?? 0) + ACTORS.length + (isStateChanging(call) ? SESSION_ACTORS.length : 0);
    }
    const makers: Record<FreshKind, () => Promise<string>> = {
      draft: () => draft(),
      submitted: async () => (await submitted()).id,
      changes: async () => {
        const { id } = await submitted();
        await api('POST', `/api/v1/submissions/${id}/transitions`, { transition: 'start_review' });
        await api('POST', `/api/v1/submissions/${id}/transitions`, {
          transition: 'request_changes',
          comment: 'Le justificatif manque.',
        });
        return id;
      },
      unpublished: async () => {
        const name = slug('authz-fresh');
        await createService(name, 'optional');
        return name;
      },
      token: async () =>
        (await issue.issue({ organisationId: organisationId(orgA.id), name: 'à révoquer', role: 'caseworker' })).record
          .id,
      failedOutbox: async () => {
        const [row] = (await db.query(
          `INSERT INTO outbox (organisation_id, topic, payload, relayed_at, failed_at, last_error)
           VALUES ($1, 'notify.email', $2, now(), now(), 'test') RETURNING id`,
          [orgA.id, { submissionId: withFile, eventId: randomUUID(), template: 'submission_received' }],
        )) as Array<{ id: string }>;
        return row!.id;
      },
      membership: async () => (await member(email(), orgA.id, 'caseworker')).id,
      group: async () => {
        const key = slug('authz-grp');
        await db.getRepository(CaseworkerGroup).save({ organisationId: orgA.id, serviceId: s1Id, key, label: key });
        return key;
      },
      groupMember: async () => (await member(email(), orgA.id, 'caseworker', { serviceId: s1Id, groupKey: GROUP })).id,
      trial: () => trial(s1),
      followLink: async () => (await followed()).token,
      followChanges: async () => {
        const { id, token } = await followed();
        await api('POST', `/api/v1/submissions/${id}/transitions`, { transition: 'start_review' });
        await api('POST', `/api/v1/submissions/${id}/transitions`, {
          transition: 'request_changes',
          comment: 'Le justificatif manque.',
        });
        return token;
      },
    };
    for (const kind of Object.keys(needed) as FreshKind[]) {
      pools[kind] = await inBatches(needed[kind], 8, () => makers[kind]());
    }
    // As routing would have done: every request is in the default group, which cwGrp does not work on.
    await db.query(`UPDATE submission SET group_key = $1 WHERE service_id = $2 AND status <> 'draft'`, [
      DEFAULT_GROUP,
      s1Id,
    ]);
    // An export cw asked a worker for, made here as the worker would (this stack runs none).
    const asked = await send('cw', 'GET', `/api/v1/services/${s1}/export?format=csv&async=1`, undefined);
    if (asked.status !== 202) throw new Error(`export: ${asked.status} ${asked.text}`);
    const { exportId } = JSON.parse(asked.text) as { exportId: string };
    const made = await stack.api.get(DeskExports).run(exportId);
    if (!made.startsWith('ready')) throw new Error(`export: ${made}`);
    // The organisation's archive its admin asked for, made as the worker would.
    const archive = await send('admin', 'POST', `/api/v1/organisations/${orgA.id}/archives`, undefined);
    if (archive.status !== 202) throw new Error(`archive: ${archive.status} ${archive.text}`);
    const { archiveId } = JSON.parse(archive.text) as { archiveId: string };
    const archived = await stack.api.get(OrganisationArchives).run(archiveId);
    if (!archived.startsWith('ready')) throw new Error(`archive: ${archived}`);

    fixtures = {
      organisationId: orgA.id,
      s1,
      s2,
      draftId,
      submittedId: withFile,
      reference: reference as string,
      attachmentId: attachmentId as string,
      documentId,
      pingId: ping.id as string,
      contentHash: contentHash as string,
      organisationSlug: orgA.slug,
      exportId,
      archiveId,
      trialId,
      otherTrialId,
      followToken: followTokenOf,
      followFileId: followFileId as string,
      followDocumentId,
    };
  }, 60_000);

  afterAll(async () => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `\nauthorization matrix: ${summary.rows} routes × ${ACTORS.length} actors = ${summary.cells} cells, ` +
        `+ ${summary.csrfCells} CSRF cells; leaks found: ${summary.leaks}; 5xx: ${summary.serverErrors}; ${seconds} s\n`,
    );
    await stack?.close();
    await idp?.stop();
    await fakeApis?.close();
  });

  const take = (kind: FreshKind) => {
    const next = pools[kind].pop();
    if (!next) throw new Error(`no fresh ${kind} left`);
    return next;
  };

  it.each(Object.keys(MATRIX) as RowName[])('%s', async (row) => {
    const call = ROUTES[row];
    const failures: string[] = [];
    summary.rows++;

    // Without the CSRF header, a session is refused before anything else (first: sign-out would end it).
    if (isStateChanging(call)) {
      await Promise.all(
        SESSION_ACTORS.map(async (actor) => {
          const fresh = call.fresh ? take(call.fresh) : '';
          const res = await send(actor, call.method, call.path(fixtures, fresh), call.body?.(fixtures, fresh), {
            csrf: false,
            spare: row === 'POST /auth/logout',
          });
          summary.csrfCells++;
          const code = res.status === 403 ? (JSON.parse(res.text) as { code?: string }).code : undefined;
          if (code !== 'CSRF') {
            failures.push(`${actor} without CSRF header: ${res.status} ${code ?? res.text.slice(0, 120)}`);
            if (res.status < 400) summary.leaks++;
          }
        }),
      );
    }

    await Promise.all(
      ACTORS.map(async (actor, column) => {
        const expected: Expected = MATRIX[row][column]!;
        const fresh = call.fresh ? take(call.fresh) : '';
        const res = await send(actor, call.method, call.path(fixtures, fresh), call.body?.(fixtures, fresh), {
          spare: row === 'POST /auth/logout',
        });
        summary.cells++;
        const status = call.effective ? call.effective(res.status, res.text) : res.status;
        const marker = call.marker?.(fixtures);
        const text = call.read && res.status === 200 ? await call.read(res.body) : res.text;
        const sawMarker = marker === undefined ? undefined : text.includes(marker);
        const ok =
          expected === S
            ? status === 200 && sawMarker === true
            : expected === B
              ? status === 200 && sawMarker === false
              : status === expected;
        if (status >= 500) summary.serverErrors++;
        if (!ok) {
          if (isLeak(expected, status, sawMarker)) summary.leaks++;
          failures.push(
            `${actor}: expected ${expected}, got ${status}${sawMarker ? ' (fixture shown)' : ''} ${res.text.slice(0, 160)}`,
          );
        }
      }),
    );
    expect(failures).toEqual([]);
  });

  it('covers every route the API serves: a new route cannot escape the matrix', () => {
    /**
     * Routes the table leaves out on purpose, each with why. Everything else the
     * router serves must be reached by some row (same method, path matched by
     * the router's own pattern), or this test names it.
     */
    const EXEMPT: Record<string, string> = {
      'GET /api/docs': 'the OpenAPI page: static, public by design (its JSON is a row)',
      'GET /api/docs/': 'the same page',
      'GET /api/docs/index.html': 'the same page',
      'GET /api/docs/swagger-ui-init.js': 'the OpenAPI page’s script: static, public',
      'GET /api/docs/docs/swagger-ui-init.js': 'the same script, as Swagger UI registers it twice',
      'GET /api/docs/LICENSE': 'Swagger UI’s licence text',
      'GET /api/docs-yaml': 'the same document as /api/docs-json, in YAML',
    };
    /** Nest's catch-all for methods no controller serves: it only ever answers 404 (http-contract.test.ts). */
    const CATCH_ALL = '/{*path}';
    type Layer = { route?: { path: string; methods: Record<string, boolean> }; match(path: string): unknown };
    const router = (stack.api.getHttpAdapter().getInstance() as { router: { stack: Layer[] } }).router;
    const calls = Object.values(ROUTES).map((call) => ({
      method: call.method,
      // A placeholder where a row takes a fresh fixture: only the shape of the path matters here.
      path: new URL(call.path(fixtures, randomUUID()), base).pathname,
    }));
    const served = router.stack.flatMap((layer) =>
      layer.route && layer.route.path !== CATCH_ALL
        ? Object.keys(layer.route.methods)
            .filter((m) => m !== '_all')
            .map((m) => ({ name: `${m.toUpperCase()} ${layer.route!.path}`, method: m.toUpperCase(), layer }))
        : [],
    );
    expect(served.length).toBeGreaterThan(50);
    const reached = (route: (typeof served)[number]) =>
      calls.some((call) => call.method === route.method && route.layer.match(call.path));
    const uncovered = served
      .filter((route) => !Object.prototype.hasOwnProperty.call(EXEMPT, route.name))
      .filter((route) => !reached(route))
      .map((route) => route.name);
    expect(uncovered).toEqual([]);
    // An exemption for a route that no longer exists, or that a row now reaches, is stale: it goes too.
    expect(Object.keys(EXEMPT).filter((name) => !served.some((route) => route.name === name))).toEqual([]);
    expect(
      served
        .filter((route) => Object.prototype.hasOwnProperty.call(EXEMPT, route.name) && reached(route))
        .map((r) => r.name),
    ).toEqual([]);
  });

  it('asserted every cell, and found no leak and no 5xx', () => {
    const rows = Object.keys(MATRIX).length;
    const stateChanging = Object.values(ROUTES).filter(isStateChanging).length;
    expect(summary).toMatchObject({
      rows,
      cells: rows * ACTORS.length,
      csrfCells: stateChanging * SESSION_ACTORS.length,
      leaks: 0,
      serverErrors: 0,
    });
  });
});
