import { useState } from 'react';
import { ErrorMessage } from '../form/field-parts';
import { api } from '../lib/api';
import { formatNumber, tr } from '../lib/i18n';
import { errorText } from './common';
import type { AnswerField } from './fields';
import { MAX_COLUMNS } from '@guichet/shared';

/** The answers shown as columns: the caseworker's own choice for this service, saved as a preference. */
export function ColumnChooser({
  slug,
  fields,
  columns,
  onSaved,
}: {
  slug: string;
  fields: AnswerField[];
  columns: string[];
  onSaved: (columns: string[]) => void;
}) {
  const [chosen, setChosen] = useState<string[]>(columns);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState('');
  if (fields.length === 0) return null;
  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved('');
    if (chosen.length > MAX_COLUMNS) {
      setError(tr(`Choisissez ${MAX_COLUMNS} colonnes au plus.`, `Choose ${MAX_COLUMNS} columns at most.`));
      document.getElementById(`colonne-${0}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      // In the form's order, whatever the order of the clicks.
      const ordered = fields.map((f) => f.pointer).filter((p) => chosen.includes(p));
      const saved = await api<{ columns: string[] }>(`/api/v1/me/preferences/columns/${encodeURIComponent(slug)}`, {
        method: 'PUT',
        body: { columns: ordered },
      });
      onSaved(saved.columns);
      setSaved(tr('Colonnes enregistrées.', 'Columns saved.'));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="desk-columns">
      <summary>
        {tr('Choisir les colonnes', 'Choose the columns')} ({formatNumber(columns.length)}{' '}
        {columns.length > 1 ? tr('choisies', 'chosen') : tr('choisie', 'chosen')})
      </summary>
      <form noValidate onSubmit={(e) => void save(e)}>
        <fieldset
          className={`group${error ? ' field--error' : ''}`}
          aria-describedby={error ? 'colonnes-erreur' : 'colonnes-aide'}
        >
          <legend>{tr('Réponses à montrer en colonnes', 'Answers to show as columns')}</legend>
          <p className="hint" id="colonnes-aide">
            {tr(
              `${MAX_COLUMNS} au plus. Ce choix vous est propre et valable pour cette démarche.`,
              `${MAX_COLUMNS} at most. This choice is yours, for this service.`,
            )}
          </p>
          <ErrorMessage id="colonnes" message={error ?? undefined} />
          <div className="choices desk-column-choices">
            {fields.map((f, i) => (
              <div className="choice" key={f.pointer}>
                <input
                  type="checkbox"
                  id={`colonne-${i}`}
                  checked={chosen.includes(f.pointer)}
                  onChange={(e) =>
                    setChosen(e.target.checked ? [...chosen, f.pointer] : chosen.filter((p) => p !== f.pointer))
                  }
                />
                <label htmlFor={`colonne-${i}`}>{f.label}</label>
              </div>
            ))}
          </div>
        </fieldset>
        <button type="submit" className="button button--secondary" aria-disabled={busy || undefined}>
          {tr('Enregistrer les colonnes', 'Save the columns')}
        </button>
        <p role="status" className="desk-status">
          {saved}
        </p>
      </form>
    </details>
  );
}
