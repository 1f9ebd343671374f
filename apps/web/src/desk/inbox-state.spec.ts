import type { FieldModel } from '@guichet/shared';
import type { AnswerField } from './fields';
import { filterParams, filterPointer, hrefOf, rangeKind, readNumber, sortLabel, stateOf } from './inbox-state';

const field = (pointer: string, label: string, model: Partial<FieldModel>): AnswerField => ({
  pointer,
  label,
  model: { pointer, kind: 'string', options: [], ...model } as FieldModel,
  filterable: true,
});

describe('the inbox state', () => {
  it('reads an empty address as À traiter, oldest first, the API’s page size', () => {
    const state = stateOf(new URLSearchParams(''));
    expect(state).toMatchObject({ tab: 'a_traiter', sort: 'oldest', limit: '', cursor: '', q: '' });
    expect(stateOf(new URLSearchParams('tab=tous')).sort).toBe('submitted');
  });

  it('drops what the address may not carry: an unknown tab, sort or page size', () => {
    const state = stateOf(new URLSearchParams('tab=corbeille&sort=price&par_page=7'));
    expect(state).toMatchObject({ tab: 'a_traiter', sort: 'oldest', limit: '' });
    expect(stateOf(new URLSearchParams('sort=-/montant&par_page=50'))).toMatchObject({
      sort: '-/montant',
      limit: '50',
    });
  });

  it('writes an address that reads back as the same state, defaults left out', () => {
    const state = stateOf(
      new URLSearchParams('tab=traites&sort=deadline&q=Dupont&champ=/montant&min=5000&par_page=10'),
    );
    const href = hrefOf('voirie', state);
    expect(href).toBe('/instruction/voirie?tab=traites&sort=deadline&q=Dupont&champ=%2Fmontant&min=5000&par_page=10');
    expect(stateOf(new URLSearchParams(href.split('?')[1]))).toEqual(state);
    expect(hrefOf('voirie', { tab: 'a_traiter', sort: 'oldest' })).toBe('/instruction/voirie?tab=a_traiter');
  });

  it('asks the API for an answer’s value or its bounds, the search trimmed, never the page', () => {
    const equal = filterParams(stateOf(new URLSearchParams('champ=/nature&valeur=nid&q=%20Dupont%20&cursor=abc')));
    expect(equal.getAll('field')).toEqual(['/nature=nid']);
    expect(equal.get('q')).toBe('Dupont');
    expect(equal.has('cursor')).toBe(false);
    const range = filterParams(stateOf(new URLSearchParams('champ=/montant&min=5000&max=9000')));
    expect(range.getAll('field')).toEqual(['/montant>=5000', '/montant<=9000']);
    expect(filterParams(stateOf(new URLSearchParams('valeur=nid'))).has('field')).toBe(false);
  });

  it('says the server’s /field error at the bound that holds the refused value', () => {
    expect(filterPointer('/field', stateOf(new URLSearchParams('champ=/m&min=x')))).toBe('/field-min');
    expect(filterPointer('/field', stateOf(new URLSearchParams('champ=/m&max=x')))).toBe('/field-max');
    expect(filterPointer('/field', stateOf(new URLSearchParams('champ=/m&valeur=x')))).toBe('/field');
    expect(filterPointer('/q', stateOf(new URLSearchParams('champ=/m&min=x')))).toBe('/q');
  });

  it('reads numbers as typed in French or English', () => {
    expect(readNumber('5 000')).toBe(5000);
    expect(readNumber('5000,50')).toBe(5000.5);
    expect(readNumber('5\u202f000.5')).toBe(5000.5);
    expect(readNumber('cinq')).toBeNull();
    expect(readNumber('')).toBeNull();
  });

  it('offers bounds for numbers and dates only, and names an answer’s order by its field', () => {
    const amount = field('/montant', 'Montant demandé', { kind: 'number' });
    expect(rangeKind(amount)).toBe('number');
    expect(rangeKind(field('/jour', 'Jour', { inputType: 'date' } as Partial<FieldModel>))).toBe('date');
    expect(rangeKind(field('/nom', 'Nom', {}))).toBeNull();
    expect(rangeKind(undefined)).toBeNull();
    expect(sortLabel('-/montant', [amount])).toBe('Montant demandé, ordre décroissant');
    expect(sortLabel('oldest', [])).toBe('Date de dépôt, les plus anciennes d’abord');
  });
});
