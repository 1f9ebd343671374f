import { eventTitle } from './history';
import type { CaseEvent } from '@guichet/shared';

const event = (type: string, more: Partial<CaseEvent> = {}): CaseEvent => ({
  id: 'e1',
  type,
  at: '2026-03-02T14:32:00.000Z',
  actor: 'account:citizen-1',
  transition: null,
  fromStatus: null,
  toStatus: null,
  label: null,
  comment: null,
  visibility: 'public',
  actorName: null,
  subject: null,
  subjectName: null,
  ...more,
});

/** Every event type the server records (libs/submissions, libs/desk): none may reach the desk as its code. */
const RECORDED = [
  'created',
  'claimed',
  'submitted',
  'transition',
  'routed',
  'consulted',
  'note_added',
  'assigned',
  'message_received',
  'message_sent',
  'awaiting_reply',
  'awaiting_reply_cleared',
  'retention_notice',
];

describe('eventTitle (the desk history)', () => {
  it('names an anonymous draft claimed at sign-in in French', () => {
    expect(eventTitle(event('claimed', { visibility: 'internal' }), 'agent-1')).toBe(
      'Brouillon anonyme rattaché au compte de l’usager à sa connexion',
    );
  });

  it('gives every recorded event type a French title, never its code', () => {
    const untitled = RECORDED.filter((type) => {
      const title = eventTitle(event(type, { toStatus: 'in_review', label: 'En instruction' }), 'agent-1');
      return title === type || title.trim() === '' || title.includes('_');
    });
    expect(untitled).toEqual([]);
  });

  it('shows a type it does not know as itself, so a new one is seen rather than hidden', () => {
    expect(eventTitle(event('something_new'), 'agent-1')).toBe('something_new');
  });

  it('says « vous » for the agent reading, a name for another, and stays generic without one', () => {
    expect(eventTitle(event('consulted', { actor: 'account:agent-1' }), 'agent-1')).toBe('Consultée par vous');
    expect(eventTitle(event('consulted', { actor: 'account:agent-2', actorName: 'Léa Fontaine' }), 'agent-1')).toBe(
      'Consultée par Léa Fontaine',
    );
    expect(eventTitle(event('consulted', { actor: 'account:agent-2' }), 'agent-1')).toBe('Consultée par un agent');
  });
});
