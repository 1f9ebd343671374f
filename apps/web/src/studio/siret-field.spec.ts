import type { ServiceDefinition } from '@guichet/shared';

type Node = Record<string, unknown>;
/**
 * Loaded by jest at run time, as in definition.spec.ts: the root type-check has no DOM library and these modules
 * reach lib/i18n.ts. Their signatures, as definition.ts and siretField.ts declare them.
 */
const studio = jest.requireActual<{
  addField(
    def: ServiceDefinition,
    pageId: string,
    parent: string[],
    type: string,
    label: string,
  ): { def: ServiceDefinition; key: string };
  updateField(def: ServiceDefinition, path: string[], change: (node: Node, ui: Node) => void): ServiceDefinition;
  typeOf(node: Node, ui: Node): string;
  typeName(type: string): string;
  PALETTE: Array<{ type: string; name(): string }>;
}>('./definition');
const siret = jest.requireActual<{
  lockedValues(node: Node, ui: Node): string[];
  setLocked(node: Node, ui: Node, name: string, on: boolean): void;
  siretValuesOf(node: Node): Array<{ name: string; label: string }>;
}>('./siretField');

function empty(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: { type: 'object', properties: {} },
    uiSchema: {},
    pages: [{ id: 'structure', title: 'Votre structure', fields: [] }],
    settings: { signIn: 'optional' },
  } as unknown as ServiceDefinition;
}

const nodeOf = (def: ServiceDefinition, key: string) => (def.schema.properties as Record<string, Node>)[key]!;
const uiOf = (def: ServiceDefinition, key: string) => (def.uiSchema as Record<string, Node>)[key]!;

describe('the studio’s SIRET field', () => {
  const name = 'Numéro SIRET (entreprise ou association)';

  it('is in the palette under its French name, and the panel names it so', () => {
    const entry = studio.PALETTE.find((p) => p.name() === name);
    expect(entry).toBeDefined();
    expect(studio.typeName(entry!.type)).toBe(name);
  });

  it('inserts the object the SIRET field fills, drawn by the « siret » widget, on the page', () => {
    const type = studio.PALETTE.find((p) => p.name() === name)!.type;
    const { def, key } = studio.addField(empty(), 'structure', [], type, 'Votre structure');
    expect(key).toBe('votreStructure');
    expect(def.pages[0]!.fields).toEqual(['votreStructure']);
    const node = nodeOf(def, key);
    expect(node).toMatchObject({ type: 'object', title: 'Votre structure', additionalProperties: false });
    expect(Object.keys(node.properties as object)).toEqual([
      'siret',
      'raisonSociale',
      'formeJuridique',
      'adresse',
      'codeNaf',
      'etat',
      'provenance',
    ]);
    expect((node.properties as Record<string, Node>).siret).toMatchObject({ type: 'string', format: 'siret' });
    expect(node.required).toEqual(['siret', 'raisonSociale']);
    expect(uiOf(def, key)).toEqual({ 'ui:widget': 'siret' });
    // Read back as a SIRET field, not as a group of questions.
    expect(studio.typeName(studio.typeOf(node, uiOf(def, key)))).toBe(name);
    // The plain SIRET text field stays what it was.
    expect(studio.typeOf({ type: 'string', format: 'siret' }, {})).toBe('siret');
  });

  it('locks and unlocks values as a list in ui:options.locked, in the field’s order', () => {
    const type = studio.PALETTE.find((p) => p.name() === name)!.type;
    const added = studio.addField(empty(), 'structure', [], type, 'Votre structure');
    const path = [added.key];
    expect(siret.siretValuesOf(nodeOf(added.def, added.key)).map((v) => v.name)).toEqual([
      'raisonSociale',
      'formeJuridique',
      'adresse',
      'codeNaf',
      'etat',
    ]);
    const lock = (def: ServiceDefinition, value: string, on: boolean) =>
      studio.updateField(def, path, (n, u) => siret.setLocked(n, u, value, on));

    let def = lock(added.def, 'etat', true);
    def = lock(def, 'raisonSociale', true);
    expect(uiOf(def, added.key)).toEqual({ 'ui:widget': 'siret', 'ui:options': { locked: ['raisonSociale', 'etat'] } });
    expect(siret.lockedValues(nodeOf(def, added.key), uiOf(def, added.key))).toEqual(['raisonSociale', 'etat']);
    // The edit is a new definition: the one before it (kept for undo) is unchanged.
    expect(uiOf(added.def, added.key)).toEqual({ 'ui:widget': 'siret' });

    def = lock(def, 'raisonSociale', false);
    expect(uiOf(def, added.key)['ui:options']).toEqual({ locked: ['etat'] });
    def = lock(def, 'etat', false);
    // None locked: neither `locked` nor an empty `ui:options` is left behind.
    expect(uiOf(def, added.key)).toEqual({ 'ui:widget': 'siret' });
  });

  it('reads `locked: true` as every value it fills, and unlocking one writes the others as a list', () => {
    const type = studio.PALETTE.find((p) => p.name() === name)!.type;
    const added = studio.addField(empty(), 'structure', [], type, 'Votre structure');
    const def = studio.updateField(added.def, [added.key], (_n, u) => {
      u['ui:options'] = { locked: true, other: 1 };
    });
    const node = nodeOf(def, added.key);
    expect(siret.lockedValues(node, uiOf(def, added.key))).toEqual([
      'raisonSociale',
      'formeJuridique',
      'adresse',
      'codeNaf',
      'etat',
    ]);
    const after = studio.updateField(def, [added.key], (n, u) => siret.setLocked(n, u, 'adresse', false));
    // Other options are kept.
    expect(uiOf(after, added.key)['ui:options']).toEqual({
      locked: ['raisonSociale', 'formeJuridique', 'codeNaf', 'etat'],
      other: 1,
    });
  });
});
