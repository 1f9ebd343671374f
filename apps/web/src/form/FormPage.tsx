import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import {
  checkAnswers,
  parseJsonPointer,
  withoutPointers,
  type ErrorItem,
  type SchemaValidateFunction,
  type ServiceDefinition,
  type SchemaSemantics,
} from '@guichet/shared';
import { ApiError, api, newKey, whoAmI } from '../lib/api';
import { formatTime, lang, tr } from '../lib/i18n';
import { navigate, onLinkClick } from '../lib/router';
import type { PublicService, SubmissionView } from '../lib/types';
import { usePageTitle } from '../lib/title';
import { OrganisationMark, useAccent } from '../pages/Branding';
import { FormContext, type FormContextValue } from './context';
import { ErrorSummary, type SummaryItem } from './ErrorSummary';
import { Fields, withMinimumItems } from './fields';
import { labelOf, type Schema, type Ui } from './model';
import { FormStore, useStoreVersion } from './store';
import { loadSemantics } from './semantics';
import { loadValidator } from './validation';
import { uploadFile } from './upload';

export const REVIEW = 'verification';
const STEP_FORM = 'etape-formulaire';

interface Loaded {
  service: PublicService;
  definition: ServiceDefinition;
  draft: SubmissionView;
  validate: SchemaValidateFunction;
  /** RJSF's semantics, for definitions with conditions, alternatives or defaults. */
  semantics?: SchemaSemantics;
  signedIn: boolean;
  claims?: Record<string, unknown>;
  /** A designer's trial of the draft definition (test mode): saved and checked apart, never a real request. */
  test: boolean;
  /** Where the draft lives in the API. */
  base: string;
}

interface TrialView {
  id: string;
  service: { slug: string; title: string };
  status: string;
  revision: number;
  data: Record<string, unknown>;
  definition: ServiceDefinition;
  updatedAt: string;
}

/** A designer's trial, shaped as the page's draft and service. */
async function loadTrial(slug: string, id: string): Promise<{ service: PublicService; draft: SubmissionView }> {
  const base = `/api/v1/services/${encodeURIComponent(slug)}/test-submissions/${encodeURIComponent(id)}`;
  const trial = await api<TrialView>(base);
  return {
    service: {
      slug: trial.service.slug,
      title: trial.service.title,
      description: null,
      organisation: { slug: '', name: tr('Mode test du studio', 'Studio test mode') },
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

const localKey = (id: string) => `guichet.brouillon.${id}`;

/** The review page and its answer formatter load apart: the first step does not wait for them. */
const loadReview = () => import('./Review').then((m) => ({ default: m.Review }));
const Review = lazy(loadReview);

/**
 * An anonymous session that expired mid-draft: the answers the page still
 * holds (or this browser kept) go into a new draft of the same service, so
 * nothing typed is lost. Answers the new draft refuses stay in this browser.
 */
async function recoverIntoNewDraft(slug: string, data: Record<string, unknown>): Promise<string> {
  const created = await api<{ id: string }>(`/api/v1/public/services/${encodeURIComponent(slug)}/submissions`, {
    method: 'POST',
    body: {},
  });
  const fresh = await api<SubmissionView>(`/api/v1/submissions/${encodeURIComponent(created.id)}`);
  try {
    localStorage.setItem(localKey(created.id), JSON.stringify({ revision: fresh.revision, data }));
  } catch {
    // No storage: the save below is the only copy.
  }
  await api(`/api/v1/submissions/${encodeURIComponent(created.id)}`, {
    method: 'PATCH',
    body: { data, expectedRevision: fresh.revision },
  }).catch(() => undefined);
  return created.id;
}

function localAnswers(draftId: string): Record<string, unknown> | null {
  try {
    const local = JSON.parse(localStorage.getItem(localKey(draftId)) ?? 'null') as {
      data?: Record<string, unknown>;
    } | null;
    return local?.data ?? null;
  } catch {
    return null;
  }
}

/** « Reprendre mes réponses dans un nouveau brouillon », for an expired anonymous session. */
function RecoverButton({ slug, data }: { slug: string; data: () => Record<string, unknown> }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setProblem(null);
          recoverIntoNewDraft(slug, data())
            .then((id) => {
              window.location.assign(`/demarches/${encodeURIComponent(slug)}?brouillon=${encodeURIComponent(id)}`);
            })
            .catch((error: unknown) => {
              setBusy(false);
              setProblem(error instanceof Error ? error.message : String(error));
            });
        }}
      >
        {tr('Reprendre mes réponses dans un nouveau brouillon', 'Copy my answers into a new draft')}
      </button>
      {problem && (
        <p className="error-message" role="alert">
          {problem}
        </p>
      )}
    </>
  );
}

