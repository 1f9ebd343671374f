/** The palette: the kinds of field the studio adds, how each is built, and how a field's kind is read back. */
import type { IdentityClaim } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { obj, slugFromLabel, type Node } from './definitionPaths';
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

const text = (title: string, extra: Node = {}): Node => ({ type: 'string', title, maxLength: 200, ...extra });
const options = (labels: string[]): Node[] => labels.map((l) => ({ const: slugFromLabel(l), title: l }));

export interface PaletteEntry {
  type: FieldType;
  name: () => string;
  /** Only these may go inside a group or a repeatable block. */
  simple: boolean;
  build: (label: string) => Built;
}

export const PALETTE: PaletteEntry[] = [
  { type: 'text', name: () => tr('Texte court', 'Short text'), simple: true, build: (l) => ({ schema: text(l) }) },
  {
    type: 'textarea',
    name: () => tr('Texte long', 'Long text'),
    simple: true,
    build: (l) => ({ schema: text(l, { maxLength: 5000 }), ui: { 'ui:widget': 'textarea' } }),
  },
  {
    type: 'integer',
    name: () => tr('Nombre entier', 'Whole number'),
    simple: true,
    build: (l) => ({ schema: { type: 'integer', title: l } }),
  },
  {
    type: 'number',
    name: () => tr('Nombre décimal', 'Decimal number'),
    simple: true,
    build: (l) => ({ schema: { type: 'number', title: l } }),
  },
  {
    type: 'date',
    name: () => tr('Date', 'Date'),
    simple: true,
    build: (l) => ({ schema: { type: 'string', title: l, format: 'date' } }),
  },
  {
    type: 'time',
    name: () => tr('Heure', 'Time'),
    simple: true,
    build: (l) => ({ schema: { type: 'string', title: l, format: 'time' } }),
  },
  {
    type: 'email',
    name: () => tr('Courriel', 'Email'),
    simple: true,
    build: (l) => ({
      schema: { type: 'string', title: l, format: 'email', maxLength: 254 },
      ui: { 'ui:autocomplete': 'email' },
    }),
  },
  {
    type: 'phone',
    name: () => tr('Téléphone', 'Phone'),
    simple: true,
    build: (l) => ({ schema: { type: 'string', title: l, format: 'fr-phone' }, ui: { 'ui:autocomplete': 'tel' } }),
  },
  {
    type: 'postalCode',
    name: () => tr('Code postal', 'Postcode'),
    simple: true,
    build: (l) => ({
      schema: { type: 'string', title: l, format: 'fr-postal-code' },
      ui: { 'ui:autocomplete': 'postal-code' },
    }),
  },
  {
    type: 'commune',
    name: () => tr('Commune (recherche dans la liste officielle)', 'Municipality (search of the official list)'),
    simple: false,
    // Drawn as a search of the official list; the code stays optional so that a commune typed by hand goes through
    // (docs/definition-format.md, « Commune »). Restrict it with ui:options.departements / epci / communes.
    build: (l) => ({
      schema: {
        type: 'object',
        title: l,
        additionalProperties: false,
        required: ['nom', 'codePostal'],
        properties: {
          codeInsee: { type: 'string', title: tr('Code INSEE', 'INSEE code'), format: 'insee-commune-code' },
          nom: text(tr('Commune', 'Municipality'), { maxLength: 100 }),
          codePostal: { type: 'string', title: tr('Code postal', 'Postcode'), format: 'fr-postal-code' },
        },
      },
      ui: { 'ui:widget': 'commune' },
    }),
  },
  {
    type: 'address',
    name: () => tr('Adresse', 'Address'),
    simple: false,
    build: (l) => ({
      schema: {
        type: 'object',
        title: l,
        additionalProperties: false,
        required: ['voie', 'codePostal', 'commune'],
        properties: {
          voie: text(tr('Numéro et voie', 'Street address')),
          complement: text(tr('Complément d’adresse', 'Address line 2')),
          codePostal: { type: 'string', title: tr('Code postal', 'Postcode'), format: 'fr-postal-code' },
          commune: text(tr('Commune', 'Town'), { maxLength: 100 }),
        },
      },
      ui: {
        voie: { 'ui:autocomplete': 'address-line1' },
        complement: { 'ui:autocomplete': 'address-line2' },
        codePostal: { 'ui:autocomplete': 'postal-code' },
        commune: { 'ui:autocomplete': 'address-level2' },
      },
    }),
  },
  {
    type: 'banAddress',
    name: () => tr('Adresse (Base Adresse Nationale)', 'Address (Base Adresse Nationale)'),
    simple: false,
    // Suggestions of API Adresse as the citizen types, typed by hand when none fits or the API does not answer; a
    // chosen address is checked at submit (docs/definition-format.md, « Adresse (Base Adresse Nationale) »).
    build: (l) => ({
      schema: {
        type: 'object',
        title: l,
        additionalProperties: false,
        required: ['label'],
        properties: {
          label: text(tr('Adresse', 'Address'), { minLength: 3 }),
          numero: text(tr('Numéro', 'Number'), { maxLength: 20 }),
          voie: text(tr('Voie', 'Street')),
          codePostal: { type: 'string', title: tr('Code postal', 'Postcode'), format: 'fr-postal-code' },
          commune: text(tr('Commune', 'Town'), { maxLength: 100 }),
          codeInsee: text(tr('Code INSEE', 'INSEE code'), { maxLength: 5 }),
          banId: text(tr('Identifiant BAN', 'BAN id'), { maxLength: 100 }),
          lon: { type: 'number', title: tr('Longitude', 'Longitude'), minimum: -180, maximum: 180 },
          lat: { type: 'number', title: tr('Latitude', 'Latitude'), minimum: -90, maximum: 90 },
          provenance: text(tr('Provenance', 'Provenance')),
        },
      },
      ui: { 'ui:widget': 'address' },
    }),
  },
  {
    type: 'siret',
    name: () => tr('Numéro SIRET', 'SIRET number'),
    simple: true,
    build: (l) => ({ schema: { type: 'string', title: l, format: 'siret' } }),
  },
  {
    type: 'company',
    name: () => tr('Numéro SIRET (entreprise ou association)', 'SIRET number (company or association)'),
    simple: false,
    // Looked up in the répertoire Sirene once the SIRET is valid; the designer locks values in the panel
    // (docs/definition-format.md, « SIRET »).
    build: (l) => ({ schema: siretSchema(l), ui: { 'ui:widget': 'siret' } }),
  },
  {
    type: 'association',
    name: () => tr('Numéro RNA (association)', 'RNA number (association)'),
    simple: false,
    // Looked up in the Répertoire national des associations once the number is well formed; locked values as
    // the SIRET field's (docs/definition-format.md, « Numéro RNA »).
    build: (l) => ({ schema: rnaSchema(l), ui: { 'ui:widget': 'rna' } }),
  },
  {
    type: 'familyQuotient',
    name: () => tr('Quotient familial (CAF/MSA)', 'Family quotient (CAF/MSA)'),
    simple: false,
    // Obtained from the CAF or the MSA through API Particulier for a citizen signed in with FranceConnect who consents,
    // typed otherwise; quotient and month locked by default (docs/definition-format.md, « Quotient familial »).
    build: (l) => ({
      schema: quotientSchema(l),
      ui: { 'ui:widget': 'quotient-familial', 'ui:options': { locked: ['quotient', 'periode', 'regime'] } },
    }),
  },
  {
    type: 'siren',
    name: () => tr('Numéro SIREN', 'SIREN number'),
    simple: true,
    build: (l) => ({ schema: { type: 'string', title: l, format: 'siren' } }),
  },
  {
    type: 'iban',
    name: () => tr('IBAN', 'IBAN'),
    simple: true,
    build: (l) => ({ schema: { type: 'string', title: l, format: 'iban' } }),
  },
  {
    type: 'nir',
    name: () => tr('Numéro de sécurité sociale', 'Social security number'),
    simple: true,
    build: (l) => ({ schema: { type: 'string', title: l, format: 'nir' } }),
  },
  {
    type: 'url',
    name: () => tr('Adresse de site web', 'Web address'),
    simple: true,
    build: (l) => ({
      schema: { type: 'string', title: l, format: 'uri', maxLength: 2000 },
      ui: { 'ui:autocomplete': 'url' },
    }),
  },
  {
    type: 'yesNo',
    name: () => tr('Oui / non', 'Yes / no'),
    simple: true,
    build: (l) => ({ schema: { type: 'boolean', title: l }, ui: { 'ui:widget': 'radio' } }),
  },
  {
    type: 'radio',
    name: () => tr('Choix unique (boutons)', 'Single choice (buttons)'),
    simple: true,
    build: (l) => ({
      schema: { type: 'string', title: l, oneOf: options(['Option 1', 'Option 2']) },
      ui: { 'ui:widget': 'radio' },
    }),
  },
  {
    type: 'select',
    name: () => tr('Choix unique (liste déroulante)', 'Single choice (drop-down list)'),
    simple: true,
    build: (l) => ({
      schema: { type: 'string', title: l, oneOf: options(['Option 1', 'Option 2', 'Option 3']) },
      ui: { 'ui:widget': 'select' },
    }),
  },
  {
    type: 'checkboxes',
    name: () => tr('Choix multiples (cases à cocher)', 'Multiple choice (checkboxes)'),
    simple: true,
    build: (l) => ({
      schema: { type: 'array', title: l, uniqueItems: true, items: { type: 'string', enum: ['option-1', 'option-2'] } },
      ui: { 'ui:widget': 'checkboxes', items: { 'ui:enumNames': ['Option 1', 'Option 2'] } },
    }),
  },
  {
    type: 'file',
    name: () => tr('Fichier à joindre', 'File'),
    simple: true,
    build: (l) => ({
      schema: {
        type: 'string',
        title: l,
        'x-file': { accept: ['application/pdf', 'image/*'], maxBytes: 5 * 1024 * 1024 },
      },
    }),
  },
  {
    type: 'repeat',
    name: () => tr('Bloc répétable', 'Repeatable block'),
    simple: false,
    build: (l) => ({
      schema: {
        type: 'array',
        title: l,
        minItems: 1,
        maxItems: 5,
        items: { type: 'object', title: tr('Élément', 'Item'), additionalProperties: false, properties: {} },
      },
    }),
  },
  {
    type: 'section',
    name: () => tr('Titre de section', 'Section heading'),
    simple: false,
    build: (l) => ({ schema: { type: 'object', title: l, additionalProperties: false, properties: {} } }),
  },
  {
    type: 'explanation',
    name: () => tr('Texte explicatif', 'Explanatory text'),
    simple: false,
    build: (l) => ({
      schema: {
        type: 'object',
        title: l,
        description: tr('Votre texte ici.', 'Your text here.'),
        additionalProperties: false,
        properties: {},
      },
    }),
  },
  {
    type: 'consent',
    name: () => tr('Case de consentement', 'Consent box'),
    simple: true,
    build: (l) => ({ schema: { type: 'boolean', title: l, const: true }, required: true }),
  },
  {
    type: 'identity',
    name: () => tr('Bloc identité (FranceConnect)', 'Identity block (FranceConnect)'),
    simple: false,
    build: (l) => ({
      schema: {
        type: 'object',
        title: l,
        additionalProperties: false,
        required: ['prenoms', 'nom', 'dateNaissance'],
        properties: {
          prenoms: text(tr('Prénoms', 'Given names'), { maxLength: 100 }),
          nom: text(tr('Nom de naissance', 'Family name'), { maxLength: 100 }),
          dateNaissance: { type: 'string', title: tr('Date de naissance', 'Date of birth'), format: 'date' },
        },
      },
      prefill: [
        { claim: 'given_name', sub: 'prenoms' },
        { claim: 'family_name', sub: 'nom' },
        { claim: 'birthdate', sub: 'dateNaissance' },
      ],
    }),
  },
];

