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
import { fieldTypeAt, isRequiredAt, nodeAt, pointerOf, uiAt, type FieldType, type Node } from './definition';

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