export function FormPage({
  slug,
  draftId,
  step,
  test = false,
}: {
  slug: string;
  draftId: string;
  step: string | null;
  test?: boolean;
}) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    (async () => {
      const [{ service, draft }, me] = await Promise.all([
        test
          ? loadTrial(slug, draftId)
          : Promise.all([
              api<PublicService>(`/api/v1/public/services/${encodeURIComponent(slug)}`),
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
      const [validate, semantics] = await Promise.all([
        loadValidator(validatorUrl),
        loadSemantics(definition.schema as Schema),
      ]);
      // The first run of a large validator costs milliseconds: pay them while the citizen reads, not at "Continuer".
      window.setTimeout(() => validate({}), 200);
      // Fetched while the citizen fills the first step, so « Vérifiez vos réponses » opens at once.
      window.setTimeout(() => void loadReview().catch(() => undefined), 1000);
      const base = test
        ? `/api/v1/services/${encodeURIComponent(slug)}/test-submissions/${encodeURIComponent(draftId)}`
        : `/api/v1/submissions/${encodeURIComponent(draftId)}`;
      if (live)
        setLoaded({ service, definition, draft, validate, semantics, signedIn: me?.kind === 'citizen', test, base });
    })().catch(
      (error: unknown) =>
        live &&
        setFailure(error instanceof ApiError ? error : new ApiError(0, { code: 'INTERNAL', message: String(error) })),
    );
    return () => {
      live = false;
    };
  }, [slug, draftId, test]);

  if (failure) return <LoadFailure error={failure} slug={slug} draftId={draftId} />;
  if (!loaded) return <p role="status">{tr('Chargement du formulaire…', 'Loading the form…')}</p>;
  return <FormRunner key={loaded.draft.id} loaded={loaded} step={step} />;
}

function LoadFailure({ error, slug, draftId }: { error: ApiError; slug: string; draftId: string }) {
  usePageTitle(tr('Formulaire indisponible', 'Form unavailable'));
  return (
    <>
      <h1 tabIndex={-1}>{tr('Ce formulaire ne peut pas être ouvert', 'This form cannot be opened')}</h1>
      <p className="notice notice--error">{error.message}</p>
      {error.body.code === 'SESSION_EXPIRED' && localAnswers(draftId) && (
        <RecoverButton slug={slug} data={() => localAnswers(draftId) ?? {}} />
      )}
      <p>
        <a href="/mes-demarches" onClick={onLinkClick}>
          {tr('Retrouver mes démarches', 'Find my requests')}
        </a>
      </p>
    </>
  );
}

/** Refusals that no retry will change: the page says them instead of « connexion perdue ». */
const REFUSALS = new Set(['SERVICE_CLOSED', 'SUBMISSION_LIMIT_REACHED']);

type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: Date; partial: boolean }
  | { kind: 'offline' }
  | { kind: 'checking' }
  | { kind: 'conflict'; message: string }
  /** The server will not take this draft any more (service closed, limit reached): said once, no retry. */
  | { kind: 'refused'; message: string }
  /** The anonymous session ended: the answers on screen can go into a new draft. */
  | { kind: 'expired'; message: string };

