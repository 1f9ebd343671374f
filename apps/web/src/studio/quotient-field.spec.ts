import type { ServiceDefinition } from '@guichet/shared';

type Node = Record<string, unknown>;
/** Loaded by jest at run time, as in rna-field.spec.ts (the root type-check has no DOM library). */
const studio = jest.requireActual<{
  addField(
    def: ServiceDefinition,
    pageId: string,
    parent: string[],
    type: string,
    label: string,
  ): { def: ServiceDefinition; key: string };
  typeOf(node: Node, ui: Node): string;
  typeName(type: string): string;
  PALETTE: Array<{ type: string; name(): string }>;
}>('./definition');
const siret = jest.requireActual<{
  lockedValues(node: Node, ui: Node, valuesOf?: (node: Node) => unknown[]): string[];
  setLocked(node: Node, ui: Node, name: string, on: boolean, valuesOf?: (node: Node) => unknown[]): void;
}>('./siretField');
const quotient = jest.requireActual<{ quotientValuesOf(node: Node): Array<{ name: string; label: string }> }>(
  './quotientField',
);
const shared = jest.requireActual<{
  QUOTIENT_FIELD_VALUES: readonly string[];
  quotientLocked(ui: unknown): string[];
}>('@guichet/shared');

function empty(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: { type: 'object', properties: {} },
    uiSchema: {},
    pages: [{ id: 'tarif', title: 'Tarif', fields: [] }],
    settings: { signIn: 'optional' },
  } as unknown as ServiceDefinition;
}

describe('the studio’s family quotient field', () => {
  const name = 'Quotient familial (CAF/MSA)';

  it('inserts the object the field fills, drawn by « quotient-familial », its quotient, month and body locked', () => {
    const entry = studio.PALETTE.find((p) => p.name() === name);
    expect(entry).toBeDefined();
    expect(studio.typeName(entry!.type)).toBe(name);
    const { def, key } = studio.addField(empty(), 'tarif', [], entry!.type, 'Quotient familial');
    const node = (def.schema.properties as Record<string, Node>)[key]!;
    const ui = (def.uiSchema as Record<string, Node>)[key]!;
    expect(ui).toEqual({
      'ui:widget': 'quotient-familial',
      'ui:options': { locked: ['quotient', 'periode', 'regime'] },
    });
    expect(studio.typeOf(node, ui)).toBe(entry!.type);
    // The consent and the provenance are there; every value it fills is one the page and the server know.
    expect(Object.keys(node.properties as Node)).toEqual([
      'consentement',
      'quotient',
      'periode',
      'regime',
      'allocataire',
      'provenance',
    ]);
    const fills = quotient.quotientValuesOf(node).map((v) => v.name);
    expect(fills).toEqual([...shared.QUOTIENT_FIELD_VALUES]);
    expect(shared.quotientLocked(ui)).toEqual(['quotient', 'periode', 'regime']);
  });

  it('locks its own values, as a list in the field’s order, and only those it fills', () => {
    const { def, key } = studio.addField(empty(), 'tarif', [], 'familyQuotient', 'Quotient familial');
    const node = (def.schema.properties as Record<string, Node>)[key]!;
    const ui = { ...(def.uiSchema as Record<string, Node>)[key]! };
    siret.setLocked(node, ui, 'allocataire', true, quotient.quotientValuesOf);
    siret.setLocked(node, ui, 'nom', true, quotient.quotientValuesOf);
    expect(ui['ui:options']).toEqual({ locked: ['quotient', 'periode', 'regime', 'allocataire'] });
    for (const n of ['quotient', 'periode', 'regime', 'allocataire'])
      siret.setLocked(node, ui, n, false, quotient.quotientValuesOf);
    expect(ui).toEqual({ 'ui:widget': 'quotient-familial' });
  });
});
