import { useEffect, useState } from 'react';
import { api } from '../lib/api';
import { tr } from '../lib/i18n';
import { errorText } from './common';

type Notify = 'instant' | 'digest' | 'none';

const CHOICES: Array<[Notify, () => string, () => string]> = [
  [
    'digest',
    () => tr('Un résumé par jour', 'One summary a day'),
    () =>
      tr(
        'Chaque matin à partir de 7 h, les demandes arrivées ou corrigées et les réponses des usagers de la veille (par défaut).',
        'Every morning from 7 a.m., the requests sent or corrected and the citizens’ replies of the day before (the default).',
      ),
  ],
  [
    'instant',
    () => tr('Un courriel à chaque fois', 'One email each time'),
    () =>
      tr(
        'À chaque nouvelle demande, demande corrigée ou réponse d’usager.',
        'For each new or corrected request and each citizen’s reply.',
      ),
  ],
  ['none', () => tr('Aucun courriel', 'No email'), () => tr('Vous consultez vos demandes ici.', 'You check here.')],
];

/** How the agent hears of new requests: an email each time, a daily digest (the default), or nothing. */
export function NotifyPreference() {
  const [saved, setSaved] = useState<Notify | null>(null);
  const [chosen, setChosen] = useState<Notify>('digest');
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ notify: Notify }>('/api/v1/me/preferences').then(
      (p) => {
        setSaved(p.notify);
        setChosen(p.notify);
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, []);
  if (saved === null && !error) return null;
  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    setStatus('');
    setError(null);
    try {
      const answer = await api<{ notify: Notify }>('/api/v1/me/preferences', {
        method: 'PUT',
        body: { notify: chosen },
      });
      setSaved(answer.notify);
      setStatus(tr('Préférence enregistrée.', 'Preference saved.'));
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section aria-labelledby="preferences-titre" className="desk-preferences">
      <h2 id="preferences-titre">{tr('Vos notifications', 'Your notifications')}</h2>
      <form noValidate onSubmit={(e) => void save(e)}>
        <fieldset
          className={`group${error ? ' field--error' : ''}`}
          aria-describedby={error ? 'preferences-erreur' : undefined}
        >
          <legend>{tr('Être prévenu des nouvelles demandes', 'Hear of new requests')}</legend>
          {error && (
            <p className="error-message" id="preferences-erreur">
              <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
              {error}
            </p>
          )}
          <div className="choices">
            {CHOICES.map(([value, label, hint]) => (
              <div className="choice" key={value}>
                <input
                  type="radio"
                  name="notify"
                  id={`notify-${value}`}
                  value={value}
                  checked={chosen === value}
                  aria-describedby={`notify-${value}-aide`}
                  onChange={() => setChosen(value)}
                />
                <label htmlFor={`notify-${value}`}>{label()}</label>
                <p className="hint" id={`notify-${value}-aide`}>
                  {hint()}
                </p>
              </div>
            ))}
          </div>
        </fieldset>
        <button type="submit" className="button button--secondary">
          {tr('Enregistrer ma préférence', 'Save my preference')}
        </button>
        <p role="status" className="desk-status">
          {status}
        </p>
      </form>
    </section>
  );
}
