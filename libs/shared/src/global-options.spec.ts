import { answerFields, answerRows } from './answer-format';
import { fieldModel, globalOptionsOf, uiOption } from './field-model';
import { modelAt } from './labels';

/** RJSF's `ui:globalOptions`: defaults for every field's `ui:options`, a field's own winning (getUiOptions). */
describe('ui:globalOptions', () => {
  const root = {
    type: 'object',
    properties: {
      nom: { type: 'string', title: 'Nom' },
      prenom: { type: 'string', title: 'Prénom' },
      enfants: { type: 'array', title: 'Enfants', items: { type: 'string', title: 'Prénom de l’enfant' } },
    },
  };
  const rootUi = {
    'ui:globalOptions': { label: false, addable: false, removable: false, orderable: false, readonly: true },
    prenom: { 'ui:options': { label: true }, 'ui:readonly': false },
    enfants: { 'ui:options': { addable: true } },
  };
  const global = globalOptionsOf(rootUi);
  const model = (key: 'nom' | 'prenom' | 'enfants') =>
    fieldModel(
      root,
      root.properties[key],
      ((rootUi as Record<string, unknown>)[key] ?? {}) as Record<string, unknown>,
      `/${key}`,
      key,
      false,
      [],
      global,
    );

  it('are every field’s options unless the field says otherwise, as RJSF’s getUiOptions reads them', () => {
    expect(model('nom')).toMatchObject({ hideLabel: true, readOnly: true, addable: false, removable: false });
    expect(model('prenom')).toMatchObject({ hideLabel: false, readOnly: false });
    expect(model('enfants')).toMatchObject({ addable: true, removable: false });
    expect(uiOption({}, 'orderable', global)).toBe(false);
    expect(uiOption({ 'ui:orderable': true }, 'orderable', global)).toBe(true);
  });

  it('keep a hidden label for screen readers: the title stays the field’s accessible name', () => {
    expect(model('nom').title).toBe('Nom');
  });

  it('reach every view that builds a field model from the definition', () => {
    const definition = {
      schema: root,
      uiSchema: rootUi,
      pages: [{ id: 'p', title: 'P', fields: ['nom', 'prenom', 'enfants'] }],
    };
    expect(modelAt(root, rootUi, '/nom')).toMatchObject({ hideLabel: true, readOnly: true });
    expect(answerFields(definition).find((f) => f.pointer === '/nom')?.model.hideLabel).toBe(true);
    const rows = answerRows(definition, { nom: 'Moreau' });
    expect(rows.find((r) => r.pointer === '/nom')?.model?.readOnly).toBe(true);
  });

  it('are nothing when they are not an object', () => {
    for (const value of ['label', 12, null, ['label'], true])
      expect(globalOptionsOf({ 'ui:globalOptions': value })).toEqual({});
    expect(globalOptionsOf(undefined)).toEqual({});
    const options = globalOptionsOf({ 'ui:globalOptions': 'abc' });
    expect(fieldModel(root, root.properties.nom, {}, '/nom', 'nom', false, [], options).hideLabel).toBe(false);
  });
});
