import type { OpenAPIObject } from '@nestjs/swagger';
import type {
  BatchResult,
  CaseView,
  DeskService,
  DeskServiceView,
  FollowView,
  InboxItem,
  InboxPage,
  MessageView,
  NoteView,
  OrganisationArchiveView,
  PublicOrganisation,
  PublicService,
  PublicServiceSummary,
  PublishPreview,
  ServiceSummary,
  ServiceView,
  SubmissionSummary,
  SubmissionView,
  TestSubmissionView,
} from '@guichet/shared';

/**
 * The answers of every operation, as OpenAPI schemas. The view schemas are
 * written against the view types of @guichet/shared: `object<T>()` requires
 * exactly T's properties, so adding a field to a view without describing it
 * here does not compile; test/e2e/openapi-contract.test.ts checks real
 * answers against them and fails on an operation left without a schema.
 */

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const bool: Schema = { type: 'boolean' };
const nullable = (schema: Schema): Schema => ({ ...schema, nullable: true });
const nstr = nullable(str);
const arr = (items: Schema): Schema => ({ type: 'array', items });
const ref = (name: keyof typeof VIEW_SCHEMAS): Schema => ({ $ref: `#/components/schemas/${name}` });
/** Any JSON object (answers, definitions: their own schemas live with the service). */
const anyObject: Schema = { type: 'object', additionalProperties: true };
const dateTime: Schema = { type: 'string', format: 'date-time' };
const nDateTime = nullable(dateTime);

/** An object with exactly T's properties; `optional` lists those T marks optional. */
function object<T>(properties: { [K in keyof Required<T>]: Schema }, optional: ReadonlyArray<keyof T> = []): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    properties,
    required: Object.keys(properties).filter((key) => !optional.includes(key as keyof T)),
  };
}

/** A plain object whose properties are all given (for small answers without a shared type). */
const plain = (properties: Record<string, Schema>, optional: string[] = []) =>
  object<Record<string, unknown>>(properties, optional);

const tabCounts = plain({ a_traiter: int, suivis: int, traites: int, tous: int });
const fileSummary = plain({ id: str, filename: str, mediaType: str, bytes: int });
const documentSummary = plain({ id: str, kind: str, filename: str, at: dateTime });
const serviceRef = plain({ slug: str, title: str });
const fieldChange = plain({ pointer: str, title: str, from: str, to: str }, ['title', 'from', 'to']);

const serviceSummaryProps = {
  slug: str,
  title: str,
  description: nstr,
  organisationId: str,
  status: { type: 'string', enum: ['draft', 'published', 'closed'] },
  draftRevision: int,
  latestVersion: nullable(int),
  closed: nullable(plain({ message: nstr, redirectTo: nstr, at: dateTime })),
};

const submissionProps = {
  id: str,
  service: serviceRef,
  version: int,
  status: str,
  revision: int,
  reference: nstr,
  submittedAt: nDateTime,
  updatedAt: dateTime,
  statusLabel: str,
};
const citizenExtras = {
  actions: arr(plain({ transition: str, label: str, to: str })),
  history: arr(plain({ type: str, at: dateTime, toStatus: nstr, label: nstr, comment: nstr })),
  documents: arr(documentSummary),
  messages: arr({ $ref: '#/components/schemas/MessageView' }),
};

const caseEvent = plain({
  id: str,
  type: str,
  at: dateTime,
  actor: str,
  transition: nstr,
  fromStatus: nstr,
  toStatus: nstr,
  label: nstr,
  comment: nstr,
  visibility: { type: 'string', enum: ['public', 'internal'] },
  actorName: nstr,
  subject: nstr,
  subjectName: nstr,
});

const deskServiceProps = {
  slug: str,
  title: str,
  organisation: plain({ id: str, name: str }),
  closed: bool,
  counts: tabCounts,
};