/** What a field is, for the properties panel (the reverse of the palette). */
export function typeOf(node: Node, ui: Node): FieldType {
  const format = node.format;
  if (node.type === 'array') {
    const items = obj(node.items);
    if (items.type === 'object') return 'repeat';
    return 'checkboxes';
  }
  if (node.type === 'object' && ui['ui:widget'] === 'commune') return 'commune';
  if (node.type === 'object' && ui['ui:widget'] === 'address') return 'banAddress';
  if (node.type === 'object' && isSiretUi(ui)) return 'company';
  if (node.type === 'object' && isRnaUi(ui)) return 'association';
  if (node.type === 'object' && isQuotientUi(ui)) return 'familyQuotient';
  if (node.type === 'object') {
    const keys = Object.keys(obj(node.properties));
    if (keys.length === 0) return typeof node.description === 'string' ? 'explanation' : 'section';
    return 'section';
  }
  if (node.type === 'boolean') return node.const === true ? 'consent' : 'yesNo';
  if (node.type === 'integer') return 'integer';
  if (node.type === 'number') return 'number';
  if (node['x-file'] !== undefined) return 'file';
  if (Array.isArray(node.oneOf) || Array.isArray(node.enum)) return ui['ui:widget'] === 'select' ? 'select' : 'radio';
  if (ui['ui:widget'] === 'textarea') return 'textarea';
  const byFormat: Record<string, FieldType> = {
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
  return typeof format === 'string' ? (byFormat[format] ?? 'text') : 'text';
}

export function typeName(type: FieldType): string {
  return PALETTE.find((p) => p.type === type)?.name() ?? type;
}
