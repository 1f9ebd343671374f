import { useState } from 'react';
import { ErrorMessage } from '../form/field-parts';
import { ApiError } from '../lib/api';
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
      setText('');
    } catch (e) {
      setError(
        e instanceof ApiError
          ? e.body.code === 'NETWORK' && networkMessage
            ? networkMessage
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
