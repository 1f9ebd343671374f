/** The palette: the kinds of field the studio adds, how each is built, and how a field's kind is read back. */
import {
  drawnField,
  globalOptionsOf,
  optionsOf,
  widgetOf,
  type IdentityClaim,
  type ServiceDefinition,
} from '@guichet/shared';
import { tr } from '../lib/i18n';
import {
  childKeys,
  isTuple,
  nodeAt,
  obj,
  shapeAt,
  slugFromLabel,
  typeIs,
  uiAt,
  type Node,
  type Path,
} from './definitionPaths';
import { isSiretUi, siretSchema } from './siretField';
import { isRnaUi, rnaSchema } from './rnaField';
import { isQuotientUi, quotientSchema } from './quotientField';

// --- The palette ---------------------------------------------------------------

export type FieldType =
  | 'text'
  | 'textarea'
  | 'integer'
  | 'number'
  | 'date'
  | 'time'
  | 'email'
  | 'phone'
  | 'postalCode'
  | 'commune'
  | 'address'
  | 'banAddress'
  | 'siret'
  | 'company'
  | 'association'
  | 'familyQuotient'
  | 'siren'
  | 'iban'
  | 'nir'
  | 'url'
  | 'yesNo'
  | 'radio'
  | 'select'
  | 'checkboxes'
  | 'file'
  | 'repeat'
  | 'section'
  | 'explanation'
  | 'consent'
  | 'identity';

interface Built {
  schema: Node;
  ui?: Node;
  required?: boolean;
  prefill?: Array<{ claim: IdentityClaim; sub: string }>;
}

export interface PaletteEntry {
  type: FieldType;
  name: () => string;
  /** Only these may go inside a group or a repeatable block. */
  simple: boolean;
  build: (label: string) => Built;
}

// Each entry states only what sets it apart; these builders write the rest, key for key as the definition keeps it.

const entry = (type: FieldType, [fr, en]: [string, string], simple: boolean, build: PaletteEntry['build']) => ({
  type,
  name: () => tr(fr, en),
  simple,
  build,
});
const text = (title: string, extra: Node = {}): Node => ({ type: 'string', title, maxLength: 200, ...extra });
const postalCode = (): Node => ({ type: 'string', title: tr('Code postal', 'Postcode'), format: 'fr-postal-code' });
const options = (labels: string[]): Node[] => labels.map((l) => ({ const: slugFromLabel(l), title: l }));
/** A string in one of the formats the server checks, with the browser's autofill hint when there is one. */
const formatted =
  (format: string, autocomplete?: string, extra: Node = {}) =>
  (title: string): Built => {
    const schema = { type: 'string', title, format, ...extra };
    return autocomplete ? { schema, ui: { 'ui:autocomplete': autocomplete } } : { schema };
  };
const choice = (widget: string, labels: string[]) => (title: string) => ({
  schema: { type: 'string', title, oneOf: options(labels) },
  ui: { 'ui:widget': widget },
});
/** An object of sub-fields (a group of the palette); `required` only when some are. */
const group = (title: string, properties: Node, required?: string[]): Node => ({
  type: 'object',
  title,
  additionalProperties: false,
  ...(required ? { required } : {}),
  properties,
});

