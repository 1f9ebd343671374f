import { tr } from '../lib/i18n';

/**
 * The title of one event of a request's history as its citizen reads it
 * (« Mes démarches » and the follow link): the state it entered, or what
 * happened in words. Never the event's code (`message_sent`), which the
 * pages used to show for every message.
 */
export function citizenEventTitle(event: { type: string; label: string | null }): string {
  if (event.label) return event.label;
  switch (event.type) {
    case 'message_sent':
      return tr('Vous avez écrit au service', 'You wrote to the service');
    case 'message_received':
      return tr('Message du service', 'Message from the service');
    case 'retention_notice':
      return tr(
        'Suppression prochaine annoncée (fin de la durée de conservation)',
        'Upcoming deletion announced (end of the retention period)',
      );
    default:
      return tr('Mise à jour de votre demande', 'Your request was updated');
  }
}
