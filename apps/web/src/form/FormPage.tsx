import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { parseJsonPointer, type ErrorItem, type ServiceDefinition, type ValidationOutcome } from '@guichet/shared';
import { ApiError, api, newKey } from '../lib/api';
import { lang, tr } from '../lib/i18n';
import { navigate, onLinkClick } from '../lib/router';
import { usePageTitle } from '../lib/title';
import { OrganisationMark, useAccent } from '../pages/Branding';
import { solveChallenge } from './anti-bot';
import { FormContext, type FormContextValue } from './context';
import { citizenMayEdit } from '../lib/requests';
import { AlreadySent, LoadFailure, RecoverButton, readLocalCopy } from './draft-recovery';
import { ErrorSummary, type SummaryItem } from './ErrorSummary';
import { Fields, focusTargetOf, withMinimumItems } from './fields';
import { loadForm, loadReview, type Loaded } from './load-form';
import { globalOptionsOf, hasAlternatives, labelOf, orderedKeys, type Schema, type Ui } from './model';
import { forgetKeptForm, keptForm } from './preload';
import { SaveStatus } from './SaveStatus';
import { FormStore, useStoreVersion } from './store';
import { useAutosave } from './use-autosave';

export const REVIEW = 'verification';
const STEP_FORM = 'etape-formulaire';

