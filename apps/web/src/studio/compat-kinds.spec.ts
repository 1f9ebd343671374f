/**
 * The studio names each field's kind as the citizen's form draws it. For every field the studio lists in every form
 * of the compatibility corpus (test/fixtures/compat, forms written by others, as the import stores them), the
 * studio's type (« — Texte court », and the controls FieldPanel offers) must be one the form's kind allows: the kind
 * the shared field model decides (`fieldModel(...).kind`, what the form draws) after `$ref`s, Pydantic's
 * `Optional[X]` and lists of types like `["integer", "null"]`.
 */
import { fieldModel, globalOptionsOf, type Kind } from '@guichet/shared';
import { importCompatForm, loadCorpus } from '../../../../test/support/compat-imported';
import { studioFields } from '../../../../test/support/studio-fields';
import {
  fieldTypeAt,
  isRequiredAt,
  nodeAt,
  optionsEditable,
  pointerOf,
  uiAt,
  type FieldType,
  type Node,
} from './definition';

/** The studio's types for a single line of text: the palette's formatted texts are drawn as text inputs. */
const TEXTS: FieldType[] = [
  'text',
  'date',
  'time',
  'email',
  'phone',
  'postalCode',
  'siret',
  'siren',
  'iban',
  'nir',
  'url',
];

/** For each kind the form draws, the studio types that name it. */
const ALLOWED: Record<Kind, FieldType[]> = {
  text: TEXTS,
  textarea: ['textarea'],
  integer: ['integer'],
  number: ['number'],
  select: ['select'],
  // A yes/no drawn as two buttons (`"ui:widget": "radio"` on a boolean) is the palette's « Oui / non ».
  radio: ['radio', 'yesNo'],
  checkboxes: ['checkboxes'],
  boolean: ['yesNo', 'consent'],
  file: ['file'],
  files: ['file'],
  object: [
    'section',
    'explanation',
    'commune',
    'address',
    'banAddress',
    'company',
    'association',
    'familyQuotient',
    'identity',
  ],
  array: ['repeat'],
  // A choice of branch, then the branch's fields: a section whose fields depend on the branch.
  alternatives: ['section'],
  // Nothing to answer: a title and a text.
  null: ['explanation'],
  // The form cannot draw it (zod's `never`, `{ "not": {} }`); the studio has no name for that, and edits it as text
  // (the JSON tab says the rest).
  unsupported: ['text'],
};

/** The import refuses these forms (compat-edits.spec.ts): the studio never opens them. */
const REFUSED = ['enum-objects', 'pydantic-aide-decimal', 'situation-famille-recursive'];

/** Counted on this corpus: a studio that stops listing fields, or a corpus that loses forms, shows here. */
const FIELDS = 1_137;

describe('the studio names each field as the form draws it', () => {
  const corpus = loadCorpus().filter((form) => !REFUSED.includes(form.name));
  let checked = 0;

  it.each(corpus.map((form) => [form.name, form] as const))('%s', (_name, form) => {
    const imported = importCompatForm(form);
    if (!('definition' in imported)) throw new Error(`import refusé : ${JSON.stringify(imported.refused)}`);
    const def = imported.definition;
    const global = globalOptionsOf(def.uiSchema);
    const faults: string[] = [];
    for (const path of studioFields(def)) {
      const pointer = pointerOf(def, path);
      const { kind } = fieldModel(
        def.schema as Node,
        nodeAt(def, path),
        uiAt(def, path),
        pointer,
        path.at(-1)!,
        isRequiredAt(def, path),
        [],
        global,
      );
      const type = fieldTypeAt(def, path);
      if (!ALLOWED[kind].includes(type))
        faults.push(`/${path.join('/')}: the form draws ${kind}, the studio says ${type}`);
      checked++;
    }
    expect(faults).toEqual([]);
  });

  it('checked every field the studio lists', () => {
    expect(checked).toBeGreaterThanOrEqual(FIELDS);
  });
});

