import { specialWidgetOf, specialWidgetsOf } from './special-widgets';

describe('specialWidgetsOf', () => {
  it('finds the lookup fields wherever the uiSchema draws them, in one order, each once', () => {
    const ui = {
      entreprise: { 'ui:widget': 'siret' },
      personnes: { items: { adresse: { 'ui:field': 'address' } } },
      choix: { oneOf: [{}, { ville: { 'ui:options': { widget: 'commune' } } }] },
      autre: { 'ui:widget': 'siret' },
    };
    expect(specialWidgetsOf(ui)).toEqual(['siret', 'address', 'commune']);
  });

  it('finds none in a plain form, a missing uiSchema or values that are not widgets', () => {
    expect(specialWidgetsOf(undefined)).toEqual([]);
    expect(specialWidgetsOf({ nom: { 'ui:widget': 'textarea', 'ui:help': 'siret' }, 'ui:order': ['rna'] })).toEqual([]);
  });

  it('names the field a node draws as the form does (SIRET first)', () => {
    expect(specialWidgetOf({ 'ui:widget': 'quotient-familial' })).toBe('quotient');
    expect(specialWidgetOf({ 'ui:widget': 'rna', 'ui:field': 'siret' })).toBe('siret');
    expect(specialWidgetOf({ 'ui:widget': 'radio' })).toBeNull();
  });
});
