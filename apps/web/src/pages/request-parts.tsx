import { useState, type FormEvent, type ReactNode } from 'react';
import type { DocumentSummary, FileSummary, MessageView, SubmissionView } from '@guichet/shared';
import { ApiError } from '../lib/api';
import { formatDateTime, tr } from '../lib/i18n';
import { citizenEventTitle } from './citizen-history';
import { MessageForm } from './MessageForm';

/**
 * What the request page (a signed-in citizen's, or a device's) and the follow
 * page (a link, from any browser) show alike. They differ in how a file is
 * fetched: a link on the request page, a POST carrying the token on the
 * follow page, so each passes its own.
 */

/** « État : » and the status's label. */
export function RequestStatus({ label }: { label: string }) {
  return (
    <p>
      {tr('État : ', 'Status: ')}
      <span className="status">{label}</span>
    </p>
  );
}

/** The documents issued for the request (decision letters), if any; `open` draws one's link or button. */
export function RequestDocuments({
  documents,
  open,
}: {
  documents: DocumentSummary[];
  open: (document: DocumentSummary) => ReactNode;
}) {
  if (documents.length === 0) return null;
  return (
    <section aria-labelledby="documents">
      <h2 id="documents">{tr('Documents', 'Documents')}</h2>
      <ul>
        {documents.map((d) => (
          <li key={d.id}>
            {open(d)} ({formatDateTime(d.at)})
          </li>
        ))}
      </ul>
    </section>
  );
}

/** What the citizen may see of the history, with the public comments. */
export function RequestHistory({ history }: { history: SubmissionView['history'] }) {
  return (
    <section aria-labelledby="historique">
      <h2 id="historique">{tr('Historique', 'History')}</h2>
      <ol className="timeline">
        {history.map((h, i) => (
          <li key={i}>
            <p>
              <strong>{citizenEventTitle(h)}</strong> — {formatDateTime(h.at)}
            </p>
            {h.comment && <p className="comment">{h.comment}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The citizen's message being written, checked before it is sent; `post` sends it, `sent` follows. */
export function useMessageDraft(post: (body: string) => Promise<unknown>, sent: () => Promise<void>) {
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!message.trim()) {
      setError(tr('Écrivez votre message.', 'Write your message.'));
      document.getElementById('message')?.focus();
      return;
    }
    try {
      await post(message);
      setMessage('');
      await sent();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return { message, setMessage, error, send };
}

/**
 * The messages with the service, and the form to write one. `attachment`
 * draws a message's file (or nothing, for one the page does not offer);
 * `children` go inside the form, after its button.
 */
export function RequestMessages({
  messages,
  attachment,
  draft,
  children,
}: {
  messages: MessageView[];
  attachment: (file: FileSummary, message: MessageView) => ReactNode;
  draft: ReturnType<typeof useMessageDraft>;
  children?: ReactNode;
}) {
  return (
    <section aria-labelledby="messages">
      <h2 id="messages">{tr('Messages', 'Messages')}</h2>
      {messages.length === 0 ? (
        <p>{tr('Aucun message pour le moment.', 'No message yet.')}</p>
      ) : (
        <ul className="messages">
          {messages.map((m) => {
            const file = m.attachment && attachment(m.attachment, m);
            return (
              <li key={m.id} className={`message message--${m.from}`}>
                <p className="message-meta">
                  {m.from === 'citizen' ? tr('Vous', 'You') : tr('Le service instructeur', 'The service')} —{' '}
                  {formatDateTime(m.at)}
                </p>
                <p className="message-body">{m.body}</p>
                {file && <p>{file}</p>}
              </li>
            );
          })}
        </ul>
      )}
      <MessageForm value={draft.message} error={draft.error} onChange={draft.setMessage} onSubmit={draft.send}>
        {children}
      </MessageForm>
    </section>
  );
}