describe('each kind the form draws, named by the studio', () => {
  const at = (schema: Node, ui: Node = {}) => {
    const def = {
      schema: { type: 'object', properties: { champ: schema }, $defs: { Groupe: { type: 'object', properties: {} } } },
      uiSchema: { champ: ui },
      pages: [{ id: 'p', title: 'P', fields: ['champ'] }],
    } as unknown as Parameters<typeof fieldTypeAt>[0];
    return fieldTypeAt(def, ['champ']);
  };

  it.each<[string, Node, FieldType]>([
    ['a list of types with null', { type: ['integer', 'null'] }, 'integer'],
    ['a yes/no that may be null', { type: ['boolean', 'null'] }, 'yesNo'],
    ['Pydantic’s Optional[int]', { anyOf: [{ type: 'integer' }, { type: 'null' }], default: null }, 'integer'],
    ['Pydantic’s Optional[date]', { anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }] }, 'date'],
    ['Pydantic’s Optional[Model]', { anyOf: [{ $ref: '#/$defs/Groupe' }, { type: 'null' }] }, 'section'],
    ['an anyOf of consts', { type: 'string', anyOf: [{ const: 'a' }, { const: 'b' }] }, 'radio'],
    ['a data-url string', { type: 'string', format: 'data-url' }, 'file'],
    ['a list of data-url strings', { type: 'array', items: { type: 'string', format: 'data-url' } }, 'file'],
    ['a list of texts', { type: 'array', items: { type: 'string' } }, 'repeat'],
    ['a choice of $ref’d groups', { oneOf: [{ $ref: '#/$defs/Groupe' }, { $ref: '#/$defs/Groupe' }] }, 'section'],
    ['a notice', { type: 'null', title: 'À savoir', description: 'Texte.' }, 'explanation'],
    ['an integer enum', { type: 'integer', enum: [1, 2, 3] }, 'radio'],
    ['seven options without a widget', { type: 'string', enum: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }, 'select'],
    // The form draws a text; publishing says the choice has no answer; the designer fills it again in the panel.
    ['a choice whose answers were all cleared', { type: 'string', oneOf: [] }, 'radio'],
    [
      'a multiple choice whose answers were all cleared',
      { type: 'array', items: { type: 'string', enum: [] } },
      'checkboxes',
    ],
  ])('%s', (_what, schema, type) => {
    expect(at(schema)).toBe(type);
  });
});

describe('the answers offered are edited only where setOptions writes them', () => {
  it.each<[string, Node, boolean]>([
    ['a oneOf of text consts', { type: 'string', oneOf: [{ const: 'a', title: 'A' }] }, true],
    ['a text enum', { type: 'string', enum: ['a', 'b'] }, true],
    ['a choice whose answers were all cleared', { type: 'string', oneOf: [] }, true],
    ['a oneOf with a schema among the consts', { type: 'string', oneOf: [{ const: 'a' }, { pattern: 'x' }] }, false],
    ['a multiple choice of texts', { type: 'array', uniqueItems: true, items: { type: 'string', enum: ['a'] } }, true],
    ['an integer enum (texts would be written)', { type: 'integer', enum: [1, 2] }, false],
    ['a choice with null', { type: ['string', 'null'], enum: ['a', null] }, false],
    ['an anyOf of consts (oneOf would be added)', { type: 'string', anyOf: [{ const: 'a' }, { const: 'b' }] }, false],
    ['a choice of $ref’d groups', { oneOf: [{ $ref: '#/$defs/A' }, { $ref: '#/$defs/B' }] }, false],
    ['items kept in $defs', { type: 'array', uniqueItems: true, items: { $ref: '#/$defs/Choix' } }, false],
    ['a list of files', { type: 'array', items: { type: 'string', format: 'data-url' } }, false],
  ])('%s: %s', (_what, own, editable) => {
    expect(optionsEditable(own)).toBe(editable);
  });
});
