import type { ServiceDefinition } from '@guichet/shared';
import { answerLines } from './receipt';

const definition = {
  schema: {
    type: 'object',
    properties: {
      periode: {
        type: 'object',
        title: 'Période',
        properties: {
          debut: { type: 'string', title: 'Date de début', format: 'date' },
          fin: { type: 'string', title: 'Date de fin', format: 'date' },
        },
      },
      enfants: {
        type: 'array',
        title: 'Enfants',
        items: {
          type: 'object',
          title: 'Enfant',
          properties: {
            prenomDeLEnfant: { type: 'string', title: 'Prénom' },
            nom: { type: 'string', title: 'Nom' },
          },
        },
      },
    },
  },
  pages: [{ id: 'tout', title: 'Tout', fields: ['periode', 'enfants'] }],
} as unknown as Pick<ServiceDefinition, 'schema' | 'pages'>;

describe('answerLines', () => {
  it('lists a group’s answers in the order of its schema, not the order the answers were stored in', () => {
    // As jsonb gives answers back: keys sorted shortest first.
    const data = {
      enfants: [{ nom: 'Martin', prenomDeLEnfant: 'Léa' }],
      periode: { fin: '2026-02-05', debut: '2026-01-05' },
    };
    expect(answerLines(definition, data).map((l) => `${l.label}=${l.value}`)).toEqual([
      'Tout=',
      'Période=',
      'Date de début=05/01/2026',
      'Date de fin=05/02/2026',
      'Enfants=',
      'Enfant 1=',
      'Prénom=Léa',
      'Nom=Martin',
    ]);
  });
});
