import type { ServiceDefinition } from '@guichet/shared';

type Node = Record<string, unknown>;
type ValuesOf = (node: Node) => Array<{ name: string; label: string }>;
/**
 * Loaded by jest at run time, as in definition.spec.ts: the root type-check has no DOM library and these modules
 * reach lib/i18n.ts. Their signatures, as definition.ts, siretField.ts, rnaField.ts and quotientField.ts declare them.
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
  lockedValues(node: Node, ui: Node, valuesOf?: ValuesOf): string[];
  setLocked(node: Node, ui: Node, name: string, on: boolean, valuesOf?: ValuesOf): void;
  siretValuesOf: ValuesOf;
}>('./siretField');
const rna = jest.requireActual<{ rnaValuesOf: ValuesOf }>('./rnaField');
const quotient = jest.requireActual<{ quotientValuesOf: ValuesOf }>('./quotientField');
const shared = jest.requireActual<{
  SIRET_FIELD_VALUES: readonly string[];
  RNA_FIELD_VALUES: readonly string[];
  QUOTIENT_FIELD_VALUES: readonly string[];
  quotientLocked(ui: unknown): string[];
}>('@guichet/shared');

function empty(pageId: string, title: string): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: { type: 'object', properties: {} },
    uiSchema: {},
    pages: [{ id: pageId, title, fields: [] }],
    settings: { signIn: 'optional' },
  } as unknown as ServiceDefinition;
}

const nodeOf = (def: ServiceDefinition, key: string) => (def.schema.properties as Record<string, Node>)[key]!;
const uiOf = (def: ServiceDefinition, key: string) => (def.uiSchema as Record<string, Node>)[key]!;

/** The three lookup fields of the palette: what each inserts and which values it fills. */
const LOOKUPS = [
  {
    field: 'SIRET',
    name: 'Numéro SIRET (entreprise ou association)',
    page: 'structure',
    label: 'Votre structure',
    ui: { 'ui:widget': 'siret' },
    properties: ['siret', 'raisonSociale', 'formeJuridique', 'adresse', 'codeNaf', 'etat', 'provenance'],
    fills: ['raisonSociale', 'formeJuridique', 'adresse', 'codeNaf', 'etat'],
    valuesOf: siret.siretValuesOf,
    registry: () => shared.SIRET_FIELD_VALUES,
  },
  {
    field: 'RNA',
    name: 'Numéro RNA (association)',
    page: 'asso',
    label: 'Votre association',
    ui: { 'ui:widget': 'rna' },
    properties: ['rna', 'nom', 'objet', 'adresse', 'dateDeclaration', 'datePublicationJo', 'etat', 'provenance'],
    fills: ['nom', 'objet', 'adresse', 'dateDeclaration', 'datePublicationJo', 'etat'],
    valuesOf: rna.rnaValuesOf,
    registry: () => shared.RNA_FIELD_VALUES,
  },
  {
    field: 'family quotient',
    name: 'Quotient familial (CAF/MSA)',
    page: 'tarif',
    label: 'Quotient familial',
    ui: { 'ui:widget': 'quotient-familial', 'ui:options': { locked: ['quotient', 'periode', 'regime'] } },
    // The consent and the provenance are there too.
    properties: ['consentement', 'quotient', 'periode', 'regime', 'allocataire', 'provenance'],
    fills: [...shared.QUOTIENT_FIELD_VALUES],
    valuesOf: quotient.quotientValuesOf,
    registry: () => shared.QUOTIENT_FIELD_VALUES,
  },
];

