import { citizenEventTitle } from './citizen-history';

describe('a request’s history, as its citizen reads it', () => {
  it('names the state entered, or what happened; never an event code', () => {
    expect(citizenEventTitle({ type: 'submitted', label: 'Déposée' })).toBe('Déposée');
    expect(citizenEventTitle({ type: 'message_sent', label: null })).toBe('Vous avez écrit au service');
    expect(citizenEventTitle({ type: 'message_received', label: null })).toBe('Message du service');
    expect(citizenEventTitle({ type: 'retention_notice', label: null })).toContain('Suppression prochaine');
    expect(citizenEventTitle({ type: 'something_new', label: null })).toBe('Mise à jour de votre demande');
  });
});