export const VIEW_SCHEMAS = {
  OrganisationArchiveView: object<OrganisationArchiveView>(
    {
      archiveId: str,
      organisationId: str,
      status: { type: 'string', enum: ['queued', 'running', 'ready', 'failed'] },
      bytes: nullable(int),
      createdAt: dateTime,
      finishedAt: nDateTime,
      expiresAt: dateTime,
      statusUrl: str,
      downloadUrl: str,
      error: str,
    },
    ['downloadUrl', 'error'],
  ),
  MessageView: object<MessageView>({
    id: str,
    from: { type: 'string', enum: ['citizen', 'caseworker'] },
    body: str,
    at: dateTime,
    attachment: nullable(fileSummary),
  }),
  PublicServiceSummary: object<PublicServiceSummary>({
    slug: str,
    title: str,
    organisation: plain({ slug: str, name: str }),
    signIn: { type: 'string', enum: ['required', 'optional', 'none'] },
  }),
  PublicOrganisation: object<PublicOrganisation>({
    slug: str,
    name: str,
    accentColor: nstr,
    logoUrl: nstr,
    contact: plain({ email: nstr, phone: nstr, address: nstr, website: nstr }),
  }),
  PublicService: object<PublicService>({
    slug: str,
    title: str,
    description: nstr,
    organisation: { $ref: '#/components/schemas/PublicOrganisation' },
    closed: nullable(plain({ message: nstr, redirectTo: nstr })),
    version: int,
    contentHash: str,
    definition: nullable(anyObject),
    validator: nstr,
  }),
  ServiceSummary: object<ServiceSummary>(serviceSummaryProps),
  ServiceView: object<ServiceView>({
    ...serviceSummaryProps,
    draft: anyObject,
    versions: arr(plain({ version: int, contentHash: str, publishedAt: dateTime, publishedBy: str })),
  }),
  PublishPreview: object<PublishPreview>({
    fromVersion: nullable(int),
    toVersion: int,
    diff: plain({
      added: arr(fieldChange),
      removed: arr(fieldChange),
      retyped: arr(fieldChange),
      madeRequired: arr(fieldChange),
      moved: arr(fieldChange),
    }),
    impact: plain({ drafts: int, openSubmissions: int }),
  }),
  SubmissionView: object<SubmissionView>(
    {
      ...submissionProps,
      ...citizenExtras,
      data: anyObject,
      form: plain({ definition: anyObject, validator: str }),
    },
    ['form'],
  ),
  SubmissionSummary: object<SubmissionSummary>(submissionProps),
  FollowView: object<FollowView>({ ...submissionProps, ...citizenExtras }),
  TestSubmissionView: object<TestSubmissionView>({
    id: str,
    test: { type: 'boolean', enum: [true] },
    service: serviceRef,
    status: str,
    revision: int,
    data: anyObject,
    definition: anyObject,
    submittedAt: nDateTime,
    updatedAt: dateTime,
    url: str,
  }),
  DeskService: object<DeskService>(deskServiceProps),
  DeskServiceView: object<DeskServiceView>({
    ...deskServiceProps,
    states: arr(plain({ name: str, label: str, final: bool })),
    transitions: arr(plain({ name: str, label: str, from: arr(str), commentRequired: bool, final: bool })),
    definition: anyObject,
  }),
  InboxItem: object<InboxItem>({
    id: str,
    reference: nstr,
    status: str,
    statusLabel: str,
    submittedAt: nDateTime,
    deadlineAt: nDateTime,
    group: nstr,
    assignee: nstr,
    assigneeName: nstr,
    contactName: nstr,
    updatedAt: dateTime,
    awaitingReplySince: nDateTime,
    answers: anyObject,
  }),
  InboxPage: object<InboxPage>({
    items: arr({ $ref: '#/components/schemas/InboxItem' }),
    nextCursor: nstr,
    counts: tabCounts,
  }),
  CaseView: object<CaseView>({
    ...submissionProps,
    group: nstr,
    assignee: nstr,
    assigneeName: nstr,
    contact: plain({ email: nstr, name: nstr }),
    identity: plain({ franceConnect: bool, fromIdentity: nullable(arr(str)) }),
    deadline: nullable(plain({ at: dateTime, transition: str })),
    data: anyObject,
    definition: anyObject,
    attachments: arr(plain({ id: str, pointer: str, filename: str, mediaType: str, bytes: int })),
    actions: arr(plain({ transition: str, label: str, commentRequired: bool, to: str, final: bool })),
    history: arr(caseEvent),
    messages: arr({ $ref: '#/components/schemas/MessageView' }),
    awaitingReplySince: nDateTime,
    documents: arr(documentSummary),
    notes: arr(plain({ id: str, author: str, authorName: nstr, body: str, at: dateTime }, ['authorName'])),
    followed: bool,
  }),
  NoteView: object<NoteView>({ id: str, author: str, authorName: nstr, body: str, at: dateTime }, ['authorName']),
  BatchResult: object<BatchResult>(
    {
      id: str,
      status: int,
      result: plain({ status: str, revision: int, assignee: nstr }, ['status', 'revision', 'assignee']),
      code: str,
      message: str,
    },
    ['result', 'code', 'message'],
  ),
} satisfies Record<string, Schema>;

