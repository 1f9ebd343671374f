import type { ServiceDefinition } from '@guichet/shared';

type Node = Record<string, unknown>;
/** Loaded by jest at run time, as in siret-field.spec.ts (the root type-check has no DOM library). */
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
const rna = jest.requireActual<{ rnaValuesOf(node: Node): Array<{ name: string; label: string }> }>('./rnaField');
const shared = jest.requireActual<{ RNA_FIELD_VALUES: readonly string[] }>('@guichet/shared');

function empty(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: { type: 'object', properties: {} },
    uiSchema: {},
    pages: [{ id: 'asso', title: 'Votre association', fields: [] }],
    settings: { signIn: 'optional' },
  } as unknown as ServiceDefinition;
}

describe('the studio’s RNA field', () => {
  const name = 'Numéro RNA (association)';

  it('inserts the object the RNA field fills, drawn by the « rna » widget, read back as itself', () => {
    const entry = studio.PALETTE.find((p) => p.name() === name);
    expect(entry).toBeDefined();
    expect(studio.typeName(entry!.type)).toBe(name);
    const { def, key } = studio.addField(empty(), 'asso', [], entry!.type, 'Votre association');
    const node = (def.schema.properties as Record<string, Node>)[key]!;
    const ui = (def.uiSchema as Record<string, Node>)[key]!;
    expect(ui).toEqual({ 'ui:widget': 'rna' });
    expect(studio.typeOf(node, ui)).toBe(entry!.type);
    // Every value it fills is one the citizen's field and the server know (@guichet/shared's RNA_FIELD_VALUES).
    const fills = rna.rnaValuesOf(node).map((v) => v.name);
    expect(fills.every((n) => shared.RNA_FIELD_VALUES.includes(n))).toBe(true);
    expect(fills).toEqual(['nom', 'objet', 'adresse', 'dateDeclaration', 'datePublicationJo', 'etat']);
  });

  it('locks its own values, as a list in the registry’s order, and only those it fills', () => {
    const { def, key } = studio.addField(empty(), 'asso', [], 'association', 'Votre association');
    const node = (def.schema.properties as Record<string, Node>)[key]!;
    const ui = { ...(def.uiSchema as Record<string, Node>)[key]! };
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
