import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { publishProblems, type ErrorItem, type ServiceDefinition } from '@guichet/shared';
import { ApiError, api } from '../lib/api';
import { formatTime, tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import { usePageTitle } from '../lib/title';
import { FieldsColumn } from './FieldsColumn';
import { PagesColumn } from './PagesColumn';
import { JsonTab } from './JsonTab';
import { Preview } from './Preview';
import { SkipLinks } from './SkipLinks';
import {
  labelAt,
  nodeAt,
  inWords,
  placeOf,
  problemControl,
  studioProblem,
  type Path,
  type ProblemPlace,
} from './definition';
import { FieldPanel, type Apply } from './FieldPanel';
import { PublishPanel } from './Publish';
import { TestRun } from './TestRun';
import { type ServiceView } from '@guichet/shared';
import { errorText } from './errors';

const WorkflowEditor = lazy(() => import('./workflow/WorkflowEditor'));
const SettingsEditor = lazy(() => import('./workflow/SettingsEditor'));

type Tab = 'form' | 'json' | 'workflow' | 'settings';

interface History {
  def: ServiceDefinition;
  past: ServiceDefinition[];
  future: ServiceDefinition[];
  /** Keystrokes in the same input within a moment are one step of undo. */
  source?: string;
  at: number;
}

type Save =
  | { kind: 'idle' }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'saved'; at: Date }
  | { kind: 'invalid' }
  | { kind: 'conflict' }
  | { kind: 'offline'; message: string };

export function Editor({ slug }: { slug: string }) {
  const [view, setView] = useState<ServiceView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    api<ServiceView>(`/api/v1/services/${encodeURIComponent(slug)}`).then(setView, (e: unknown) =>
      setFailure(errorText(e)),
    );
  }, [slug]);
  usePageTitle(view ? `${tr('Studio', 'Studio')} — ${view.title}` : 'Studio');
  if (failure)
    return (
      <>
        <h1 tabIndex={-1}>Studio</h1>
        <p className="notice notice--error">{failure}</p>
        <p>
          <a href="/studio" onClick={onLinkClick}>
            {tr('Retour à mes démarches', 'Back to my services')}
          </a>
        </p>
      </>
    );
  if (!view) return <p role="status">{tr('Chargement de la démarche…', 'Loading the service…')}</p>;
  return <Workbench view={view} />;
}

