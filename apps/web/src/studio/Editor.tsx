import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { publishProblems } from '@guichet/shared';
import { api } from '../lib/api';
import { tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import { usePageTitle } from '../lib/title';
import { JsonTab } from './JsonTab';
import { existsAt, inWords, placeOf, problemControl, studioProblem, type Path, type ProblemPlace } from './definition';
import { PublishPanel } from './Publish';
import { TestRun } from './TestRun';
import { type ServiceView } from '@guichet/shared';
import { errorText } from './errors';
import { useWorkbenchHistory } from './useWorkbenchHistory';
import { useWorkbenchSave } from './useWorkbenchSave';
import { WorkbenchFormTab } from './WorkbenchFormTab';
import { ConflictNotice, placeLabel, ProblemSummary, SaveStatus, Tabs, type Tab } from './WorkbenchParts';

const WorkflowEditor = lazy(() => import('./workflow/WorkflowEditor'));
const SettingsEditor = lazy(() => import('./workflow/SettingsEditor'));

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
  const { def, canUndo, canRedo, apply, undo, redo, announce } = useWorkbenchHistory(view.draft);
  const [tab, setTab] = useState<Tab>('form');
  const [pageId, setPageId] = useState(view.draft.pages[0]?.id ?? '');
  const [selected, setSelected] = useState<Path | null>(null);
  const focusNext = useRef<string | null>(null);

  // The page or field shown may have gone (undo, JSON): fall back to what exists.
  const page = def.pages.find((p) => p.id === pageId) ?? def.pages[0];
  const selectedExists = selected !== null && existsAt(def, selected);
  const current = selectedExists ? selected : null;

  useEffect(() => {
    if (!focusNext.current) return;
    const target = document.getElementById(focusNext.current);
    focusNext.current = null;
    target?.focus();
  });

  const { save, problems, saveNow } = useWorkbenchSave(view, def);

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
          onClick={() => canUndo && undo()}
          aria-disabled={!canUndo || undefined}
          aria-keyshortcuts="Control+Z"
        >
          {tr('Annuler', 'Undo')}
        </button>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => canRedo && redo()}
          aria-disabled={!canRedo || undefined}
          aria-keyshortcuts="Control+Shift+Z"
        >
          {tr('Rétablir', 'Redo')}
        </button>
        <TestRun slug={view.slug} saveNow={saveNow} />
        <SaveStatus state={save} />
      </div>
      {save.kind === 'conflict' && <ConflictNotice />}
      <p className="sr-only" role="status">
        {announce}
      </p>
      {problems.length > 0 && <ProblemSummary def={def} count={problems.length} placed={placed} goTo={goTo} />}
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
        {tab === 'form' && page && (
          <WorkbenchFormTab
            def={def}
            pageId={page.id}
            current={current}
            apply={apply}
            onPage={(id) => {
              setPageId(id);
              setSelected(null);
            }}
            onSelect={select}
            onRemoved={() => {
              setSelected(null);
              focusNext.current = 'studio-champs-titre';
            }}
            pageProblems={pageProblems}
            fieldProblems={fieldProblems}
            focus={(id) => (focusNext.current = id)}
          />
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
