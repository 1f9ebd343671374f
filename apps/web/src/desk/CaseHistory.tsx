import type { Me } from '../lib/api';
import { formatDateTime, tr } from '../lib/i18n';
import { eventTitle } from './history';
import type { CaseEvent, CaseView } from '@guichet/shared';

/** An assignment's comment names an account: said as « vous » or the colleague's name instead. */
function eventComment(event: CaseEvent, meId: string): string | null {
  if (event.type === 'assigned' && event.comment) {
    if (event.subject === `account:${meId}` || event.comment.includes(`account:${meId}`))
      return tr('Attribuée à vous', 'Assigned to you');
    if (event.subjectName) return tr(`Attribuée à ${event.subjectName}`, `Assigned to ${event.subjectName}`);
    if (event.comment.includes('account:')) return tr('Attribuée à un autre agent', 'Assigned to another agent');
  }
  return event.comment;
}

/** Who did it, when an agent did: « par vous », « par Léa Fontaine ». Citizens' and the system's events say it in their title. */
function eventActor(event: CaseEvent, meId: string): string | null {
  if (event.type === 'consulted' || event.type === 'message_sent' || event.type === 'created') return null;
  if (event.actor === `account:${meId}`) return tr('par vous', 'by you');
  return event.actorName ? tr(`par ${event.actorName}`, `by ${event.actorName}`) : null;
}

/** The request's events as the server lists them; internal ones say they are hidden from the citizen. */
export function CaseHistory({ file, me }: { file: CaseView; me: Me }) {
  return (
    <section aria-labelledby="historique">
      <h2 id="historique">{tr('Historique', 'History')}</h2>
      <ol className="timeline">
        {file.history.map((h) => {
          const comment = eventComment(h, me.id);
          const by = eventActor(h, me.id);
          return (
            <li key={h.id}>
              <p>
                <strong>{eventTitle(h, me.id)}</strong>
                {by && ` ${by}`} — {formatDateTime(h.at)}
                {h.visibility === 'internal' && (
                  <span className="desk-internal">
                    {' '}
                    {tr('(interne, invisible pour l’usager)', '(internal, hidden from the citizen)')}
                  </span>
                )}
              </p>
              {comment && <p className="comment">{comment}</p>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