function Workbench({ view }: { view: ServiceView }) {
  const [history, setHistory] = useState<History>({ def: view.draft, past: [], future: [], at: 0 });
  const def = history.def;
  const [tab, setTab] = useState<Tab>('form');
  const [pageId, setPageId] = useState(view.draft.pages[0]?.id ?? '');
  const [selected, setSelected] = useState<Path | null>(null);
  const [announce, setAnnounce] = useState('');
  const [problems, setProblems] = useState<ErrorItem[]>([]);
  const [save, setSave] = useState<Save>({ kind: 'idle' });
  const focusNext = useRef<string | null>(null);

  const apply: Apply = useCallback((change, source, message) => {
    setHistory((h) => {
      const next = change(h.def);
      if (next === h.def) return h;
      const now = Date.now();
      const coalesce = source !== undefined && source === h.source && now - h.at < 1500;
      return { def: next, past: coalesce ? h.past : [...h.past.slice(-99), h.def], future: [], source, at: now };
    });
    if (message) setAnnounce(message);
  }, []);
  const undo = useCallback(() => {
    setHistory((h) => {
      const prev = h.past[h.past.length - 1];
      return prev ? { def: prev, past: h.past.slice(0, -1), future: [h.def, ...h.future], at: 0 } : h;
    });
    setAnnounce(tr('Modification annulée.', 'Change undone.'));
  }, []);
  const redo = useCallback(() => {
    setHistory((h) => {
      const next = h.future[0];
      return next ? { def: next, past: [...h.past, h.def], future: h.future.slice(1), at: 0 } : h;
    });
    setAnnounce(tr('Modification rétablie.', 'Change redone.'));
  }, []);

  // The page or field shown may have gone (undo, JSON): fall back to what exists.
  const page = def.pages.find((p) => p.id === pageId) ?? def.pages[0];
  const selectedExists = selected !== null && nodeAt(def, selected).type !== undefined;
  const current = selectedExists ? selected : null;

  useEffect(() => {
    if (!focusNext.current) return;
    const target = document.getElementById(focusNext.current);
    focusNext.current = null;
    target?.focus();
  });

  // --- Autosave: a PUT a moment after the last change, with If-Match ------------
  const revision = useRef(view.draftRevision);
  const saved = useRef<ServiceDefinition>(view.draft);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const latest = useRef(def);
  latest.current = def;
  const conflict = useRef(false);

  const saveNow = useCallback(async (): Promise<boolean> => {
    window.clearTimeout(timer.current);
    if (inFlight.current) await inFlight.current;
    const sending = latest.current;
    if (sending === saved.current || conflict.current) return !conflict.current && problemsRef.current.length === 0;
    setSave({ kind: 'saving' });
    const attempt = api<ServiceView>(`/api/v1/services/${encodeURIComponent(view.slug)}/draft`, {
      method: 'PUT',
      body: sending,
      headers: { 'If-Match': `"${revision.current}"` },
    })
      .then((result) => {
        revision.current = result.draftRevision;
        saved.current = sending;
        problemsRef.current = [];
        setProblems([]);
        setSave({ kind: 'saved', at: new Date() });
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 422) {
          saved.current = sending;
          problemsRef.current = (
            error.body.errors ?? [{ pointer: '', code: error.body.code, message: error.message }]
          ).map(studioProblem);
          setProblems(problemsRef.current);
          setSave({ kind: 'invalid' });
        } else if (error instanceof ApiError && error.status === 409) {
          conflict.current = true;
          setSave({ kind: 'conflict' });
        } else {
          setSave({ kind: 'offline', message: errorText(error) });
          timer.current = window.setTimeout(() => void saveNow(), 10_000);
        }
        return false;
      })
      .finally(() => {
        inFlight.current = null;
      });
    inFlight.current = attempt;
    return attempt;
  }, [view.slug]);
  const problemsRef = useRef<ErrorItem[]>([]);

  useEffect(() => {
    if (def === saved.current) return;
    setSave((s) => (s.kind === 'conflict' ? s : { kind: 'pending' }));
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void saveNow(), 800);
  }, [def, saveNow]);
  useEffect(() => {
    const beforeUnload = (event: BeforeUnloadEvent) => {
      if (latest.current !== saved.current) event.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => window.removeEventListener('beforeunload', beforeUnload);
  }, []);

  // Undo and redo wherever focus is on the page (even nowhere, on body): never the browser's own undo into an input.
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      // The JSON tab keeps the text editor's own undo.
      if ((event.target as HTMLElement | null)?.id === 'studio-json') return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) {
        event.preventDefault();
        undo();
      } else if ((key === 'z' && event.shiftKey) || key === 'y') {
        event.preventDefault();
        redo();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [undo, redo]);

  // When the focused control goes away (an undo removes the field whose properties were open…), focus goes to
  // a place that still makes sense rather than to body: the field list on the form tab, else the title.
  const editorRef = useRef<HTMLDivElement>(null);
  const lastFocus = useRef<Element | null>(null);
  useEffect(() => {
    const root = editorRef.current;
    if (!root) return;
    const onFocusIn = (event: FocusEvent) => (lastFocus.current = event.target as Element);
    root.addEventListener('focusin', onFocusIn);
    return () => root.removeEventListener('focusin', onFocusIn);
  }, []);
  useEffect(() => {
    const lost = lastFocus.current;
    if (!lost || lost.isConnected || (document.activeElement && document.activeElement !== document.body)) return;
    const fallback =
      document.getElementById('studio-champs-titre') ?? editorRef.current?.querySelector<HTMLElement>('h1');
    fallback?.focus();
  });

  // --- Problems, by place ------------------------------------------------------
  const worded = useMemo(() => problems.map((p) => inWords(def, p)), [problems, def]);
  const placed = useMemo(() => worded.map((p) => ({ problem: p, place: placeOf(def, p.pointer) })), [worded, def]);
  // What would keep citizens from filling the form (a label missing…): saved, but not published; shown as it arises.
  const blockers = useMemo(
    () =>
      publishProblems(def).map((p) => ({ problem: inWords(def, studioProblem(p)), place: placeOf(def, p.pointer) })),
    [def],
  );
  const everywhere = [...placed, ...blockers];
  const fieldProblems = (path: Path) =>
    everywhere
      .filter((x) => x.place.kind === 'field' && x.place.path.join('/') === path.join('/'))
      .map((x) => x.problem);
  const pageProblems = (id: string) =>
    everywhere.filter(
      (x) => (x.place.kind === 'page' && x.place.pageId === id) || (x.place.kind === 'field' && x.place.pageId === id),
    );
  const goTo = (place: ProblemPlace, pointer?: string) => {
    if (place.kind === 'field') {
      setTab('form');
      if (place.pageId) setPageId(place.pageId);
      setSelected(place.path);
      const control = problemControl(pointer) === 'options' ? 'options' : 'libelle';
      focusNext.current = `studio-prop-${place.path.join('-')}-${control}`;
    } else if (place.kind === 'page') {
      setTab('form');
      setPageId(place.pageId);
      focusNext.current = 'studio-page-titre';
    } else if (place.kind === 'workflow') setTab('workflow');
    else if (place.kind === 'settings') setTab('settings');
    else setTab('json');
  };

  const select = (path: Path) => {
    setSelected(path);
    focusNext.current = `studio-prop-${path.join('-')}-titre`;
  };

  return (
    <div className="studio-editor" ref={editorRef}>
      <p className="eyebrow">
        <a href="/studio" onClick={onLinkClick}>
          {tr('Studio : mes démarches', 'Studio: my services')}
        </a>
      </p>
      <h1 tabIndex={-1}>{view.title}</h1>
      <div className="studio-toolbar">
        {/* aria-disabled, not disabled: a button that greys out under the keyboard must keep its focus. */}
        <button
          type="button"
          className="button button--secondary"
          onClick={() => history.past.length > 0 && undo()}
          aria-disabled={history.past.length === 0 || undefined}
          aria-keyshortcuts="Control+Z"
        >
          {tr('Annuler', 'Undo')}
        </button>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => history.future.length > 0 && redo()}
          aria-disabled={history.future.length === 0 || undefined}
          aria-keyshortcuts="Control+Shift+Z"
        >
          {tr('Rétablir', 'Redo')}
        </button>
        <TestRun slug={view.slug} saveNow={saveNow} />
        <SaveStatus state={save} />
      </div>
      {save.kind === 'conflict' && (
        <div className="notice notice--error" role="alert">
          <p>
            {tr(
              'Une autre personne a enregistré cette démarche après vous avoir ouvert l’éditeur : vos dernières modifications n’ont pas été enregistrées, pour ne pas effacer les siennes.',
              'Someone else saved this service after you opened the editor: your latest changes were not saved, so as not to erase theirs.',
            )}
          </p>
          <button type="button" className="button button--secondary" onClick={() => window.location.reload()}>
            {tr('Charger la version enregistrée', 'Load the saved version')}
          </button>
        </div>
      )}
      <p className="sr-only" role="status">
        {announce}
      </p>
      {problems.length > 0 && (
        <div className="error-summary" role="alert" aria-labelledby="studio-problemes-titre">
          <h2 id="studio-problemes-titre">
            {problems.length === 1
              ? tr('1 problème empêche l’enregistrement', '1 problem prevents saving')
              : tr(
                  `${problems.length} problèmes empêchent l’enregistrement`,
                  `${problems.length} problems prevent saving`,
                )}
          </h2>
          <ul>
            {placed.map(({ problem, place }, i) => (
              <li key={i}>
                <button type="button" className="link-button" onClick={() => goTo(place, problem.pointer)}>
                  {placeLabel(def, place)} : {problem.message}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <PublishPanel
        slug={view.slug}
        flush={saveNow}
        hasProblems={problems.length > 0}
        blockers={blockers.map(({ problem, place }) => ({
          problem,
          label: placeLabel(def, place),
          go: () => goTo(place, problem.pointer),
        }))}
      />
      <Tabs
        tab={tab}
        onTab={setTab}
        labels={{
          form: tr('Formulaire', 'Form'),
          json: 'JSON',
          workflow: tr('Circuit d’instruction', 'Workflow'),
          settings: tr('Paramètres', 'Settings'),
        }}
      />
      <div
        role="tabpanel"
        id={`studio-panneau-${tab}`}
        aria-labelledby={`studio-onglet-${tab}`}
        className="studio-tabpanel"
      >
        {tab === 'form' && page && <SkipLinks hasField={current !== null} />}
        {tab === 'form' && page && (
          <div className="studio-grid">
            <PagesColumn
              def={def}
              pageId={page.id}
              apply={apply}
              onPage={(id) => {
                setPageId(id);
                setSelected(null);
              }}
              problemsOf={pageProblems}
              focus={(id) => (focusNext.current = id)}
            />
            <FieldsColumn
              def={def}
              pageId={page.id}
              selected={current}
              apply={apply}
              onSelect={select}
              problemsOf={fieldProblems}
              focus={(id) => (focusNext.current = id)}
            />
            <div className="studio-side">
              {current ? (
                <FieldPanel
                  key={current.join('/')}
                  def={def}
                  pageId={page.id}
                  path={current}
                  problems={fieldProblems(current)}
                  apply={apply}
                  onSelect={select}
                  onRemoved={() => {
                    setSelected(null);
                    focusNext.current = 'studio-champs-titre';
                  }}
                />
              ) : (
                <p className="hint studio-panel">
                  {tr(
                    'Choisissez un champ pour voir et modifier ses propriétés.',
                    'Choose a field to see and change its properties.',
                  )}
                </p>
              )}
              <Preview def={def} pageId={page.id} />
            </div>
          </div>
        )}
        {tab === 'json' && <JsonTab def={def} apply={apply} />}
        {(tab === 'workflow' || tab === 'settings') && (
          <Suspense fallback={<p role="status">{tr('Chargement…', 'Loading…')}</p>}>
            {tab === 'workflow' ? (
              <WorkflowEditor definition={def} onChange={(next) => apply(() => next, 'workflow')} problems={worded} />
            ) : (
              <SettingsEditor definition={def} onChange={(next) => apply(() => next, 'settings')} problems={worded} />
            )}
          </Suspense>
        )}
      </div>
    </div>
  );
}

function placeLabel(def: ServiceDefinition, place: ProblemPlace): string {
  switch (place.kind) {
    case 'field':
      return `${tr('Champ', 'Field')} « ${labelAt(def, place.path)} »`;
    case 'page': {
      const index = def.pages.findIndex((p) => p.id === place.pageId);
      const title = def.pages[index]?.title.trim();
      return title ? `${tr('Étape', 'Step')} « ${title} »` : `${tr('Étape', 'Step')} ${index + 1}`;
    }
    case 'workflow':
      return tr('Circuit d’instruction', 'Workflow');
    case 'settings':
      return tr('Paramètres', 'Settings');
    default:
      return tr('Définition', 'Definition');
  }
}

function SaveStatus({ state }: { state: Save }) {
  return (
    <p role="status" className="studio-save">
      {state.kind === 'pending' && tr('Modifications en attente d’enregistrement…', 'Changes waiting to be saved…')}
      {state.kind === 'saving' && tr('Enregistrement…', 'Saving…')}
      {state.kind === 'saved' && `${tr('Brouillon enregistré à', 'Draft saved at')} ${formatTime(state.at)}.`}
      {state.kind === 'invalid' &&
        tr('Non enregistré : corrigez les problèmes signalés.', 'Not saved: fix the problems listed.')}
      {state.kind === 'offline' &&
        `${tr('Non enregistré', 'Not saved')} : ${state.message} ${tr('Nouvel essai dans 10 secondes.', 'Trying again in 10 seconds.')}`}
    </p>
  );
}

/** WAI-ARIA tabs: arrows move between them, Tab goes into the panel. */
function Tabs({ tab, onTab, labels }: { tab: Tab; onTab: (t: Tab) => void; labels: Record<Tab, string> }) {
  const tabs = Object.keys(labels) as Tab[];
  const onKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    const i = tabs.indexOf(tab);
    const j =
      event.key === 'ArrowRight'
        ? (i + 1) % tabs.length
        : event.key === 'ArrowLeft'
          ? (i - 1 + tabs.length) % tabs.length
          : -1;
    if (j < 0) return;
    event.preventDefault();
    onTab(tabs[j]!);
    document.getElementById(`studio-onglet-${tabs[j]}`)?.focus();
  };
  return (
    <div role="tablist" aria-label={tr('Parties de la démarche', 'Parts of the service')} className="studio-tabs">
      {tabs.map((t) => (
        <button
          key={t}
          type="button"
          role="tab"
          id={`studio-onglet-${t}`}
          aria-selected={t === tab}
          aria-controls={`studio-panneau-${t}`}
          tabIndex={t === tab ? 0 : -1}
          onClick={() => onTab(t)}
          onKeyDown={onKey}
        >
          {labels[t]}
        </button>
      ))}
    </div>
  );
}