function FormRunner({ loaded, step }: { loaded: Loaded; step: string | null }) {
  const { service, definition, draft, validate, signedIn, semantics } = loaded;
  const root = definition.schema as Schema;
  const ui = (definition.uiSchema ?? {}) as Ui;
  const editingAfterRequest = draft.status !== 'draft';
  const resubmit = draft.actions.find((a) => a.transition === 'resubmit') ?? draft.actions[0];

  const initial = useMemo(() => {
    let data = draft.data;
    try {
      const local = JSON.parse(localStorage.getItem(localKey(draft.id)) ?? 'null') as {
        revision: number;
        data: Record<string, unknown>;
      } | null;
      // Answers this browser kept but the server has not (a lost connection, a value still to correct).
      if (local && local.revision === draft.revision) data = local.data;
    } catch {
      // No storage or a damaged entry: the server's copy.
    }
    // RJSF's defaults (`default`, `const`) where nothing is answered yet, as RJSF's Form starts.
    const before = JSON.stringify(data);
    if (semantics) data = (semantics.withDefaults(root, data) ?? {}) as Record<string, unknown>;
    const created = new FormStore(definition, withMinimumItems(root, root, data) as Record<string, unknown>);
    return { store: created, defaultsAdded: JSON.stringify(data) !== before };
  }, [definition, draft, root, semantics]);
  const { store } = initial;
  const pageKeys = useMemo(() => new Set(definition.pages.flatMap((p) => p.fields)), [definition]);

  useAccent(service.organisation);
  const pageIds = useStoreVersion(store, (s) => s.visiblePageIds()) as string[];
  const pages = definition.pages.filter((p) => pageIds.includes(p.id));
  const current = step === REVIEW ? null : (pages.find((p) => p.id === step) ?? pages[0]!);
  const index = current ? pages.indexOf(current) : pages.length;
  const total = pages.length + 1;

  const hrefOf = useCallback(
    (pageId: string) =>
      `/demarches/${service.slug}?brouillon=${draft.id}${loaded.test ? '&test=1' : ''}&etape=${encodeURIComponent(pageId)}`,
    [service.slug, draft.id, loaded.test],
  );

  // --- Autosave ---------------------------------------------------------
  const revision = useRef(draft.revision);
  // Defaults the draft did not have yet are saved like any answer (the server would not know them otherwise).
  const savedVersion = useRef(initial.defaultsAdded ? -1 : store.version);
  const inFlight = useRef<Promise<void> | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });

  const saveNow = useCallback(async (): Promise<void> => {
    window.clearTimeout(timer.current);
    if (inFlight.current) await inFlight.current;
    if (store.version === savedVersion.current) return;
    const version = store.version;
    const data = store.snapshot();
    // What is not valid yet stays in this browser; the server keeps everything else.
    const invalid = checkAnswers(validate, definition, data, { mode: 'draft', locale: lang })
      .errors.map((e) => e.pointer ?? '')
      .filter((p) => p !== '');
    const clean = invalid.length ? (withoutPointers(data, invalid, 'remove') as Record<string, unknown>) : data;
    try {
      localStorage.setItem(localKey(draft.id), JSON.stringify({ revision: revision.current, data }));
    } catch {
      // No storage: the server copy only.
    }
    setSave({ kind: 'saving' });
    const attempt = api<{ revision: number; savedAt: string }>(loaded.base, {
      method: 'PATCH',
      body: { data: clean, expectedRevision: revision.current },
    })
      .then((result) => {
        revision.current = result.revision;
        savedVersion.current = version;
        try {
          if (invalid.length === 0) localStorage.removeItem(localKey(draft.id));
          else localStorage.setItem(localKey(draft.id), JSON.stringify({ revision: result.revision, data }));
        } catch {
          // Nothing to clean.
        }
        setSave({ kind: 'saved', at: new Date(result.savedAt), partial: invalid.length > 0 });
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && (error.body.code === 'CONFLICT' || error.body.code === 'NOT_A_DRAFT'))
          setSave({ kind: 'conflict', message: error.message });
        else if (error instanceof ApiError && REFUSALS.has(error.body.code))
          setSave({ kind: 'refused', message: error.message });
        else if (error instanceof ApiError && error.body.code === 'SESSION_EXPIRED')
          setSave({ kind: 'expired', message: error.message });
        else {
          setSave({ kind: 'offline' });
          // Tried again later; the answers are in this browser meanwhile.
          window.clearTimeout(timer.current);
          timer.current = window.setTimeout(() => void saveNow(), 10_000);
        }
      })
      .finally(() => {
        inFlight.current = null;
      });
    inFlight.current = attempt;
    await attempt;
  }, [store, validate, definition, draft.id]);

  useEffect(
    () =>
      store.subscribe(() => {
        if (store.version === savedVersion.current) return;
        window.clearTimeout(timer.current);
        timer.current = window.setTimeout(() => void saveNow(), 1000);
      }),
    [store, saveNow],
  );
  useEffect(() => {
    const beforeUnload = (event: BeforeUnloadEvent) => {
      if (store.version !== savedVersion.current) event.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => window.removeEventListener('beforeunload', beforeUnload);
  }, [store]);

  // --- Steps and errors ---------------------------------------------------
  const [summary, setSummary] = useState<SummaryItem[]>([]);
  const summaryRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusSummary = useRef(false);
  const [sending, setSending] = useState(false);
  const [trialSent, setTrialSent] = useState(false);
  const idempotency = useRef(newKey());

  const stepTitle = current ? current.title : tr('Vérifiez vos réponses', 'Check your answers');
  usePageTitle(
    `${summary.length ? tr('Erreur : ', 'Error: ') : ''}${stepTitle} — ${tr('Étape', 'Step')} ${index + 1} ${tr('sur', 'of')} ${total} — ${service.title}`,
  );

  const firstRender = useRef(true);
  /** Errors the server found on another step: shown once that step is drawn, not wiped by the step change. */
  const pendingErrors = useRef<ErrorItem[] | null>(null);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const pending = pendingErrors.current;
    pendingErrors.current = null;
    if (pending) return showErrors(pending);
    setSummary([]);
    store.setErrors([]);
    headingRef.current?.focus();
  }, [step, store]);
  useEffect(() => {
    if (focusSummary.current && summary.length) {
      focusSummary.current = false;
      summaryRef.current?.focus();
    }
  }, [summary]);

  const showErrors = (items: ErrorItem[]) => {
    store.setErrors(items);
    setSummary(items.map((e) => ({ ...e, label: e.pointer ? labelOf(root, ui, e.pointer) : '' })));
    focusSummary.current = true;
  };

  const onPage = (pageId: string, pointer: string) => {
    const page = definition.pages.find((p) => p.id === pageId);
    const top = parseJsonPointer(pointer)[0];
    return !!page && top !== undefined && page.fields.includes(top);
  };

  const next = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!current) return;
    const outcome = checkAnswers(validate, definition, store.snapshot(), { mode: 'submit', locale: lang });
    const errors = outcome.errors.filter((e) => e.pointer && onPage(current.id, e.pointer));
    if (errors.length) return showErrors(errors);
    void saveNow();
    const following = pages[index + 1];
    navigate(hrefOf(following ? following.id : REVIEW));
  };

  const send = async () => {
    if (sending) return;
    const outcome = checkAnswers(validate, definition, store.snapshot(), { mode: 'submit', locale: lang });
    if (!outcome.valid) return routeErrors(outcome.errors);
    setSending(true);
    try {
      await saveNow();
      if (editingAfterRequest && resubmit) {
        await api(`/api/v1/submissions/${draft.id}/transitions`, {
          method: 'POST',
          body: { transition: resubmit.transition, expectedRevision: revision.current },
        });
      } else {
        const antiBot = (definition.settings as { antiBot?: string }).antiBot === 'proof-of-work' && !signedIn;
        if (antiBot) setSave({ kind: 'checking' });
        const proof = antiBot ? await solveChallenge() : undefined;
        await api(`${loaded.base}/submit`, {
          method: 'POST',
          headers: { 'Idempotency-Key': idempotency.current, ...(proof ? { 'X-Altcha': proof } : {}) },
        });
      }
      try {
        localStorage.removeItem(localKey(draft.id));
      } catch {
        // Nothing kept.
      }
      savedVersion.current = store.version;
      if (loaded.test) {
        setSending(false);
        setTrialSent(true);
        return;
      }
      navigate(`/mes-demarches/${draft.id}?envoye=1`);
    } catch (error) {
      setSending(false);
      if (error instanceof ApiError && error.body.code === 'SESSION_EXPIRED')
        return setSave({ kind: 'expired', message: error.message });
      setSave({ kind: 'idle' });
      if (error instanceof ApiError && error.body.errors?.length) routeErrors(error.body.errors);
      else if (error instanceof ApiError) showErrors([{ pointer: '', code: error.body.code, message: error.message }]);
    }
  };

  /** Errors found at sending: to the first page that has one, shown there like the browser's own. */
  const routeErrors = (errors: ErrorItem[]) => {
    const page = pages.find((p) => errors.some((e) => e.pointer && onPage(p.id, e.pointer)));
    if (!page) return showErrors(errors);
    const here = errors.filter((e) => e.pointer && onPage(page.id, e.pointer));
    if (page.id === current?.id) return showErrors(here);
    pendingErrors.current = here;
    navigate(hrefOf(page.id));
  };

  const context = useMemo<FormContextValue>(
    () => ({
      store,
      root,
      semantics,
      pageKeys,
      prefill: definition.settings.prefill ?? [],
      signedIn,
      formId: STEP_FORM,
      // A trial's files go to the trial's own route: kept with it, deleted with it.
      upload: (pointer, file, onProgress) =>
        uploadFile(
          loaded.test
            ? `/api/v1/services/${encodeURIComponent(service.slug)}/test-submissions/${encodeURIComponent(draft.id)}/attachments`
            : `/api/v1/submissions/${encodeURIComponent(draft.id)}/attachments`,
          pointer,
          file,
          onProgress,
        ),
      // A trial's files are not served back: the review page names them without a link.
      fileHref: loaded.test ? undefined : (id) => `/api/v1/submissions/${draft.id}/attachments/${id}`,
      saveNow: () => void saveNow(),
    }),
    [store, root, semantics, pageKeys, definition, signedIn, draft.id, saveNow],
  );

  const blocking = useStoreVersion(store, (s) => s.blockingRules()) as ErrorItem[];
  const blockingHere = current
    ? blocking.filter((b) => rulePages(definition, b.code.slice('eligibility:'.length)).includes(current.id))
    : blocking;

  return (
    <FormContext.Provider value={context}>
      {loaded.test && (
        <div className="notice notice--warning">
          <p>
            {tr(
              'Mode test : vous essayez le brouillon de la démarche. Rien n’est envoyé au service et l’essai sera effacé à la publication, avec ses fichiers.',
              'Test mode: you are trying the service’s draft. Nothing is sent and the trial is deleted at publication, with its files.',
            )}
          </p>
          <p>
            <a href={`/studio/${service.slug}`} onClick={onLinkClick}>
              {tr('Retour au studio', 'Back to the studio')}
            </a>
          </p>
        </div>
      )}
      {trialSent && (
        <div className="confirmation" role="status">
          <p>
            {tr(
              'Essai envoyé : les réponses sont valides. Aucune demande n’a été créée.',
              'Trial sent: the answers are valid. No request was created.',
            )}
          </p>
        </div>
      )}
      <OrganisationMark organisation={service.organisation} />
      <h1>{service.title}</h1>
      <nav aria-label={tr('Étapes', 'Steps')} className="stepper">
        <p className="stepper-state">
          {tr('Étape', 'Step')} {index + 1} {tr('sur', 'of')} {total}
        </p>
        <div className="stepper-bar" aria-hidden="true">
          <span style={{ width: `${((index + 1) / total) * 100}%` }} />
        </div>
        {index + 1 < total && (
          <p className="stepper-next">
            {tr('Étape suivante : ', 'Next step: ')}
            {pages[index + 1]?.title ?? tr('Vérifiez vos réponses', 'Check your answers')}
          </p>
        )}
      </nav>
      <ErrorSummary ref={summaryRef} items={summary} />
      <h2 tabIndex={-1} ref={headingRef} className="step-title">
        {stepTitle}
      </h2>
      {current ? (
        <>
          <div className="step-fields">
            {current.description && <p>{current.description}</p>}
            {index === 0 && (
              <p className="hint">
                {tr(
                  'Les champs marqués d’un astérisque (*) sont obligatoires.',
                  'Fields marked with an asterisk (*) are required.',
                )}
              </p>
            )}
            <Fields schema={root} ui={ui} base="" keys={current.fields} />
            {blockingHere.map((b) => (
              <p className="notice notice--warning" role="status" key={b.code}>
                {b.message}
              </p>
            ))}
          </div>
          <form id={STEP_FORM} noValidate onSubmit={(e) => void next(e)} className="actions">
            <button type="submit" className="button">
              {tr('Continuer', 'Continue')}
            </button>
            {index > 0 && (
              <a className="button button--secondary" href={hrefOf(pages[index - 1]!.id)} onClick={onLinkClick}>
                {tr('Précédent', 'Previous')}
              </a>
            )}
          </form>
        </>
      ) : (
        <div>
          <p>
            {tr(
              'Relisez vos réponses avant d’envoyer votre demande.',
              'Read your answers before you send your request.',
            )}
          </p>
          <Suspense fallback={<p role="status">{tr('Chargement de vos réponses…', 'Loading your answers…')}</p>}>
            <Review store={store} root={root} ui={ui} pages={pages} linkTo={hrefOf} />
          </Suspense>
          {blocking.map((b) => (
            <p className="notice notice--warning" role="status" key={b.code}>
              {b.message}
            </p>
          ))}
          <div className="actions">
            <button type="button" className="button" onClick={() => void send()} aria-disabled={sending || undefined}>
              {sending
                ? tr('Envoi en cours…', 'Sending…')
                : editingAfterRequest
                  ? tr('Renvoyer ma demande corrigée', 'Send my corrected request')
                  : tr('Envoyer ma demande', 'Send my request')}
            </button>
            <a className="button button--secondary" href={hrefOf(pages[pages.length - 1]!.id)} onClick={onLinkClick}>
              {tr('Précédent', 'Previous')}
            </a>
          </div>
        </div>
      )}
      <SaveStatus
        state={save}
        onRetry={() => void saveNow()}
        recover={<RecoverButton slug={service.slug} data={() => store.snapshot()} />}
      />
    </FormContext.Provider>
  );
}