const Review = lazy(loadReview);

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
  // Loaded before the app mounted when the server drew this step (./preload.ts).
  const [loaded, setLoaded] = useState<Loaded | null>(() => keptForm(slug, draftId, test));
  const [failure, setFailure] = useState<ApiError | null>(null);

  useEffect(() => {
    if (forgetKeptForm(slug, draftId, test)) return;
    let live = true;
    loadForm(slug, draftId, test)
      .then((result) => live && setLoaded(result))
      .catch(
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
  // Sent and not open to corrections (« Précédent » after sending, an old link): nothing here to fill in again.
  if (!loaded.test && !citizenMayEdit(loaded.draft)) return <AlreadySent draft={loaded.draft} />;
  return <FormRunner key={loaded.draft.id} loaded={loaded} step={step} />;
}

function FormRunner({ loaded, step }: { loaded: Loaded; step: string | null }) {
  const { service, definition, draft, check, signedIn, semantics } = loaded;
  const root = definition.schema as Schema;
  const ui = (definition.uiSchema ?? {}) as Ui;
  const editingAfterRequest = draft.status !== 'draft';
  // The transition that sends the request again (the workflow names it; another of the citizen's, say a withdrawal,
  // is never what « Renvoyer » does).
  const resubmit = draft.actions.find((a) => a.to === 'submitted');

  const initial = useMemo(() => {
    // Answers this browser kept but the server has not (a lost connection, a value still to correct).
    const local = readLocalCopy(draft.id);
    let data = local && local.revision === draft.revision ? local.data : draft.data;
    // Kept here, not on the server yet: saved as the page opens, so that sending never sends the server's older copy.
    const keptHere = data !== draft.data && JSON.stringify(data) !== JSON.stringify(draft.data);
    // RJSF's defaults (`default`, `const`) where nothing is answered yet, as RJSF's Form starts.
    const before = JSON.stringify(data);
    if (semantics) data = (semantics.withDefaults(root, data) ?? {}) as Record<string, unknown>;
    // Items opened for `minItems` start as « Ajouter » starts one: with the item schema's defaults.
    const newItem = semantics ? (items: Schema) => semantics.withDefaults(items, {}) : undefined;
    const created = new FormStore(definition, withMinimumItems(root, root, data, newItem) as Record<string, unknown>);
    return { store: created, defaultsAdded: JSON.stringify(data) !== before, keptHere };
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

  const { save, setSave, saveNow, keepMine, revision, markSent } = useAutosave({
    store,
    check,
    draftId: draft.id,
    base: loaded.base,
    revision: draft.revision,
    unsavedAtStart: initial.defaultsAdded || initial.keptHere,
    saveAtStart: initial.keptHere,
  });

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
    // On a step change only: `showErrors` is a new function at every render and must not re-run this.
    // eslint-disable-next-line react-hooks/exhaustive-deps
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

  /**
   * Whether an error the server (or the final check) found belongs to that step: its field is listed there, or a
   * condition brought it there (a key on no page is drawn after the field before it, on that field's step); the
   * root's own choice of branches is on the step of its last field.
   */
  const onPage = (pageId: string, pointer: string) => {
    const page = definition.pages.find((p) => p.id === pageId);
    if (!page) return false;
    const top = parseJsonPointer(pointer)[0];
    if (top !== undefined && page.fields.includes(top)) return true;
    const listed = (key: string) => pageKeys.has(key);
    if (top !== undefined && listed(top)) return false;
    const drawnRoot = semantics ? semantics.retrieve(root, store.snapshot()) : root;
    const ordered = orderedKeys(drawnRoot, ui);
    const lastListed = (keys: string[]) => [...keys].reverse().find(listed);
    if (top === undefined) return hasAlternatives(drawnRoot) && page.fields.includes(lastListed(ordered) ?? '');
    const before = lastListed(ordered.slice(0, Math.max(0, ordered.indexOf(top))));
    return before !== undefined && page.fields.includes(before);
  };

  /**
   * The answers checked as at submit once the check's code has loaded (fetched once the form is open,
   * ./validation.ts: `check.loaded()` has it at once, in the click's own task, as a rule); null, said in the summary,
   * when it could not load.
   */
  const checkWhenLoaded = async (): Promise<ValidationOutcome | null> => {
    const data = store.snapshot();
    try {
      return (await check.load())(data, { mode: 'submit', locale: lang });
    } catch {
      showErrors([
        {
          pointer: '',
          code: 'NOT_LOADED',
          message: tr(
            'Vos réponses n’ont pas pu être vérifiées : une partie de la page ne s’est pas chargée. Vérifiez votre connexion et réessayez.',
            'Your answers could not be checked: part of the page did not load. Check your connection and try again.',
          ),
        },
      ]);
      return null;
    }
  };

  const next = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!current) return;
    const outcome = check.loaded()?.(store.snapshot(), { mode: 'submit', locale: lang }) ?? (await checkWhenLoaded());
    if (!outcome) return;
    // Every field drawn on this step, those a condition brought included (they are listed on no page), and no other.
    const errors = inPageOrder(store.drawnErrors(outcome.errors));
    if (errors.length) return showErrors(errors);
    void saveNow();
    const following = pages[index + 1];
    navigate(hrefOf(following ? following.id : REVIEW));
  };

  const send = async () => {
    if (sending) return;
    const outcome = check.loaded()?.(store.snapshot(), { mode: 'submit', locale: lang }) ?? (await checkWhenLoaded());
    if (!outcome) return;
    if (!outcome.valid) return routeErrors(outcome.errors);
    setSending(true);
    try {
      const saved = await saveNow();
      if (saved !== 'saved') {
        // The server's copy is not what is on screen: sending would send older answers. A conflict, a refusal or an
        // ended session is said by the save status (an alert); a lost connection here, where the citizen pressed.
        setSending(false);
        if (saved !== 'offline') return;
        return showErrors([
          {
            pointer: '',
            code: 'NOT_SAVED',
            message: tr(
              'Votre demande n’a pas été envoyée : vos dernières réponses n’ont pas pu être enregistrées. Elles sont gardées dans ce navigateur ; vérifiez votre connexion et envoyez à nouveau.',
              'Your request was not sent: your latest answers could not be saved. They are kept in this browser; check your connection and send again.',
            ),
          },
        ]);
      }
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
          // Very busy: the same request (same Idempotency-Key) is sent again after Retry-After, said calmly.
          busy: { onWait: (seconds) => setSave({ kind: 'busy', seconds }) },
        });
      }
      markSent();
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

  /** Errors in the order their fields come on the page, as the summary lists them (RGAA 11.10). */
  const inPageOrder = (errors: ErrorItem[]) => {
    const at = new Map(errors.map((e) => [e, e.pointer ? focusTargetOf(e.pointer) : null]));
    return [...errors].sort((a, b) => {
      const x = at.get(a);
      const y = at.get(b);
      if (!x || !y || x === y) return 0;
      return x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
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
      globalOptions: globalOptionsOf(definition.uiSchema),
      signedIn,
      formId: STEP_FORM,
      // A trial's files go to the trial's own route: kept with it, deleted with it.
      // The sending code comes with the file fields' chunk, loaded by the time a file field is drawn.
      upload: (pointer, file, onProgress) =>
        import('./file-fields').then(({ uploadFile }) =>
          uploadFile(
            loaded.test
              ? `/api/v1/services/${encodeURIComponent(service.slug)}/test-submissions/${encodeURIComponent(draft.id)}/attachments`
              : `/api/v1/submissions/${encodeURIComponent(draft.id)}/attachments`,
            pointer,
            file,
            onProgress,
          ),
        ),
      // A trial's files are not served back: the review page names them without a link.
      fileHref: loaded.test ? undefined : (id) => `/api/v1/submissions/${draft.id}/attachments/${id}`,
      saveNow: () => void saveNow(),
    }),
    [store, root, semantics, pageKeys, definition, signedIn, draft.id, saveNow, loaded.test, service.slug],
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
        onKeepMine={() => void keepMine()}
        recover={<RecoverButton slug={service.slug} data={() => store.snapshot()} />}
      />
    </FormContext.Provider>
  );
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
