import { type KeyboardEvent } from 'react';
import { type ErrorItem, type ServiceDefinition } from '@guichet/shared';
import { formatTime, tr } from '../lib/i18n';
import { labelAt, type ProblemPlace } from './definition';
import { type Save } from './useWorkbenchSave';

export type Tab = 'form' | 'json' | 'workflow' | 'settings';

export function placeLabel(def: ServiceDefinition, place: ProblemPlace): string {
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

export function SaveStatus({ state }: { state: Save }) {
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

/** Someone else saved the draft meanwhile: nothing more is saved until the saved version is loaded. */
export function ConflictNotice() {
  return (
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
  );
}

export interface PlacedProblem {
  problem: ErrorItem;
  place: ProblemPlace;
}

/** What the server refused at saving, each a button to its place. */
export function ProblemSummary({
  def,
  count,
  placed,
  goTo,
}: {
  def: ServiceDefinition;
  count: number;
  placed: PlacedProblem[];
  goTo: (place: ProblemPlace, pointer?: string) => void;
}) {
  return (
    <div className="error-summary" role="alert" aria-labelledby="studio-problemes-titre">
      <h2 id="studio-problemes-titre">
        {count === 1
          ? tr('1 problème empêche l’enregistrement', '1 problem prevents saving')
          : tr(`${count} problèmes empêchent l’enregistrement`, `${count} problems prevent saving`)}
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
  );
}

/** WAI-ARIA tabs: arrows move between them, Tab goes into the panel. */
export function Tabs({ tab, onTab, labels }: { tab: Tab; onTab: (t: Tab) => void; labels: Record<Tab, string> }) {
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
