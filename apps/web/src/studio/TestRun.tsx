import { useState } from 'react';
import { api } from '../lib/api';
import { tr } from '../lib/i18n';
import { errorText } from './errors';

interface Trial {
  id: string;
  url: string;
}

/**
 * « Tester » : saves the draft, starts a trial of it (POST
 * /api/v1/services/:slug/test-submissions) and links to the citizen form
 * opened on that trial. A trial is never a request: nobody receives it, and
 * publishing deletes it.
 */
export function TestRun({ slug, saveNow }: { slug: string; saveNow: () => Promise<boolean> }) {
  const [state, setState] = useState<
    { kind: 'idle' } | { kind: 'busy' } | { kind: 'ready'; trial: Trial } | { kind: 'error'; message: string }
  >({ kind: 'idle' });
  const start = async () => {
    if (state.kind === 'busy') return;
    setState({ kind: 'busy' });
    if (!(await saveNow()))
      return setState({
        kind: 'error',
        message: tr(
          'Le brouillon n’est pas enregistré : corrigez les problèmes signalés avant de le tester.',
          'The draft is not saved: fix the problems shown before testing it.',
        ),
      });
    try {
      const trial = await api<Trial>(`/api/v1/services/${encodeURIComponent(slug)}/test-submissions`, {
        method: 'POST',
        body: {},
      });
      setState({ kind: 'ready', trial });
    } catch (error) {
      setState({ kind: 'error', message: errorText(error) });
    }
  };
  return (
    <>
      <button
        type="button"
        className="button button--secondary"
        onClick={() => void start()}
        aria-disabled={state.kind === 'busy' || undefined}
        aria-describedby="studio-tester-aide"
      >
        {tr('Tester', 'Test')}
      </button>
      <span className="sr-only" id="studio-tester-aide">
        {tr(
          'Remplir le brouillon comme un usager, sans créer de vraie demande.',
          'Fill in the draft as a citizen would, without creating a real request.',
        )}
      </span>
      <span role="status" className="studio-test-status">
        {state.kind === 'busy' && tr('Préparation de l’essai…', 'Preparing the test…')}
        {state.kind === 'error' && state.message}
        {state.kind === 'ready' && (
          <a href={state.trial.url} target="_blank" rel="noopener">
            {tr('Ouvrir l’essai (nouvel onglet)', 'Open the test (new tab)')}
          </a>
        )}
      </span>
    </>
  );
}
