import { useState } from 'react';
import { ErrorMessage } from '../form/field-parts';
import { ApiError, signInUrl } from '../lib/api';
import { tr } from '../lib/i18n';
import { CharacterCount, overLimitMessage } from './CharacterCount';
import { actionErrorText } from './common';
import { described, fieldClass } from './field-wiring';

/** A small form of one text area: its error said next to it, focus put back on it. */
export function TextForm({
  id,
  label,
  hint,
  button,
  emptyMessage,
  onSubmit,
  networkMessage,
  children,
}: {
  id: string;
  label: string;
  hint: string;
  button: string;
  emptyMessage: string;
  onSubmit: (text: string) => Promise<string>;
  /** Said when the server could not be reached, instead of the generic words (which speak of a citizen's answers). */
  networkMessage?: string;
  /** More fields, after the text area (a message's file and « attend une réponse »). */
  children?: React.ReactNode;
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  /** Her session ended (401: UNAUTHENTICATED, or SESSION_EXPIRED on a request filed without an account). */
  const [signedOut, setSignedOut] = useState(false);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setDone('');
    const refused = !text.trim() ? emptyMessage : overLimitMessage(text.trim());
    if (refused) {
      setError(refused);
      document.getElementById(id)?.focus();
      return;
    }
    setBusy(true);
    try {
      setDone(await onSubmit(text.trim()));
      setError(null);
      setSignedOut(false);
      setText('');
    } catch (e) {
      setSignedOut(e instanceof ApiError && e.status === 401);
      setError(
        e instanceof ApiError
          ? e.body.code === 'NETWORK' && networkMessage
            ? networkMessage
            : e.status === 401
              ? tr(
                  'Votre session a pris fin : rien n’a été enregistré. Reconnectez-vous dans un nouvel onglet, puis envoyez à nouveau ; votre texte reste affiché ici.',
                  'Your session ended: nothing was recorded. Sign in again in a new tab, then send again; your text stays here.',
                )
              : e.status === 404
                ? actionErrorText(e)
                : (e.body.errors?.[0]?.message ?? e.message)
          : actionErrorText(e),
      );
      document.getElementById(id)?.focus();
    } finally {
      setBusy(false);
    }
  };
  return (
    <form noValidate onSubmit={(e) => void submit(e)}>
      <div className={fieldClass(error ?? undefined)}>
        <label htmlFor={id}>{label}</label>
        <p className="hint" id={`${id}-aide`}>
          {hint}
        </p>
        <ErrorMessage id={id} message={error ?? undefined} />
        <textarea
          id={id}
          rows={4}
          value={text}
          {...described(id, error ?? undefined, true, true)}
          onChange={(e) => setText(e.target.value)}
        />
        <CharacterCount id={id} value={text} />
        {signedOut && (
          <p className="hint">
            <a href={signInUrl('agent', window.location.pathname)} target="_blank" rel="noopener">
              {tr('Se reconnecter (nouvel onglet)', 'Sign in again (new tab)')}
            </a>
          </p>
        )}
      </div>
      {children}
      <button type="submit" className="button button--secondary" aria-disabled={busy || undefined}>
        {button}
      </button>
      <p role="status" className="desk-status">
        {done}
      </p>
    </form>
  );
}
