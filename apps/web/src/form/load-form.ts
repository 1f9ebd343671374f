import { needsSemantics, type SchemaSemantics, type ServiceDefinition } from '@guichet/shared';
import { ApiError, api, whoAmI } from '../lib/api';
import { embeddedService } from '../lib/embedded';
import { lang, tr } from '../lib/i18n';
import type { PublicService, SubmissionView, TestSubmissionView } from '@guichet/shared';
import type { Schema } from './model';
import { loadFileFieldsFor } from './lazy-file-fields';
import { loadSemantics } from './semantics';
import { loadSpecialFields } from './special-fields';
import { checkOf, loadValidatorModule, warmUpCheck, type CheckLoader } from './validation';

/** What the form page needs before it can draw the first step. */
export interface Loaded {
  service: PublicService;
  definition: ServiceDefinition;
  draft: SubmissionView;
  /** The answers' check, whose code is fetched once the form is open: what « Continuer » and autosave run. */
  check: CheckLoader;
  /** RJSF's semantics, for definitions with conditions, alternatives or defaults. */
  semantics?: SchemaSemantics;
  signedIn: boolean;
  claims?: Record<string, unknown>;
  /** A designer's trial of the draft definition (test mode): saved and checked apart, never a real request. */
  test: boolean;
  /** Where the draft lives in the API. */
  base: string;
}

/** The review page and its answer formatter load apart: the first step does not wait for them. */
export const loadReview = () => import('./Review').then((m) => ({ default: m.Review }));

/** A designer's trial, shaped as the page's draft and service. */
async function loadTrial(slug: string, id: string): Promise<{ service: PublicService; draft: SubmissionView }> {
  const base = `/api/v1/services/${encodeURIComponent(slug)}/test-submissions/${encodeURIComponent(id)}`;
  const trial = await api<TestSubmissionView>(base);
  return {
    service: {
      slug: trial.service.slug,
      title: trial.service.title,
      description: null,
      organisation: {
        slug: '',
        name: tr('Mode test du studio', 'Studio test mode'),
        accentColor: null,
        logoUrl: null,
        contact: { email: null, phone: null, address: null, website: null },
      },
      closed: null,
      version: 0,
      contentHash: '',
      definition: trial.definition,
      validator: `${base}/validator.js`,
    },
    draft: {
      id: trial.id,
      service: trial.service,
      version: 0,
      status: trial.status,
      revision: trial.revision,
      reference: null,
      submittedAt: null,
      updatedAt: trial.updatedAt,
      data: trial.data,
      statusLabel: '',
      actions: [],
      history: [],
      documents: [],
      messages: [],
    },
  };
}

/** The service, the draft (or trial), who is signed in, the version's validator and, when needed, RJSF's semantics. */
export async function loadForm(slug: string, draftId: string, test: boolean): Promise<Loaded> {
  // The page may carry the published version (the API embeds it): no round trip for it, and the validator and
  // semantics start loading now, alongside the draft, rather than after it. A draft of another version is
  // still drawn with its own definition and validator (below); the early start is then only wasted work.
  const embedded = test ? null : embeddedService(slug);
  if (embedded?.definition && embedded.validator) {
    void loadValidatorModule(embedded.validator).catch(() => undefined);
    if (needsSemantics(embedded.definition.schema)) void import('./semantics-chunk').catch(() => undefined);
    void loadSpecialFields(embedded.definition.uiSchema);
    void loadFileFieldsFor(embedded.definition.schema);
  }
  const [{ service, draft }, me] = await Promise.all([
    test
      ? loadTrial(slug, draftId)
      : Promise.all([
          embedded ?? api<PublicService>(`/api/v1/public/services/${encodeURIComponent(slug)}`),
          api<SubmissionView>(`/api/v1/submissions/${encodeURIComponent(draftId)}`),
        ]).then(([service, draft]) => ({ service, draft })),
    whoAmI().catch(() => null),
  ]);
  // A draft keeps the version it was started on: render and check that one, as the server will.
  const definition = draft.form?.definition ?? service.definition;
  const validatorUrl = draft.form?.validator ?? service.validator;
  if (!definition || !validatorUrl)
    throw new ApiError(409, {
      code: 'SERVICE_CLOSED',
      message: service.closed?.message ?? tr('Cette démarche est fermée.', 'This service is closed.'),
    });
  // The lookup fields the definition uses (SIRET, commune…) and its file fields come with it: the step is drawn with
  // them, never a placeholder in their place.
  const [, semantics] = await Promise.all([
    loadValidatorModule(validatorUrl),
    loadSemantics(definition.schema as Schema),
    loadSpecialFields(definition.uiSchema),
    loadFileFieldsFor(definition.schema),
  ]);
  // The check's code is fetched once the form has painted. The first run of a large validator costs milliseconds
  // (about 50 for 300 fields), and so does the first run of the check around it: paid while the citizen reads, not
  // at « Continuer » nor before the first paint.
  const check = checkOf(validatorUrl, definition);
  whenIdle(
    () =>
      void check.load().then(
        (ready) => warmUpCheck(ready, definition, draft.data ?? {}, lang),
        () => undefined,
      ),
    1000,
  );
  // Fetched while the citizen fills the first step, so « Vérifiez vos réponses » opens at once.
  window.setTimeout(() => void loadReview().catch(() => undefined), 1000);
  const base = test
    ? `/api/v1/services/${encodeURIComponent(slug)}/test-submissions/${encodeURIComponent(draftId)}`
    : `/api/v1/submissions/${encodeURIComponent(draftId)}`;
  return { service, definition, draft, check, semantics, signedIn: me?.kind === 'citizen', test, base };
}

/**
 * Runs `work` when the browser is idle (after the coming paints), at the latest `timeoutMs` from now; where
 * `requestIdleCallback` is missing (Safari), after a paint and then `timeoutMs`.
 */
function whenIdle(work: () => void, timeoutMs: number): void {
  if (typeof window.requestIdleCallback === 'function') {
    window.requestIdleCallback(() => work(), { timeout: timeoutMs });
    return;
  }
  window.requestAnimationFrame(() => window.setTimeout(work, timeoutMs));
}