export const PALETTE: PaletteEntry[] = [
  entry('text', ['Texte court', 'Short text'], true, (l) => ({ schema: text(l) })),
  entry('textarea', ['Texte long', 'Long text'], true, (l) => ({
    schema: text(l, { maxLength: 5000 }),
    ui: { 'ui:widget': 'textarea' },
  })),
  entry('integer', ['Nombre entier', 'Whole number'], true, (l) => ({ schema: { type: 'integer', title: l } })),
  entry('number', ['Nombre décimal', 'Decimal number'], true, (l) => ({ schema: { type: 'number', title: l } })),
  entry('date', ['Date', 'Date'], true, formatted('date')),
  entry('time', ['Heure', 'Time'], true, formatted('time')),
  entry('email', ['Courriel', 'Email'], true, formatted('email', 'email', { maxLength: 254 })),
  entry('phone', ['Téléphone', 'Phone'], true, formatted('fr-phone', 'tel')),
  entry('postalCode', ['Code postal', 'Postcode'], true, formatted('fr-postal-code', 'postal-code')),
  // Drawn as a search of the official list; the code stays optional so that a commune typed by hand goes through
  // (docs/definition-format.md, « Commune »). Restrict it with ui:options.departements / epci / communes.
  entry(
    'commune',
    ['Commune (recherche dans la liste officielle)', 'Municipality (search of the official list)'],
    false,
    (l) => ({
      schema: group(
        l,
        {
          codeInsee: { type: 'string', title: tr('Code INSEE', 'INSEE code'), format: 'insee-commune-code' },
          nom: text(tr('Commune', 'Municipality'), { maxLength: 100 }),
          codePostal: postalCode(),
        },
        ['nom', 'codePostal'],
      ),
      ui: { 'ui:widget': 'commune' },
    }),
  ),
  entry('address', ['Adresse', 'Address'], false, (l) => ({
    schema: group(
      l,
      {
        voie: text(tr('Numéro et voie', 'Street address')),
        complement: text(tr('Complément d’adresse', 'Address line 2')),
        codePostal: postalCode(),
        commune: text(tr('Commune', 'Town'), { maxLength: 100 }),
      },
      ['voie', 'codePostal', 'commune'],
    ),
    ui: {
      voie: { 'ui:autocomplete': 'address-line1' },
      complement: { 'ui:autocomplete': 'address-line2' },
      codePostal: { 'ui:autocomplete': 'postal-code' },
      commune: { 'ui:autocomplete': 'address-level2' },
    },
  })),
  // Suggestions of API Adresse as the citizen types, typed by hand when none fits or the API does not answer; a
  // chosen address is checked at submit (docs/definition-format.md, « Adresse (Base Adresse Nationale) »).
  entry('banAddress', ['Adresse (Base Adresse Nationale)', 'Address (Base Adresse Nationale)'], false, (l) => ({
    schema: group(
      l,
      {
        label: text(tr('Adresse', 'Address'), { minLength: 3 }),
        numero: text(tr('Numéro', 'Number'), { maxLength: 20 }),
        voie: text(tr('Voie', 'Street')),
        codePostal: postalCode(),
        commune: text(tr('Commune', 'Town'), { maxLength: 100 }),
        codeInsee: text(tr('Code INSEE', 'INSEE code'), { maxLength: 5 }),
        banId: text(tr('Identifiant BAN', 'BAN id'), { maxLength: 100 }),
        lon: { type: 'number', title: tr('Longitude', 'Longitude'), minimum: -180, maximum: 180 },
        lat: { type: 'number', title: tr('Latitude', 'Latitude'), minimum: -90, maximum: 90 },
        provenance: text(tr('Provenance', 'Provenance')),
      },
      ['label'],
    ),
    ui: { 'ui:widget': 'address' },
  })),
  entry('siret', ['Numéro SIRET', 'SIRET number'], true, formatted('siret')),
  // Looked up in the répertoire Sirene once the SIRET is valid; the designer locks values in the panel
  // (docs/definition-format.md, « SIRET »).
  entry(
    'company',
    ['Numéro SIRET (entreprise ou association)', 'SIRET number (company or association)'],
    false,
    (l) => ({
      schema: siretSchema(l),
      ui: { 'ui:widget': 'siret' },
    }),
  ),
  // Looked up in the Répertoire national des associations once the number is well formed; locked values as
  // the SIRET field's (docs/definition-format.md, « Numéro RNA »).
  entry('association', ['Numéro RNA (association)', 'RNA number (association)'], false, (l) => ({
    schema: rnaSchema(l),
    ui: { 'ui:widget': 'rna' },
  })),
  // Obtained from the CAF or the MSA through API Particulier for a citizen signed in with FranceConnect who consents,
  // typed otherwise; quotient and month locked by default (docs/definition-format.md, « Quotient familial »).
  entry('familyQuotient', ['Quotient familial (CAF/MSA)', 'Family quotient (CAF/MSA)'], false, (l) => ({
    schema: quotientSchema(l),
    ui: { 'ui:widget': 'quotient-familial', 'ui:options': { locked: ['quotient', 'periode', 'regime'] } },
  })),
  entry('siren', ['Numéro SIREN', 'SIREN number'], true, formatted('siren')),
  entry('iban', ['IBAN', 'IBAN'], true, formatted('iban')),
  entry('nir', ['Numéro de sécurité sociale', 'Social security number'], true, formatted('nir')),
  entry('url', ['Adresse de site web', 'Web address'], true, formatted('uri', 'url', { maxLength: 2000 })),
  entry('yesNo', ['Oui / non', 'Yes / no'], true, (l) => ({
    schema: { type: 'boolean', title: l },
    ui: { 'ui:widget': 'radio' },
  })),
  entry(
    'radio',
    ['Choix unique (boutons)', 'Single choice (buttons)'],
    true,
    choice('radio', ['Option 1', 'Option 2']),
  ),
  entry(
    'select',
    ['Choix unique (liste déroulante)', 'Single choice (drop-down list)'],
    true,
    choice('select', ['Option 1', 'Option 2', 'Option 3']),
  ),
  entry('checkboxes', ['Choix multiples (cases à cocher)', 'Multiple choice (checkboxes)'], true, (l) => ({
    schema: { type: 'array', title: l, uniqueItems: true, items: { type: 'string', enum: ['option-1', 'option-2'] } },
    ui: { 'ui:widget': 'checkboxes', items: { 'ui:enumNames': ['Option 1', 'Option 2'] } },
  })),
  entry('file', ['Fichier à joindre', 'File'], true, (l) => ({
    schema: {
      type: 'string',
      title: l,
      'x-file': { accept: ['application/pdf', 'image/*'], maxBytes: 5 * 1024 * 1024 },
    },
  })),
  entry('repeat', ['Bloc répétable', 'Repeatable block'], false, (l) => ({
    schema: { type: 'array', title: l, minItems: 1, maxItems: 5, items: group(tr('Élément', 'Item'), {}) },
  })),
  entry('section', ['Titre de section', 'Section heading'], false, (l) => ({ schema: group(l, {}) })),
  entry('explanation', ['Texte explicatif', 'Explanatory text'], false, (l) => ({
    schema: {
      type: 'object',
      title: l,
      description: tr('Votre texte ici.', 'Your text here.'),
      additionalProperties: false,
      properties: {},
    },
  })),
  entry('consent', ['Case de consentement', 'Consent box'], true, (l) => ({
    schema: { type: 'boolean', title: l, const: true },
    required: true,
  })),
  entry('identity', ['Bloc identité (FranceConnect)', 'Identity block (FranceConnect)'], false, (l) => ({
    schema: group(
      l,
      {
        prenoms: text(tr('Prénoms', 'Given names'), { maxLength: 100 }),
        nom: text(tr('Nom de naissance', 'Family name'), { maxLength: 100 }),
        dateNaissance: { type: 'string', title: tr('Date de naissance', 'Date of birth'), format: 'date' },
      },
      ['prenoms', 'nom', 'dateNaissance'],
    ),
    prefill: [
      { claim: 'given_name', sub: 'prenoms' },
      { claim: 'family_name', sub: 'nom' },
      { claim: 'birthdate', sub: 'dateNaissance' },
    ],
  })),
];