/**
 * The self-hosted anti-robot check (ALTCHA's scheme, no third party, nothing
 * to click or read): find the number whose SHA-256 with the salt is the
 * challenge, by trying them in order, with the browser's own Web Crypto.
 */
async function solveChallenge(): Promise<string> {
  const c = await api<{ algorithm: string; challenge: string; salt: string; signature: string; maxnumber: number }>(
    '/api/v1/public/challenge',
  );
  const encoder = new TextEncoder();
  for (let n = 0; n <= c.maxnumber; n++) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(`${c.salt}${n}`)));
    let hex = '';
    for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
    if (hex === c.challenge)
      return btoa(
        JSON.stringify({
          algorithm: c.algorithm,
          challenge: c.challenge,
          number: n,
          salt: c.salt,
          signature: c.signature,
        }),
      );
  }
  throw new ApiError(422, {
    code: 'CHALLENGE_INVALID',
    message: tr('La vérification anti-robot a échoué : réessayez.', 'The anti-robot check failed: try again.'),
  } as never);
}

function rulePages(definition: ServiceDefinition, ruleId: string): string[] {
  const rule = definition.rules?.eligibility?.find((r) => r.id === ruleId);
  if (!rule) return [];
  const fields = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const field = (node as { field?: unknown }).field;
      if (typeof field === 'string') fields.add(parseJsonPointer(field)[0] ?? '');
      Object.values(node).forEach(walk);
    }
  };
  walk(rule.blockWhen);
  return definition.pages.filter((p) => p.fields.some((f) => fields.has(f))).map((p) => p.id);
}

