import { api, type Me } from '../lib/api';
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
        onSubmit={async (body) => {
          const note = await api<CaseView['notes'][number]>(`/api/v1/submissions/${file.id}/notes`, {
            method: 'POST',
            body: { body },
          });
          onAdded(note);
          return tr('Note enregistrée.', 'Note saved.');
        }}
      />
    </section>
  );
}
