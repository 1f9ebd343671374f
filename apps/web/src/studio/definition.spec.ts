import type { ServiceDefinition } from '@guichet/shared';

type Node = Record<string, unknown>;
/**
 * The edits under test, loaded by jest at run time: the root type-check has
 * no DOM library, and definition.ts reaches lib/i18n.ts, which uses
 * localStorage. Their signatures, as definition.ts declares them.
 */
const { addField, moveField, removeField, setRequired, updateField } = jest.requireActual<{
  addField(
    def: ServiceDefinition,
    pageId: string,
    parent: string[],
    type: 'text',
    label: string,
  ): {
    def: ServiceDefinition;
    key: string;
  };
  moveField(def: ServiceDefinition, pageId: string, path: string[], delta: number): ServiceDefinition;
  removeField(def: ServiceDefinition, path: string[]): ServiceDefinition;
  setRequired(def: ServiceDefinition, path: string[], on: boolean): ServiceDefinition;
  updateField(
    def: ServiceDefinition,
    path: string[],
    change: (node: Node, ui: Node, parent: Node) => void,
  ): ServiceDefinition;
}>('./definition');

/** Every key, as a pointer, in document order: an edit that reorders anything changes this list. */
function keyPaths(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => keyPaths(item, `${at}/${i}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => [`${at}/${key}`, ...keyPaths(child, `${at}/${key}`)]);
}

/** Every key that was there is still there, in the same order (an edit may add keys, e.g. an empty uiSchema entry). */
function expectKeptInOrder(after: unknown, before: unknown): void {
  const was = new Set(keyPaths(before));
  expect(keyPaths(after).filter((p) => was.has(p))).toEqual(keyPaths(before));
}

/** Keys written long before short and against the alphabet: a sort of any kind would show. */
function authored(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: {
      type: 'object',
      properties: {
        informationsPersonnelles: {
          title: 'Vous',
          type: 'object',
          properties: {
            nomDeNaissance: { title: 'Nom de naissance', type: 'string', maxLength: 100 },
            prenom: { title: 'Prénom', type: 'string', maxLength: 100 },
            nom: { title: 'Nom d’usage', type: 'string', maxLength: 100 },
          },
          required: ['nomDeNaissance'],
        },
        enfants: {
          title: 'Enfants',
          type: 'array',
          items: {
            type: 'object',
            properties: {
              prenomDeLEnfant: { title: 'Prénom', type: 'string', maxLength: 100 },
              nom: { title: 'Nom', type: 'string', maxLength: 100 },
            },
          },
        },
        zz: { title: 'Z', type: 'string', maxLength: 10 },
        aa: { title: 'A', type: 'string', maxLength: 10 },
      },
    },
    uiSchema: { informationsPersonnelles: { prenom: { 'ui:autocomplete': 'given-name' } } },
    pages: [{ title: 'Tout', id: 'tout', fields: ['informationsPersonnelles', 'enfants', 'zz', 'aa'] }],
    settings: { signIn: 'optional' },
  } as unknown as ServiceDefinition;
}

const props = (node: unknown): string[] => Object.keys((node as { properties: object }).properties);
const group = (def: ServiceDefinition) =>
  (def.schema.properties as Record<string, unknown>).informationsPersonnelles as object;
const item = (def: ServiceDefinition) =>
  ((def.schema.properties as Record<string, { items: object }>).enfants as { items: object }).items;

/** The studio's edits change what the designer asked for, and leave every other key where it was written. */
describe('studio edits keep the authored key order', () => {
  it('changing a field’s title or help leaves every key in place', () => {
    const before = authored();
    const after = updateField(before, ['informationsPersonnelles', 'prenom'], (node, ui) => {
      node.title = 'Prénom(s)';
      ui['ui:help'] = 'Tous vos prénoms.';
    });
    // Only the new help key is added, at the end of its own uiSchema entry.
    expect(keyPaths(after)).toEqual(
      keyPaths(before).flatMap((p) =>
        p === '/uiSchema/informationsPersonnelles/prenom/ui:autocomplete' ? [p, `${p.slice(0, -16)}/ui:help`] : [p],
      ),
    );
  });

  it('making a field required changes its group’s required list only', () => {
    const before = authored();
    const after = setRequired(before, ['informationsPersonnelles', 'nom'], true);
    expectKeptInOrder(after, before);
    expect(keyPaths(after.schema)).toEqual(keyPaths(before.schema));
    expect((group(after) as { required: string[] }).required).toEqual(['nomDeNaissance', 'nom']);
  });

  it('moving a field inside a group moves it and nothing else', () => {
    const after = moveField(authored(), 'tout', ['informationsPersonnelles', 'nom'], -1);
    expect(props(group(after))).toEqual(['nomDeNaissance', 'nom', 'prenom']);
    expect(props(item(after))).toEqual(['prenomDeLEnfant', 'nom']);
    expect(props(after.schema)).toEqual(['informationsPersonnelles', 'enfants', 'zz', 'aa']);
    expect(keyPaths(after.uiSchema)).toEqual(keyPaths(authored().uiSchema));
    const down = moveField(authored(), 'tout', ['enfants', 'prenomDeLEnfant'], 1);
    expect(props(item(down))).toEqual(['nom', 'prenomDeLEnfant']);
    expect(props(group(down))).toEqual(['nomDeNaissance', 'prenom', 'nom']);
  });

  it('moving a top-level field changes its page’s order, and leaves the schema as written', () => {
    const before = authored();
    const after = moveField(before, 'tout', ['aa'], -1);
    expect(after.pages[0]!.fields).toEqual(['informationsPersonnelles', 'enfants', 'aa', 'zz']);
    expect(keyPaths(after.schema)).toEqual(keyPaths(before.schema));
  });

  it('adding a field puts it last; removing one leaves the others in order', () => {
    const added = addField(authored(), 'tout', ['informationsPersonnelles'], 'text', 'Deuxième prénom');
    expect(props(group(added.def))).toEqual(['nomDeNaissance', 'prenom', 'nom', added.key]);
    expectKeptInOrder(added.def, authored());
    const removed = removeField(authored(), ['informationsPersonnelles', 'prenom']);
    expect(props(group(removed))).toEqual(['nomDeNaissance', 'nom']);
    expect(props(removed.schema)).toEqual(['informationsPersonnelles', 'enfants', 'zz', 'aa']);
  });

  it('an edit’s result saves to the same text it would read back', () => {
    const after = updateField(authored(), ['zz'], (node) => {
      node.maxLength = 20;
    });
    expect(JSON.stringify(JSON.parse(JSON.stringify(after)))).toBe(JSON.stringify(after));
    expectKeptInOrder(after, authored());
    expect(keyPaths(after.schema)).toEqual(keyPaths(authored().schema));
  });
});

describe('problems in the designer’s words, at their control', () => {
  const words = jest.requireActual<{
    problemControl(pointer: string | undefined): 'options' | 'label' | null;
    studioProblem(p: { pointer?: string; code: string; message: string }): { message: string };
    inWords(def: ServiceDefinition, p: { pointer?: string; code: string; message: string }): { message: string };
    placeOf(
      def: ServiceDefinition,
      pointer: string | undefined,
    ): { kind: string; path?: string[]; pageId?: string | null };
  }>('./definition');

  it('places a problem of a field declared in a branch on that field, and a root one on no page where it is listed', () => {
    const def = {
      formatVersion: 1,
      schema: {
        type: 'object',
        properties: { motif: { type: 'string', enum: ['a', 'autre'] }, envoi: { type: 'object', oneOf: [] } },
        allOf: [{ if: { properties: { motif: { const: 'autre' } } }, then: { properties: { precision: {} } } }],
      },
      uiSchema: {},
      pages: [
        { id: 'un', title: 'Un', fields: ['motif'] },
        { id: 'deux', title: 'Deux', fields: ['envoi'] },
      ],
      settings: {},
    } as unknown as ServiceDefinition;
    // Drawn after the field it follows in RJSF's order (the `then`'s fields after the group's own): « envoi ».
    expect(words.placeOf(def, '/schema/allOf/0/then/properties/precision/title')).toEqual({
      kind: 'field',
      path: ['precision'],
      pageId: 'deux',
    });
    expect(words.placeOf(def, '/schema/properties/envoi/oneOf/1/properties/siret/title')).toEqual({
      kind: 'field',
      path: ['envoi', 'siret'],
      pageId: 'deux',
    });
  });

  it('sends a problem of the answers to « Réponses proposées », one of the label to « Libellé »', () => {
    expect(words.problemControl('/schema/properties/pick/oneOf')).toBe('options');
    expect(words.problemControl('/schema/properties/pick/oneOf/1/title')).toBe('options');
    expect(words.problemControl('/schema/properties/boxes/items/enum')).toBe('options');
    expect(words.problemControl('/schema/properties/a/properties/b/title')).toBe('label');
    expect(words.problemControl('/schema/properties/a/minLength')).toBeNull();
    expect(words.problemControl('/pages/0/title')).toBeNull();
    expect(words.problemControl(undefined)).toBeNull();
  });

  it('says an emptied list of answers in French, not in JSON Schema', () => {
    const said = words.studioProblem({
      pointer: '/schema/properties/pick/oneOf',
      code: 'schema_invalid',
      message: '« oneOf » attend une liste de schémas.',
    });
    expect(said.message).toBe('Proposez au moins une réponse : une par ligne dans « Réponses proposées ».');
  });

  it('names fields by their labels, not their pointers', () => {
    const def = {
      schema: {
        type: 'object',
        properties: {
          children: {
            type: 'array',
            title: 'Enfants',
            items: {
              type: 'object',
              properties: { days: { type: 'array', title: 'Jours', items: { type: 'string' } } },
            },
          },
        },
      },
      uiSchema: {},
      pages: [],
      settings: {},
    } as unknown as ServiceDefinition;
    const said = words.inWords(def, {
      code: 'rule_unknown_field',
      message: 'Le champ « /children/*/days » est mal placé ; « /nope » aussi.',
    });
    expect(said.message).not.toContain('/children');
    expect(said.message).toContain('Jours');
    // A field the form does not have is named by its key.
    expect(said.message).toContain('« nope »');
  });
});

describe('texts a form writes under ui:options (converters of Form.io and SurveyJS forms)', () => {
  const { labelAt, labelOf, renameField, setUiText, uiTextOf } = jest.requireActual<{
    labelAt(def: ServiceDefinition, path: string[]): string;
    labelOf(node: Node, ui: Node): string;
    renameField(def: ServiceDefinition, path: string[], label: string): ServiceDefinition;
    setUiText(ui: Node, name: 'title' | 'help' | 'placeholder', value: string, onlyIfThere?: boolean): boolean;
    uiTextOf(ui: Node, name: 'title' | 'help' | 'placeholder'): string | undefined;
  }>('./definition');
  const converted = (): ServiceDefinition => ({
    formatVersion: 1,
    schema: {
      type: 'object',
      properties: { textField: { type: 'string', title: 'Text Field' } },
    },
    uiSchema: {
      textField: { 'ui:options': { title: 'Adresse de collecte', help: 'Numéro et rue.', placeholder: '12 rue…' } },
    },
    pages: [{ id: 'p', title: 'Page', fields: ['textField'] }],
    settings: { signIn: 'none' },
  });
  const options = (def: ServiceDefinition) =>
    ((def.uiSchema as Node).textField as Node)['ui:options'] as Record<string, string>;

  it('shows the label, help and placeholder the form shows, not the converter’s default title', () => {
    const def = converted();
    const ui = (def.uiSchema as Node).textField as Node;
    expect(labelAt(def, ['textField'])).toBe('Adresse de collecte');
    expect(labelOf((def.schema.properties as Node).textField as Node, ui)).toBe('Adresse de collecte');
    expect(uiTextOf(ui, 'help')).toBe('Numéro et rue.');
    expect(uiTextOf(ui, 'placeholder')).toBe('12 rue…');
    // `ui:help` comes first, as RJSF's getUiOptions reads it.
    expect(uiTextOf({ ...ui, 'ui:help': 'Propre' }, 'help')).toBe('Propre');
  });

  it('renames the field where the form reads its label, and edits help where it is written', () => {
    const renamed = renameField(converted(), ['textField'], 'Lieu de collecte');
    expect(options(renamed).title).toBe('Lieu de collecte');
    expect(((renamed.schema.properties as Node).textField as Node).title).toBe('Text Field');
    expect(Object.keys((renamed.uiSchema as Node).textField as Node)).toEqual(['ui:options']);
    const ui = structuredClone(converted().uiSchema!.textField) as Node;
    expect(setUiText(ui, 'help', 'Numéro, rue et étage.')).toBe(true);
    expect(ui).toEqual({
      'ui:options': { title: 'Adresse de collecte', help: 'Numéro, rue et étage.', placeholder: '12 rue…' },
    });
    setUiText(ui, 'placeholder', '');
    expect(ui).toEqual({ 'ui:options': { title: 'Adresse de collecte', help: 'Numéro, rue et étage.' } });
    // Nothing written under ui:options: the studio's own `ui:help`, as before.
    const plain: Node = {};
    setUiText(plain, 'help', 'Aide');
    expect(plain).toEqual({ 'ui:help': 'Aide' });
    expect(setUiText({}, 'title', 'x', true)).toBe(false);
  });
});
