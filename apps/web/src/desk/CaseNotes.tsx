import { useRef } from 'react';
import { api, newKey, type Me } from '../lib/api';
import { formatDate, tr } from '../lib/i18n';
import { TextForm } from './TextForm';
import type { CaseView } from '@guichet/shared';

/** The agents' private notes on the request, and the form to add one. */
export function Notes({
  file,
  me,
  onAdded,
}: {
  file: CaseView;
  me: Me;
  onAdded: (n: CaseView['notes'][number]) => void;
}) {
  /**
   * The note being saved, until the server has said it got it: saved again after a failure (a lost answer may
   * hide a note that was recorded), the same text goes with the same Idempotency-Key, so it is recorded once.
   */
  const pending = useRef<{ body: string; key: string } | null>(null);
  return (
    <section aria-labelledby="notes">
      <h2 id="notes">{tr('Notes privées', 'Private notes')}</h2>
      <p className="hint">
        {tr('Entre agents : jamais montrées à l’usager.', 'Between agents: never shown to the citizen.')}
      </p>
      {file.notes.length === 0 ? (
        <p>{tr('Aucune note.', 'No note.')}</p>
      ) : (
        <ul className="messages">
          {file.notes.map((n) => (
            <li key={n.id} className="message">
              <p className="message-meta">
                {n.author === `account:${me.id}`
                  ? tr('Vous', 'You')
                  : n.authorName || tr('Un autre agent', 'Another agent')}{' '}
                — {formatDate(n.at)}
              </p>
              <p className="message-body">{n.body}</p>
            </li>
          ))}
        </ul>
      )}
      <TextForm
        id="note-privee"
        label={tr('Ajouter une note', 'Add a note')}
        hint={tr('Visible des seuls agents de la démarche.', 'Seen only by the service’s agents.')}
        button={tr('Enregistrer la note', 'Save the note')}
        emptyMessage={tr('Écrivez la note.', 'Write the note.')}
        networkMessage={tr(
          'Le serveur ne répond pas : la note n’est peut-être pas enregistrée. Elle est gardée ici ; enregistrez-la à nouveau quand la connexion revient, elle ne le sera pas deux fois.',
          'The server does not answer: the note may not be saved. It is kept here; save it again once the connection is back, it will not be saved twice.',
        )}
        onSubmit={async (body) => {
          if (pending.current?.body !== body) pending.current = { body, key: newKey() };
          const note = await api<CaseView['notes'][number]>(`/api/v1/submissions/${file.id}/notes`, {
            method: 'POST',
            headers: { 'Idempotency-Key': pending.current.key },
            body: { body },
          });
          pending.current = null;
          onAdded(note);
          return tr('Note enregistrée.', 'Note saved.');
        }}
      />
    </section>
  );
}
