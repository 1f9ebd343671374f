import type { ServiceDefinition } from '@guichet/shared';
import { answerDisplay, answerFields } from '../desk/fields';
import { reviewRows } from './review-rows';

const definition = {
  schema: {
    type: 'object',
    properties: {
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
      jours: {
        type: 'array',
        title: 'Jours',
        uniqueItems: true,
        items: { type: 'string', enum: ['lundi', 'mardi-matin'] },
      },
      naissance: { type: 'string', format: 'date', title: 'Date de *naissance*' },
      justificatif: { type: 'string', 'x-file': {}, title: 'Justificatif' },
      secret: { type: 'string', title: 'Secret' },
    },
  },
  uiSchema: { jours: { items: { 'ui:enumNames': { 'mardi-matin': 'Mardi (matin)', lundi: 'Lundi' } } } },
  pages: [
    { id: 'a', title: 'A', fields: ['enfants', 'jours'] },
    { id: 'b', title: 'B', fields: ['naissance', 'justificatif', 'secret'] },
  ],
  rules: {},
  settings: {},
  workflow: {},
} as unknown as ServiceDefinition;

describe('review rows', () => {
  it('reads answers back with the shared formatter: authored order, labels, dates, file names, hidden left out', () => {
    const rows = reviewRows(
      definition,
      { jours: ['mardi-matin', 'lundi'], enfants: [{ nom: 'Martin', prenomDeLEnfant: 'Léa' }], justificatif: 'f1' },
      new Set(['/secret']),
      { fileName: (id) => (id === 'f1' ? 'avis.pdf' : undefined) },
    );
    expect(rows.get('a')).toEqual([
      { pointer: '/enfants/0/prenomDeLEnfant', label: 'Enfant 1 — Prénom', text: 'Léa', file: false },
      { pointer: '/enfants/0/nom', label: 'Enfant 1 — Nom', text: 'Martin', file: false },
      { pointer: '/jours', label: 'Jours', text: 'Mardi (matin), Lundi', file: false },
    ]);
    // Unanswered fields are listed (« Non renseigné »), Markdown titles read as text.
    expect(rows.get('b')).toEqual([
      { pointer: '/naissance', label: 'Date de naissance', text: '', file: false },
      { pointer: '/justificatif', label: 'Justificatif', text: 'avis.pdf', file: true },
    ]);
  });
});

describe('desk fields', () => {
  it('offers every single-valued field as a column, named with its groups, shown with its labels', () => {
    const fields = answerFields(definition);
    expect(fields.map((f) => [f.pointer, f.label, f.filterable])).toEqual([
      ['/jours', 'Jours', false],
      ['/naissance', 'Date de naissance', true],
      ['/secret', 'Secret', true],
    ]);
    expect(answerDisplay(fields[0]!.model, ['lundi'])).toBe('Lundi');
    expect(answerDisplay(fields[1]!.model, '2026-03-02')).toBe('2 mars 2026');
  });
});