describe.each(LOOKUPS)('the studio’s $field field', (lookup) => {
  it('is in the palette under its French name, inserted drawn by its widget, and read back as itself', () => {
    const entry = studio.PALETTE.find((p) => p.name() === lookup.name);
    expect(entry).toBeDefined();
    expect(studio.typeName(entry!.type)).toBe(lookup.name);
    const { def, key } = studio.addField(empty(lookup.page, lookup.label), lookup.page, [], entry!.type, lookup.label);
    const node = nodeOf(def, key);
    const ui = uiOf(def, key);
    expect(ui).toEqual(lookup.ui);
    // Read back as the lookup field, not as a group of questions.
    expect(studio.typeOf(node, ui)).toBe(entry!.type);
    expect(Object.keys(node.properties as Node)).toEqual(lookup.properties);
    // Every value it fills is one the citizen's field and the server know (@guichet/shared's *_FIELD_VALUES).
    const fills = lookup.valuesOf(node).map((v) => v.name);
    expect(fills).toEqual(lookup.fills);
    expect(fills.every((n) => lookup.registry().includes(n))).toBe(true);
  });
});

describe('the studio’s SIRET field', () => {
  const name = 'Numéro SIRET (entreprise ou association)';
  const type = () => studio.PALETTE.find((p) => p.name() === name)!.type;
  const add = () => studio.addField(empty('structure', 'Votre structure'), 'structure', [], type(), 'Votre structure');

  it('inserts its object on the page, the SIRET required', () => {
    const { def, key } = add();
    expect(key).toBe('votreStructure');
    expect(def.pages[0]!.fields).toEqual(['votreStructure']);
    const node = nodeOf(def, key);
    expect(node).toMatchObject({ type: 'object', title: 'Votre structure', additionalProperties: false });
    expect((node.properties as Record<string, Node>).siret).toMatchObject({ type: 'string', format: 'siret' });
    expect(node.required).toEqual(['siret', 'raisonSociale']);
    expect(studio.typeName(studio.typeOf(node, uiOf(def, key)))).toBe(name);
    // The plain SIRET text field stays what it was.
    expect(studio.typeOf({ type: 'string', format: 'siret' }, {})).toBe('siret');
  });

  it('locks and unlocks values as a list in ui:options.locked, in the field’s order', () => {
    const added = add();
    const path = [added.key];
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
    const added = add();
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

describe('the studio’s RNA field', () => {
  it('locks its own values, as a list in the registry’s order, and only those it fills', () => {
    const { def, key } = studio.addField(
      empty('asso', 'Votre association'),
      'asso',
      [],
      'association',
      'Votre association',
    );
    const node = nodeOf(def, key);
    const ui = { ...uiOf(def, key) };
    siret.setLocked(node, ui, 'etat', true, rna.rnaValuesOf);
    siret.setLocked(node, ui, 'nom', true, rna.rnaValuesOf);
    siret.setLocked(node, ui, 'raisonSociale', true, rna.rnaValuesOf);
    expect(ui['ui:options']).toEqual({ locked: ['nom', 'etat'] });
    expect(siret.lockedValues(node, { 'ui:options': { locked: true } }, rna.rnaValuesOf)).toHaveLength(6);
    siret.setLocked(node, ui, 'nom', false, rna.rnaValuesOf);
    siret.setLocked(node, ui, 'etat', false, rna.rnaValuesOf);
    expect(ui).toEqual({ 'ui:widget': 'rna' });
  });
});

describe('the studio’s family quotient field', () => {
  const add = () => studio.addField(empty('tarif', 'Tarif'), 'tarif', [], 'familyQuotient', 'Quotient familial');

  it('has its quotient, month and body locked as the server reads them', () => {
    const { def, key } = add();
    expect(shared.quotientLocked(uiOf(def, key))).toEqual(['quotient', 'periode', 'regime']);
  });

  it('locks its own values, as a list in the field’s order, and only those it fills', () => {
    const { def, key } = add();
    const node = nodeOf(def, key);
    const ui = { ...uiOf(def, key) };
    siret.setLocked(node, ui, 'allocataire', true, quotient.quotientValuesOf);
    siret.setLocked(node, ui, 'nom', true, quotient.quotientValuesOf);
    expect(ui['ui:options']).toEqual({ locked: ['quotient', 'periode', 'regime', 'allocataire'] });
    for (const n of ['quotient', 'periode', 'regime', 'allocataire'])
      siret.setLocked(node, ui, n, false, quotient.quotientValuesOf);
    expect(ui).toEqual({ 'ui:widget': 'quotient-familial' });
  });
});