function SaveStatus({ state, onRetry, recover }: { state: SaveState; onRetry: () => void; recover: ReactNode }) {
  return (
    <div className="save-status">
      <p role="status" aria-live="polite">
        {state.kind === 'saving' && tr('Enregistrement du brouillon…', 'Saving the draft…')}
        {state.kind === 'checking' &&
          tr(
            'Vérification anti-robot en cours : votre appareil fait un petit calcul, rien à faire de votre part.',
            'Anti-robot check: your device is doing a small computation, nothing to do on your side.',
          )}
        {state.kind === 'saved' &&
          `${tr('Brouillon enregistré à', 'Draft saved at')} ${formatTime(state.at)}${
            state.partial
              ? tr(
                  ' (les réponses à corriger sont gardées dans ce navigateur)',
                  ' (answers to correct are kept in this browser)',
                )
              : ''
          }.`}
        {state.kind === 'offline' &&
          tr(
            'Brouillon non enregistré : connexion perdue. Vos réponses sont gardées dans ce navigateur ; nouvel essai dans quelques secondes.',
            'Draft not saved: connection lost. Your answers are kept in this browser; trying again in a few seconds.',
          )}
      </p>
      {state.kind === 'offline' && (
        <button type="button" className="button button--secondary button--small" onClick={onRetry}>
          {tr('Réessayer maintenant', 'Try again now')}
        </button>
      )}
      {state.kind === 'expired' && (
        <div className="notice notice--error" role="alert">
          <p>{state.message}</p>
          {recover}
        </div>
      )}
      {state.kind === 'refused' && (
        <div className="notice notice--error" role="alert">
          <p>
            {state.message}{' '}
            {tr(
              'Vos réponses restent dans ce navigateur, mais la démarche ne peut plus les recevoir.',
              'Your answers stay in this browser, but the service can no longer receive them.',
            )}
          </p>
        </div>
      )}
      {state.kind === 'conflict' && (
        <div className="notice notice--error" role="alert">
          <p>
            {state.message}{' '}
            {tr(
              'Ce brouillon a été modifié ailleurs (un autre onglet ou un autre appareil).',
              'This draft was changed elsewhere (another tab or device).',
            )}
          </p>
          <button type="button" className="button button--secondary" onClick={() => window.location.reload()}>
            {tr('Charger la dernière version enregistrée', 'Load the latest saved version')}
          </button>
        </div>
      )}
    </div>
  );
}