/** What a field is, for the properties panel (the reverse of the palette). */
/**
 * A group: an object, or a schema without a `type` made of fields or of `allOf` parts (OpenAPI's inheritance), drawn
 * as the type its parts say.
 */
const isGroup = (node: Node) =>
  typeIs(node, 'object') ||
  (node.type === undefined &&
    (typeof node.properties === 'object' ||
      Array.isArray(node.allOf) ||
      [node.oneOf, node.anyOf].some((list) => Array.isArray(list) && list.some(isGroupBranch))));

/** A choice between schemas whose branches are not values (`const`): groups kept in `$defs`, most often. */
const isChoiceOfSchemas = (node: Node) =>
  node.type === undefined &&
  [node.oneOf, node.anyOf].some(
    (list) =>
      Array.isArray(list) &&
      list.length > 0 &&
      list.every((b) => b !== null && typeof b === 'object' && !('const' in b) && !('enum' in b)) &&
      list.some((b) => isGroupBranch(b) || typeof (b as Node).$ref === 'string'),
  );

/** A branch of a choice between groups (not between values: `const`, or a scalar type). */
const isGroupBranch = (branch: unknown) =>
  branch !== null &&
  typeof branch === 'object' &&
  (typeIs(branch as Node, 'object') || typeof (branch as Node).properties === 'object');

/** Whether a group declares fields elsewhere than in its own `properties` (branches, parts, conditions). */
const declaresElsewhere = (node: Node) =>
  ['allOf', 'oneOf', 'anyOf', 'then', 'else', 'dependentSchemas', 'dependencies'].some((k) => node[k] !== undefined);

/** A list whose items are fields, each place or item answered in turn: a tuple, a list of groups or of tuples. */
const isListOfFields = (node: Node) => {
  if (!typeIs(node, 'array')) return false;
  const items = obj(node.items);
  return isTuple(node) || isGroup(items) || isTuple(items) || isChoiceOfSchemas(items);
};

/** A choice without answers (`oneOf: []`, `enum: []`): the designer emptied « Réponses proposées ». */
const emptiedChoice = (node: Node) =>
  (Array.isArray(node.oneOf) && node.oneOf.length === 0) || (Array.isArray(node.enum) && node.enum.length === 0);