type Answer =
  | { json: Schema }
  | { media: string; text?: boolean }
  /** A redirection, no body. */
  | { empty: true };

const json = (schema: Schema): Answer => ({ json: schema });
const binary = (media: string): Answer => ({ media });
const text = (media: string): Answer => ({ media, text: true });
const empty: Answer = { empty: true };
const idOnly = json(plain({ id: str }));
const accepted = json(anyObject);

/** By `METHOD /path` as the document spells it. */
export const OPERATION_RESPONSES: Record<string, Answer> = {
  'GET /admin/queues': text('text/html'),
  'GET /api/v1/admin/queues': accepted,
  'POST /api/v1/admin/outbox/{id}/retry': accepted,
  'GET /api/v1/public/challenge': accepted,
  'GET /auth/login': empty,
  'GET /auth/callback': empty,
  'POST /auth/logout': accepted,
  'GET /auth/session': accepted,
  'POST /auth/session/extend': accepted,
  'GET /api/v1/me': accepted,
  'GET /api/v1/services/{slug}/exports/{exportId}': accepted,
  'GET /api/v1/services/{slug}/exports/{exportId}/download': binary('application/octet-stream'),
  'GET /api/v1/me/preferences': json(plain({ notify: { type: 'string', enum: ['instant', 'digest', 'none'] } })),
  'PUT /api/v1/me/preferences': json(plain({ notify: { type: 'string', enum: ['instant', 'digest', 'none'] } })),
  'GET /api/v1/me/preferences/columns/{slug}': json(plain({ columns: arr(str) })),
  'PUT /api/v1/me/preferences/columns/{slug}': json(plain({ columns: arr(str) })),
  'GET /api/v1/desk/services': json(arr(ref('DeskService'))),
  'GET /api/v1/desk/services/{slug}': json(ref('DeskServiceView')),
  'POST /api/v1/services/{slug}/batch': json(plain({ results: arr(ref('BatchResult')) })),
  'GET /api/v1/services/{slug}/inbox': json(ref('InboxPage')),
  'GET /api/v1/services/{slug}/submissions/{id}': json(ref('CaseView')),
  'POST /api/v1/submissions/{id}/notes': json(ref('NoteView')),
  'POST /api/v1/submissions/{id}/assign': accepted,
  'PUT /api/v1/submissions/{id}/follow': json(plain({ id: str, followed: bool })),
  'DELETE /api/v1/submissions/{id}/follow': json(plain({ id: str, followed: bool })),
  'POST /api/v1/tokens': accepted,
  'GET /api/v1/tokens': json(arr(anyObject)),
  'DELETE /api/v1/tokens/{id}': accepted,
  'GET /health/live': accepted,
  'GET /health/ready': accepted,
  'GET /metrics': text('text/plain'),
  'GET /api/v1/organisations/{id}': accepted,
  'PUT /api/v1/organisations/{id}': accepted,
  'PUT /api/v1/organisations/{id}/logo': accepted,
  'DELETE /api/v1/organisations/{id}/logo': accepted,
  'GET /api/v1/organisations/{id}/agents': json(arr(anyObject)),
  'POST /api/v1/organisations/{id}/agents': accepted,
  'DELETE /api/v1/organisations/{id}/agents/{membershipId}': accepted,
  'GET /api/v1/organisations/{id}/services/{slug}/groups': json(arr(anyObject)),
  'POST /api/v1/organisations/{id}/services/{slug}/groups': accepted,
  'DELETE /api/v1/organisations/{id}/services/{slug}/groups/{key}': accepted,
  'POST /api/v1/organisations/{id}/services/{slug}/groups/{key}/members': accepted,
  'DELETE /api/v1/organisations/{id}/services/{slug}/groups/{key}/members/{membershipId}': accepted,
  'POST /api/v1/organisations/{id}/archives': json(ref('OrganisationArchiveView')),
  'GET /api/v1/organisations/{id}/archives/{archiveId}': json(ref('OrganisationArchiveView')),
  'GET /api/v1/organisations/{id}/archives/{archiveId}/file': binary('application/zip'),
  'GET /api/v1/public/organisations/{slug}/logo': binary('image/*'),
  'GET /api/v1/examples': json(arr(anyObject)),
  'GET /api/v1/public/services': json(arr(ref('PublicServiceSummary'))),
  'GET /api/v1/public/services/{slug}': json(ref('PublicService')),
  'GET /api/v1/services/{slug}/webhook': accepted,
  'POST /api/v1/services/{slug}/webhook/rotate': accepted,
  'GET /api/v1/services': json(arr(ref('ServiceSummary'))),
  'POST /api/v1/services': json(ref('ServiceView')),
  'POST /api/v1/services/import': json(ref('ServiceView')),
  'GET /api/v1/services/{slug}': json(ref('ServiceView')),
  'PUT /api/v1/services/{slug}/draft': json(ref('ServiceView')),
  'POST /api/v1/services/{slug}/publish/preview': json(ref('PublishPreview')),
  'POST /api/v1/services/{slug}/publish': accepted,
  'GET /api/v1/services/{slug}/versions/{version}': accepted,
  'POST /api/v1/services/{slug}/close': accepted,
  'GET /api/v1/services/{slug}/export': binary('application/octet-stream'),
  'POST /api/v1/services/{slug}/test-submissions': json(ref('TestSubmissionView')),
  'GET /api/v1/services/{slug}/test-submissions/{id}': json(ref('TestSubmissionView')),
  'GET /api/v1/services/{slug}/test-submissions/{id}/validator.js': text('text/javascript'),
  'PATCH /api/v1/services/{slug}/test-submissions/{id}': accepted,
  'POST /api/v1/services/{slug}/test-submissions/{id}/attachments': accepted,
  'POST /api/v1/services/{slug}/test-submissions/{id}/submit': accepted,
  'GET /api/v1/public/validators/{hash}.js': text('text/javascript'),
  'GET /api/v1/submissions/{id}/follow-link': accepted,
  'POST /api/v1/follow': json(ref('FollowView')),
  'POST /api/v1/follow/receipt.pdf': binary('application/pdf'),
  'POST /api/v1/follow/documents/{documentId}': binary('application/pdf'),
  'POST /api/v1/follow/attachments/{attachmentId}': binary('application/octet-stream'),
  'POST /api/v1/follow/messages': idOnly,
  'POST /api/v1/follow/renew': accepted,
  'POST /api/v1/follow/claim': accepted,
  'POST /api/v1/public/services/{slug}/submissions': json(ref('SubmissionView')),
  'PATCH /api/v1/submissions/{id}': json(plain({ id: str, revision: int, savedAt: dateTime })),
  'POST /api/v1/submissions/{id}/submit': json(plain({ reference: str, status: str })),
  'GET /api/v1/submissions/{id}': json(ref('SubmissionView')),
  'GET /api/v1/submissions/{id}/receipt.pdf': binary('application/pdf'),
  'GET /api/v1/submissions/{id}/receipt.html': text('text/html'),
  'POST /api/v1/submissions/{id}/messages': accepted,
  'POST /api/v1/submissions/{id}/attachments': accepted,
  'GET /api/v1/submissions/{id}/attachments/{attachmentId}': binary('application/octet-stream'),
  'GET /api/v1/me/submissions': json(arr(ref('SubmissionSummary'))),
  'POST /api/v1/submissions/{id}/transitions': json(plain({ id: str, status: str, revision: int })),
  'GET /api/v1/services/{slug}/submissions/{id}/attachments/{attachmentId}': binary('application/octet-stream'),
  'POST /api/v1/submissions/{id}/message-attachments': accepted,
  'GET /api/v1/submissions/{id}/documents/{documentId}': binary('application/pdf'),
  'POST /api/v1/system/pings': accepted,
  'GET /api/v1/system/pings/{id}': accepted,
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Gives every operation of the document its answer's schema, and the views their component schemas. */
export function addResponseSchemas(document: OpenAPIObject): OpenAPIObject {
  document.components = document.components ?? {};
  document.components.schemas = { ...document.components.schemas, ...(VIEW_SCHEMAS as Record<string, object>) };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      const answer = OPERATION_RESPONSES[`${method.toUpperCase()} ${path}`];
      if (!operation || !answer) continue;
      const responses = operation.responses ?? {};
      const status = Object.keys(responses).find((code) => /^2\d\d$/.test(code)) ?? '200';
      const description = (responses[status] as { description?: string } | undefined)?.description || 'OK';
      if ('empty' in answer) {
        // A redirection (sign-in): no 2xx answer at all.
        delete responses[status];
        responses['302'] = { description: 'Redirection' };
      } else if ('json' in answer) {
        responses[status] = { description, content: { 'application/json': { schema: answer.json } } };
      } else {
        const schema = answer.text ? { type: 'string' } : { type: 'string', format: 'binary' };
        responses[status] = { description, content: { [answer.media]: { schema } } };
      }
      operation.responses = responses;
    }
  }
  return document;
}
