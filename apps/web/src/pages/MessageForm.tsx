import type { FormEvent, ReactNode } from 'react';
import { tr } from '../lib/i18n';

/** « Écrire au service »: the citizen's message, with its error tied to the box; the same on the request and follow pages. */
export function MessageForm({
  value,
  error,
  onChange,
  onSubmit,
  children,
}: {
  value: string;
  error: string | null | undefined;
  onChange: (value: string) => void;
  onSubmit: (event: FormEvent) => Promise<void> | void;
  children?: ReactNode;
}) {
  return (
    <form noValidate onSubmit={(e) => void onSubmit(e)}>
      <div className={`field${error ? ' field--error' : ''}`}>
        <label htmlFor="message">{tr('Écrire au service', 'Write to the service')}</label>
        {error && (
          <p className="error-message" id="message-erreur">
            <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
            {error}
          </p>
        )}
        <textarea
          id="message"
          rows={4}
          value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'message-erreur' : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      </div>
      <button type="submit" className="button">
        {tr('Envoyer le message', 'Send the message')}
      </button>
      {children}
    </form>
  );
}