/** Formats the palette names, for a single line of text. */
const BY_FORMAT: Readonly<Record<string, FieldType>> = {
  date: 'date',
  time: 'time',
  email: 'email',
  'fr-phone': 'phone',
  'fr-postal-code': 'postalCode',
  siret: 'siret',
  siren: 'siren',
  iban: 'iban',
  nir: 'nir',
  uri: 'url',
};

/** A group drawn by the form (`object`): one of the palette's lookup blocks by its widget, a text, or a section. */
function groupType(node: Node, ui: Node): FieldType {
  const group = typeIs(node, 'object');
  if (group && ui['ui:widget'] === 'commune') return 'commune';
  if (group && ui['ui:widget'] === 'address') return 'banAddress';
  if (group && isSiretUi(ui)) return 'company';
  if (group && isRnaUi(ui)) return 'association';
  if (group && isQuotientUi(ui)) return 'familyQuotient';
  const empty = Object.keys(obj(node.properties)).length === 0 && !declaresElsewhere(node);
  return group && empty && typeof node.description === 'string' ? 'explanation' : 'section';
}

/**
 * What a field is, named as the form draws it: the shared field model's own choice of widget (`drawnField`, which
 * reads `["integer", "null"]`, Pydantic's `Optional[X]`, a choice of `const`s under `anyOf`, `format: "data-url"` and
 * a choice of schemas as the citizen's form does), then, within that kind, the palette's closer name (a date, a
 * consent box, a lookup block). `root` is the definition's schema, where a `$ref` in the field or its branches
 * points; `global` the root uiSchema's `ui:globalOptions`. Call sites with a definition use fieldTypeAt.
 */
export function typeOf(node: Node, ui: Node, root: Node = node, global: Node = {}): FieldType {
  const { kind, schema } = drawnField(root, node, ui, global);
  // Answers all cleared in the panel: nothing for the form to offer (publishing says so), still a choice to fill again.
  if (kind === 'text' && emptiedChoice(schema)) return widgetOf(ui, global) === 'select' ? 'select' : 'radio';
  if (kind === 'array' && emptiedChoice(obj(schema.items))) return 'checkboxes';
  switch (kind) {
    case 'object':
      return groupType(schema, ui);
    // A choice of branch, then the branch's fields: a section whose fields depend on the branch, as the inline
    // branches of a group always were here.
    case 'alternatives':
      return 'section';
    case 'array':
      return 'repeat';
    case 'checkboxes':
      return 'checkboxes';
    case 'file':
    case 'files':
      return 'file';
    case 'boolean':
      return schema.const === true ? 'consent' : 'yesNo';
    // A yes/no drawn as two buttons (`"ui:widget": "radio"` on a boolean) is the palette's « Oui / non ».
    case 'radio':
      return optionsOf(schema, ui).length === 0 ? 'yesNo' : 'radio';
    case 'select':
      return 'select';
    case 'integer':
    case 'number':
    case 'textarea':
      return kind;
    // Nothing to answer, its title and description only.
    case 'null':
      return 'explanation';
    default:
      return typeof schema.format === 'string' ? (BY_FORMAT[schema.format] ?? 'text') : 'text';
  }
}

/** What the field at `path` is, named as the form draws it (typeOf, `$ref`s followed from the definition's root). */
export function fieldTypeAt(def: ServiceDefinition, path: Path): FieldType {
  return typeOf(nodeAt(def, path), uiAt(def, path), def.schema as Node, globalOptionsOf(def.uiSchema));
}

/** Whether the properties of `path` list fields inside it (« Champs de ce bloc »): a group, a list, a tuple. */
export function holdsFields(def: ServiceDefinition, path: Path): boolean {
  // By the schema's shape, not by the name typeOf gives: a list of texts is drawn as a repeatable list, but its items
  // are answers, not fields to open.
  const node = shapeAt(def, path);
  const list = isListOfFields(node);
  // A choice between groups kept in `$defs` (Pydantic's `Union[A, B]`, `Optional[Model]`): their fields are its own.
  const choiceOfGroups = node.type === undefined && !list && childKeys(def, path).length > 0;
  // A group without fields and with a text is an explanation (the palette's), not a container.
  const explanation =
    typeIs(node, 'object') &&
    Object.keys(obj(node.properties)).length === 0 &&
    !declaresElsewhere(node) &&
    typeof node.description === 'string';
  return (isGroup(node) || list || choiceOfGroups) && !explanation;
}

export function typeName(type: FieldType): string {
  return PALETTE.find((p) => p.type === type)?.name() ?? type;
}
