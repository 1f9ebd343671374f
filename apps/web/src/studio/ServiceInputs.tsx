import { ApiError } from '../lib/api';
import { tr } from '../lib/i18n';
import { errorText } from './errors';

// The inputs the service list's forms share.

/** A labelled input with its error, tied by aria-describedby. */
export function Input({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  required,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  hint?: string;
  required?: boolean;
}) {
  const described = [hint && `${id}-aide`, error && `${id}-erreur`].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required && (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      {hint && (
        <p className="hint" id={`${id}-aide`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="error-message" id={`${id}-erreur`}>
          <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
          {error}
        </p>
      )}
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={described}
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        autoComplete="off"
      />
    </div>
  );
}

export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return { '': errorText(error) };
  const out: Record<string, string> = {};
  for (const e of error.body.errors ?? []) out[(e.pointer ?? '').split('/')[1] ?? ''] ??= e.message;
  if (Object.keys(out).length === 0) out[''] = error.message;
  return out;
}

export function OrganisationChoice({
  id,
  organisations,
  value,
  onChange,
}: {
  id: string;
  organisations: Array<{ id: string }>;
  value: string;
  onChange: (v: string) => void;
}) {
  if (organisations.length < 2) return null;
  return (
    <div className="field">
      <label htmlFor={id}>{tr('Organisation', 'Organisation')}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {organisations.map((o, i) => (
          <option key={o.id} value={o.id}>
            {tr('Organisation', 'Organisation')} {i + 1} ({o.id.slice(0, 8)})
          </option>
        ))}
      </select>
    </div>
  );
}
