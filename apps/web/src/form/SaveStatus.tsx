import type { ReactNode } from 'react';
import { formatTime, tr } from '../lib/i18n';
import type { SaveState } from './use-autosave';

/** Where the draft stands, said politely; what the citizen can do when it is not saved. */
export function SaveStatus({
  state,
  onRetry,
  onKeepMine,
  recover,
}: {
  state: SaveState;
  onRetry: () => void;
  /** Saves this tab's answers over those saved elsewhere. */
  onKeepMine: () => void;
  recover: ReactNode;
}) {
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
        {state.kind === 'busy' &&
          tr(
            `Le service est très demandé : nouvel essai dans ${state.seconds} seconde${state.seconds > 1 ? 's' : ''}… Vos réponses sont gardées.`,
            `The service is very busy: trying again in ${state.seconds} second${state.seconds > 1 ? 's' : ''}… Your answers are kept.`,
          )}
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
            )}{' '}
            {state.keepable &&
              tr(
                'Les réponses de cet onglet ne sont pas enregistrées : gardez-les (elles remplacent celles enregistrées ailleurs) ou chargez la dernière version enregistrée (elles sont alors abandonnées).',
                'The answers in this tab are not saved: keep them (they replace those saved elsewhere) or load the latest saved version (they are then dropped).',
              )}
          </p>
          {state.keepable && (
            <button type="button" className="button" onClick={onKeepMine}>
              {tr('Garder les réponses de cet onglet', 'Keep the answers in this tab')}
            </button>
          )}{' '}
          <button type="button" className="button button--secondary" onClick={() => window.location.reload()}>
            {tr('Charger la dernière version enregistrée', 'Load the latest saved version')}
          </button>
        </div>
      )}
    </div>
  );
}
