import { tr } from '../lib/i18n';
import type { CaseEvent } from '@guichet/shared';

/**
 * The title of one event of a request's history, as the desk shows it.
 * Every type the server records has one (an unknown type shows as itself,
 * so a new one is seen rather than hidden); events recorded as internal are
 * marked as such by the page, not here.
 */
export function eventTitle(event: CaseEvent, meId: string): string {
  switch (event.type) {
    case 'created':
      return tr('Brouillon commencé', 'Draft started');
    case 'submitted':
      return tr('Demande déposée', 'Request sent');
    case 'transition':
      return event.transition === 'resubmit'
        ? tr(
            `Demande corrigée et déposée à nouveau — ${event.label ?? ''}`,
            `Corrected and sent again — ${event.label ?? ''}`,
          )
        : `${tr('Nouvel état : ', 'New status: ')}${event.label ?? event.toStatus ?? ''}`;
    case 'routed':
      return tr('Orientée vers un groupe d’instruction', 'Routed to a group');
    case 'consulted':
      return event.actor === `account:${meId}`
        ? tr('Consultée par vous', 'Read by you')
        : event.actorName
          ? tr(`Consultée par ${event.actorName}`, `Read by ${event.actorName}`)
          : tr('Consultée par un agent', 'Read by an agent');
    case 'note_added':
      return tr('Note privée ajoutée', 'Private note added');
    case 'assigned':
      return tr('Attribution modifiée', 'Assignment changed');
    case 'message_received':
      return tr('Message envoyé à l’usager', 'Message sent to the citizen');
    case 'message_sent':
      return tr('Message de l’usager', 'Message from the citizen');
    case 'awaiting_reply':
      return tr('En attente de réponse de l’usager', 'Waiting for the citizen’s reply');
    case 'awaiting_reply_cleared':
      return tr('Réponse de l’usager reçue', 'The citizen replied');
    case 'claimed':
      // Internal, as recorded: explains why the draft was started anonymously and sent from an account.
      return tr(
        'Brouillon anonyme rattaché au compte de l’usager à sa connexion',
        'Anonymous draft attached to the citizen’s account when they signed in',
      );
    case 'provenance':
      // Internal: which values a registry gave (SIRET, RNA, address, family quotient) and which the citizen typed.
      return tr('Provenance des valeurs pré-remplies', 'Where the prefilled values came from');
    case 'retention_notice':
      return tr(
        'Suppression prochaine annoncée (fin de la durée de conservation)',
        'Upcoming deletion announced (end of the retention period)',
      );
    default:
      return event.type;
  }
}
