/**
 * Edits of a service definition, as pure functions: each takes a definition
 * and returns a new one (the editor keeps the old ones for undo). A field is
 * named by its path of property keys from the top (`['enfants', 'prenom']`);
 * repeatable blocks step through `items` without a segment of their own.
 */
import {
  decodePointerSegment,
  encodePointerSegment,
  fieldModel,
  foldToAscii,
  labelOf,
  optionsOf,
  plainText,
  slugify,
  type ErrorItem,
  type Expr,
  type FieldModel,
  type IdentityClaim,
  type PrefillMapping,
  type ServiceDefinition,
} from '@guichet/shared';
import { tr } from '../lib/i18n';

export type Node = Record<string, unknown>;
export type Path = string[];

const obj = (v: unknown): Node => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : {});

export function clone(def: ServiceDefinition): ServiceDefinition {
  return structuredClone(def);
}

/** `Vous avez des enfants ?` → `vousAvezDesEnfants` (ASCII, camelCase, at most 40 characters). */
export function keyFromLabel(label: string): string {
  const words = foldToAscii(label)
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const key = words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
  const safe = /^[a-z]/.test(key) ? key : `champ${key[0]?.toUpperCase() ?? ''}${key.slice(1)}`;
  return safe.slice(0, 40) || 'champ';
}

/** `Vos enfants` → `vos-enfants` (the pattern of page ids and service slugs). */
export function slugFromLabel(label: string): string {
  return slugify(label, { maxLength: 60, fallback: 'etape' });
}

function unique(base: string, taken: (candidate: string) => boolean, sep = ''): string {
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}${sep}${n}`)) return `${base}${sep}${n}`;
}

// --- Navigation in the schema and uiSchema ------------------------------------

/** The object schema whose `properties` hold the children of `path` (the root for `[]`). */
export function containerOf(def: ServiceDefinition, path: Path): Node {
  if (path.length === 0) return def.schema;
  const node = nodeAt(def, path);
  return node.type === 'array' ? obj(node.items) : node;
}

export function nodeAt(def: ServiceDefinition, path: Path): Node {
  let container: Node = def.schema;
  let node: Node = {};
  for (const key of path) {
    node = obj(obj(container.properties)[key]);
    container = node.type === 'array' ? obj(node.items) : node;
  }
  return node;
}

/** The uiSchema entry of `path`, created when `create` is set (the definition must be a fresh clone). */
export function uiAt(def: ServiceDefinition, path: Path, create = false): Node {
  if (create && !def.uiSchema) def.uiSchema = {};
  let ui = obj(def.uiSchema);
  let container: Node = def.schema;
  for (const key of path) {
    if (create && (typeof ui[key] !== 'object' || ui[key] === null)) ui[key] = {};
    ui = obj(ui[key]);
    const node = obj(obj(container.properties)[key]);
    if (node.type === 'array') {
      if (create && (typeof ui.items !== 'object' || ui.items === null)) ui.items = {};
      if (key !== path[path.length - 1]) ui = obj(ui.items);
      container = obj(node.items);
    } else container = node;
  }
  return ui;
}

/** The uiSchema that holds the children of `path` (an array's `items`). */
function childUi(def: ServiceDefinition, path: Path, create: boolean): Node {
  if (path.length === 0) {
    if (create && !def.uiSchema) def.uiSchema = {};
    return obj(def.uiSchema);
  }
  const ui = uiAt(def, path, create);
  return nodeAt(def, path).type === 'array' ? obj(ui.items) : ui;
}

/** `['enfants', 'prenom']` → `/enfants/*\/prenom`: the pointer rules and prefill use. */
export function pointerOf(def: ServiceDefinition, path: Path): string {
  let pointer = '';
  let container: Node = def.schema;
  path.forEach((key, i) => {
    pointer += `/${encodePointerSegment(key)}`;
    const node = obj(obj(container.properties)[key]);
    if (node.type === 'array') {
      if (i < path.length - 1) pointer += '/*';
      container = obj(node.items);
    } else container = node;
  });
  return pointer;
}

export function childKeys(def: ServiceDefinition, path: Path): string[] {
  return Object.keys(obj(containerOf(def, path).properties));
}

export function isRequiredAt(def: ServiceDefinition, path: Path): boolean {
  const parent = containerOf(def, path.slice(0, -1));
  return Array.isArray(parent.required) && (parent.required as string[]).includes(path[path.length - 1]!);
}

/** A field's name as the form shows it (`ui:title`, then `title`, Markdown as plain text), for the outline and headings. */
export function labelAt(def: ServiceDefinition, path: Path): string {
  const node = nodeAt(def, path);
  const ui = uiAt(def, path);
  const title = [ui['ui:title'], node.title].find((t): t is string => typeof t === 'string' && t !== '');
  return title ? plainText(title) : path[path.length - 1]!;
}

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
  | 'siret'
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
    type: 'siret',
    name: () => tr('Numéro SIRET', 'SIRET number'),
    simple: true,
    build: (l) => ({ schema: { type: 'string', title: l, format: 'siret' } }),
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

/** Adds a field built from the palette inside `parent` (top level: on page `pageId`). Returns its key. */
export function addField(
  def: ServiceDefinition,
  pageId: string,
  parent: Path,
  type: FieldType,
  label: string,
): { def: ServiceDefinition; key: string } {
  const next = clone(def);
  const entry = PALETTE.find((p) => p.type === type)!;
  const title = label.trim() || entry.name();
  const built = entry.build(title);
  const container = containerOf(next, parent);
  const properties = (container.properties = obj(container.properties));
  const key = unique(keyFromLabel(title), (k) => k in properties);
  properties[key] = built.schema;
  if (built.required) container.required = [...((container.required as string[] | undefined) ?? []), key];
  if (built.ui) childUi(next, parent, true)[key] = built.ui;
  if (parent.length === 0) {
    const page = next.pages.find((p) => p.id === pageId);
    if (page) page.fields.push(key);
  }
  if (built.prefill) {
    const base = pointerOf(next, [...parent, key]);
    const inRepeat = base.includes('*');
    if (!inRepeat)
      next.settings.prefill = [
        ...(next.settings.prefill ?? []),
        ...built.prefill.map((p) => ({ claim: p.claim, pointer: `${base}/${p.sub}`, locked: true })),
      ];
  }
  return { def: next, key };
}

function mentions(expr: unknown, prefix: string): boolean {
  if (Array.isArray(expr)) return expr.some((e) => mentions(e, prefix));
  if (expr && typeof expr === 'object') {
    const field = (expr as { field?: unknown }).field;
    if (typeof field === 'string' && (field === prefix || field.startsWith(`${prefix}/`))) return true;
    return Object.values(expr).some((e) => mentions(e, prefix));
  }
  return false;
}

export function removeField(def: ServiceDefinition, path: Path): ServiceDefinition {
  const next = clone(def);
  const pointer = pointerOf(next, path);
  const key = path[path.length - 1]!;
  const parent = path.slice(0, -1);
  const container = containerOf(next, parent);
  delete obj(container.properties)[key];
  if (Array.isArray(container.required)) {
    container.required = (container.required as string[]).filter((k) => k !== key);
    if ((container.required as string[]).length === 0) delete container.required;
  }
  delete childUi(next, parent, false)[key];
  if (parent.length === 0) for (const page of next.pages) page.fields = page.fields.filter((f) => f !== key);
  const under = (p: string) => p === pointer || p.startsWith(`${pointer}/`);
  if (next.rules?.visibility)
    next.rules.visibility = next.rules.visibility.filter((r) => !under(r.target) && !mentions(r.when, pointer));
  if (next.rules?.eligibility)
    next.rules.eligibility = next.rules.eligibility.filter((r) => !mentions(r.blockWhen, pointer));
  if (next.settings.prefill) next.settings.prefill = next.settings.prefill.filter((p) => !under(p.pointer));
  return next;
}

/** Moves a field up (-1) or down (+1) among its siblings: page order at the top, property order inside a group. */
export function moveField(def: ServiceDefinition, pageId: string, path: Path, delta: number): ServiceDefinition {
  const key = path[path.length - 1]!;
  const siblings =
    path.length === 1 ? (def.pages.find((p) => p.id === pageId)?.fields ?? []) : childKeys(def, path.slice(0, -1));
  const index = siblings.indexOf(key);
  const target = siblings[index + delta];
  if (index < 0 || target === undefined) return def;
  return delta < 0
    ? moveFieldBefore(def, pageId, path, target)
    : moveFieldBefore(def, pageId, [...path.slice(0, -1), target], key);
}

/** Puts the field `path` just before its sibling `before` (drag and drop). */
export function moveFieldBefore(def: ServiceDefinition, pageId: string, path: Path, before: string): ServiceDefinition {
  const key = path[path.length - 1]!;
  if (key === before) return def;
  const next = clone(def);
  const reorder = (list: string[]) => {
    const without = list.filter((k) => k !== key);
    const at = without.indexOf(before);
    without.splice(at < 0 ? without.length : at, 0, key);
    return without;
  };
  if (path.length === 1) {
    const page = next.pages.find((p) => p.id === pageId);
    if (page) page.fields = reorder(page.fields);
  } else {
    const container = containerOf(next, path.slice(0, -1));
    const props = obj(container.properties);
    container.properties = Object.fromEntries(reorder(Object.keys(props)).map((k) => [k, props[k]]));
  }
  return next;
}

export function updateField(
  def: ServiceDefinition,
  path: Path,
  change: (node: Node, ui: Node, parent: Node) => void,
): ServiceDefinition {
  const next = clone(def);
  change(nodeAt(next, path), uiAt(next, path, true), containerOf(next, path.slice(0, -1)));
  return next;
}

export function setRequired(def: ServiceDefinition, path: Path, on: boolean): ServiceDefinition {
  return updateField(def, path, (_node, _ui, parent) => {
    const key = path[path.length - 1]!;
    const list = ((parent.required as string[] | undefined) ?? []).filter((k) => k !== key);
    if (on) list.push(key);
    if (list.length) parent.required = list;
    else delete parent.required;
  });
}

/** Sets or removes (`undefined`, `''`) one keyword. */
export function setKeyword(target: Node, keyword: string, value: unknown): void {
  if (value === undefined || value === '' || (typeof value === 'number' && Number.isNaN(value))) delete target[keyword];
  else target[keyword] = value;
}

// --- Options of choice fields ---------------------------------------------------

export interface ChoiceOption {
  value: string;
  label: string;
}

/** The options of a choice field as the citizen sees them (the shared field model's `optionsOf`), values as text. */
export function optionsAt(node: Node, ui: Node): ChoiceOption[] {
  const list = node.type === 'array';
  return optionsOf(list ? obj(node.items) : node, list ? obj(ui.items) : ui).map((o) => ({
    value: String(o.value),
    label: o.label,
  }));
}

/** One option per line; a label that stays keeps its value (answers already given stay valid). */
export function setOptions(node: Node, ui: Node, labels: string[]): void {
  const before = optionsAt(node, ui);
  const used = new Set<string>();
  const next = labels
    .map((l) => l.trim())
    .filter(Boolean)
    .map((label) => {
      const kept = before.find((o) => o.label === label && !used.has(o.value));
      const value = kept ? kept.value : unique(slugFromLabel(label), (v) => used.has(v), '-');
      used.add(value);
      return { value, label };
    });
  if (node.type === 'array') {
    node.items = { type: 'string', enum: next.map((o) => o.value) };
    ui.items = { ...obj(ui.items), 'ui:enumNames': next.map((o) => o.label) };
  } else {
    delete node.enum;
    node.oneOf = next.map((o) => ({ const: o.value, title: o.label }));
  }
}

// --- Pages ------------------------------------------------------------------

export function addPage(def: ServiceDefinition, title: string): { def: ServiceDefinition; id: string } {
  const next = clone(def);
  const name = title.trim() || tr('Nouvelle étape', 'New step');
  const id = unique(slugFromLabel(name), (c) => next.pages.some((p) => p.id === c), '-');
  next.pages.push({ id, title: name, fields: [] });
  return { def: next, id };
}

export function movePage(def: ServiceDefinition, id: string, delta: number): ServiceDefinition {
  const next = clone(def);
  const i = next.pages.findIndex((p) => p.id === id);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= next.pages.length) return def;
  const [page] = next.pages.splice(i, 1);
  next.pages.splice(j, 0, page!);
  return next;
}

/** Removes a page and the fields on it. */
export function removePage(def: ServiceDefinition, id: string): ServiceDefinition {
  const page = def.pages.find((p) => p.id === id);
  if (!page) return def;
  let next = def;
  for (const key of page.fields) next = removeField(next, [key]);
  next = clone(next);
  next.pages = next.pages.filter((p) => p.id !== id);
  if (next.rules?.visibility) next.rules.visibility = next.rules.visibility.filter((r) => r.target !== `page:${id}`);
  return next;
}

export function updatePage(
  def: ServiceDefinition,
  id: string,
  change: { title?: string; description?: string },
): ServiceDefinition {
  const next = clone(def);
  const page = next.pages.find((p) => p.id === id);
  if (!page) return def;
  if (change.title !== undefined) page.title = change.title;
  if (change.description !== undefined) {
    if (change.description) page.description = change.description;
    else delete page.description;
  }
  return next;
}

// --- Conditions ---------------------------------------------------------------

export function conditionOf(def: ServiceDefinition, target: string): Expr | undefined {
  return def.rules?.visibility?.find((r) => r.target === target)?.when;
}

export function setCondition(def: ServiceDefinition, target: string, when: Expr | null): ServiceDefinition {
  const next = clone(def);
  const rules = (next.rules ??= {});
  const list = (rules.visibility ?? []).filter((r) => r.target !== target);
  if (when !== null) list.push({ target, when });
  if (list.length) rules.visibility = list;
  else delete rules.visibility;
  if (!rules.visibility && !rules.eligibility) delete next.rules;
  return next;
}

/** A field a condition may read: its pointer, its label, and the answers it offers. */
export interface Question {
  pointer: string;
  label: string;
  kind: 'boolean' | 'choice' | 'multiple' | 'number' | 'text';
  options: ChoiceOption[];
  /**
   * For a field of a repeatable block other than the target's own (pointer
   * `/children/*\/school`): the block, read through one of its items (see
   * itemCondition).
   */
  block?: { pointer: string; label: string };
}

/** Which item of a repeatable block a condition reads: at least one, or the first. */
export type ItemChoice = 'any' | 'first';

/** Every field a condition on `target` may read (not the target itself, nor what it contains). */
export function questionsFor(def: ServiceDefinition, target: string): Question[] {
  const out: Question[] = [];
  const repeatOf = target.includes('/*/') ? target.slice(0, target.indexOf('/*/')) : null;
  const walk = (path: Path, container: Node, prefix: string, block?: Question['block']) => {
    for (const key of Object.keys(obj(container.properties))) {
      const node = obj(obj(container.properties)[key]);
      const pointer = `${prefix}/${key}`;
      const ui = uiAt(def, [...path, key]);
      if (node.type === 'object') walk([...path, key], node, pointer, block);
      else if (node.type === 'array' && obj(node.items).type === 'object') {
        // The target's own block: its fields read the target's item. Another block (one level, not the
        // target nor what contains it): its fields are read through « at least one » or « the first » item.
        if (repeatOf === pointer) walk([...path, key], obj(node.items), `${pointer}/*`);
        else if (!block && pointer !== target && !target.startsWith(`${pointer}/`) && !pointer.startsWith(`${target}/`))
          walk([...path, key], obj(node.items), `${pointer}/*`, {
            pointer,
            label: plainText(fieldModel(def.schema, node, ui, pointer, key, false, []).title),
          });
      } else if (pointer !== target && !pointer.startsWith(`${target}/`) && node['x-file'] === undefined) {
        const model = fieldModel(def.schema, node, ui, pointer, key, false, []);
        out.push({
          pointer,
          label: plainText(model.title),
          kind: questionKind(model),
          options: model.kind === 'boolean' ? [] : optionsAt(node, ui),
          ...(block && { block }),
        });
      }
    }
  };
  // Fields in the order of the pages.
  for (const page of def.pages)
    walk([], { properties: Object.fromEntries(page.fields.map((f) => [f, obj(def.schema.properties)[f]])) }, '');
  return out;
}

/** What a condition may compare a field's answer with, from the kind of field the form draws. */
function questionKind(model: FieldModel): Question['kind'] {
  if (model.kind === 'boolean' || (model.kind === 'radio' && model.schema.type === 'boolean')) return 'boolean';
  if (model.kind === 'checkboxes') return 'multiple';
  if (model.kind === 'radio' || model.kind === 'select') return 'choice';
  if (model.kind === 'integer' || model.kind === 'number') return 'number';
  return 'text';
}

function valueText(question: Question | undefined, value: unknown): string {
  if (typeof value === 'boolean') return value ? tr('Oui', 'Yes') : tr('Non', 'No');
  return question?.options.find((o) => o.value === value)?.label ?? String(value);
}

/**
 * The condition the editor writes on a field of another repeatable block:
 * `{ any: [{ field: "/children" }, cond] }` holds when at least one item
 * answers so (the rules language binds the `*` of `/children/*\/school` to
 * that item), the first item is read as `/children/0/school`. The same
 * rules run in the citizen's browser and on the server (hiddenPointers).
 */
export function itemCondition(question: Question, condition: Expr, item: ItemChoice = 'any'): Expr {
  const block = question.block;
  if (!block) return condition;
  if (item === 'any') return { any: [{ field: block.pointer }, condition] };
  const first = (node: unknown): unknown =>
    Array.isArray(node)
      ? node.map(first)
      : node && typeof node === 'object'
        ? Object.fromEntries(
            Object.entries(node).map(([k, v]) => [
              k,
              k === 'field' && v === question.pointer
                ? v.replace(`${block.pointer}/*/`, `${block.pointer}/0/`)
                : first(v),
            ]),
          )
        : node;
  return first(condition) as Expr;
}

/** The condition in plain words, or null when the studio cannot say it simply (then: the JSON tab). */
export function describeCondition(def: ServiceDefinition, expr: Expr, questions: Question[]): string | null {
  if (expr && typeof expr === 'object' && !Array.isArray(expr)) {
    // « at least one item of a block »: the inner condition in words, said of one of its items.
    const any = (expr as Record<string, unknown>).any;
    if (Array.isArray(any) && any.length === 2 && Object.keys(expr).length === 1) {
      const blockPointer = obj(any[0]).field;
      const inBlock = questions.filter(
        (x) => x.block?.pointer === blockPointer && Object.keys(obj(any[0])).length === 1,
      );
      const field = (operand: unknown) => obj(operand).field;
      const inner = inBlock.length
        ? simpleWords(any[1] as Expr, (operand) => inBlock.find((x) => x.pointer === field(operand)))
        : null;
      return inner
        ? `${inner} ${tr(`pour au moins un élément de « ${inBlock[0]!.block!.label} »`, `for at least one item of “${inBlock[0]!.block!.label}”`)}`
        : null;
    }
  }
  // A block's first item (`/children/0/school`) is said as the block's field, of the first item.
  let firstOf: Question['block'];
  const q = (operand: unknown) => {
    if (!operand || typeof operand !== 'object' || !('field' in operand)) return undefined;
    const field = (operand as { field: unknown }).field;
    const direct = questions.find((x) => x.pointer === field && !x.block);
    if (direct) return direct;
    const first = questions.find(
      (x) =>
        x.block &&
        typeof field === 'string' &&
        x.pointer.replace(`${x.block.pointer}/*/`, `${x.block.pointer}/0/`) === field,
    );
    if (first) firstOf = first.block;
    return first;
  };
  const words = simpleWords(expr, q);
  void def;
  if (!words || !firstOf) return words;
  return `${words} ${tr(`pour le premier élément de « ${firstOf.label} »`, `for the first item of “${firstOf.label}”`)}`;
}

function simpleWords(expr: Expr, q: (operand: unknown) => Question | undefined): string | null {
  const name = (operand: unknown) => {
    const question = q(operand);
    return question ? `« ${question.label} »` : null;
  };
  if (typeof expr !== 'object' || expr === null) return null;
  const e = expr as Record<string, unknown>;
  for (const [op, words] of [
    ['eq', tr('est', 'is')],
    ['ne', tr('n’est pas', 'is not')],
    ['contains', tr('contient', 'contains')],
    ['gt', tr('est supérieur à', 'is more than')],
    ['lt', tr('est inférieur à', 'is less than')],
  ] as const) {
    const args = e[op];
    if (Array.isArray(args) && name(args[0])) return `${name(args[0])} ${words} « ${valueText(q(args[0]), args[1])} »`;
  }
  if (e.not && typeof e.not === 'object' && 'empty' in (e.not as object)) {
    const target = (e.not as { empty: unknown }).empty;
    if (name(target)) return `${name(target)} ${tr('est renseigné', 'is answered')}`;
  }
  if ('empty' in e && name(e.empty)) return `${name(e.empty)} ${tr('n’est pas renseigné', 'is not answered')}`;
  return null;
}

// --- Prefill ------------------------------------------------------------------

export function prefillOf(def: ServiceDefinition, pointer: string): PrefillMapping | undefined {
  return def.settings.prefill?.find((p) => p.pointer === pointer);
}

export function setPrefill(
  def: ServiceDefinition,
  pointer: string,
  claim: IdentityClaim | null,
  locked: boolean,
): ServiceDefinition {
  const next = clone(def);
  const list = (next.settings.prefill ?? []).filter((p) => p.pointer !== pointer);
  if (claim) list.push({ claim, pointer, ...(locked ? { locked: true } : {}) });
  if (list.length) next.settings.prefill = list;
  else delete next.settings.prefill;
  return next;
}

export const CLAIM_LABELS: Record<IdentityClaim, () => string> = {
  given_name: () => tr('Prénoms', 'Given names'),
  family_name: () => tr('Nom de naissance', 'Family name'),
  preferred_username: () => tr('Nom d’usage', 'Preferred name'),
  birthdate: () => tr('Date de naissance', 'Date of birth'),
  birthplace: () => tr('Lieu de naissance (code INSEE)', 'Place of birth (INSEE code)'),
  birthcountry: () => tr('Pays de naissance', 'Country of birth'),
  gender: () => tr('Sexe', 'Gender'),
  email: () => tr('Adresse électronique', 'Email address'),
};

// --- Problems from the server ---------------------------------------------------

/** Where a problem of the 422 points: a field (its path), a page, or another part of the definition. */
export type ProblemPlace =
  | { kind: 'field'; path: Path; pageId: string | null }
  | { kind: 'page'; pageId: string }
  | { kind: 'workflow' }
  | { kind: 'settings' }
  | { kind: 'other' };

export function placeOf(def: ServiceDefinition, pointer: string | undefined): ProblemPlace {
  const parts = (pointer ?? '').split('/').slice(1).map(decodePointerSegment);
  const pageOfKey = (key: string) => def.pages.find((p) => p.fields.includes(key))?.id ?? null;
  const fieldFromPointer = (p: string): ProblemPlace => {
    const path = p
      .split('/')
      .slice(1)
      .filter((s) => s !== '*' && !/^\d+$/.test(s));
    return path.length ? { kind: 'field', path, pageId: pageOfKey(path[0]!) } : { kind: 'other' };
  };
  if (parts[0] === 'schema') {
    const path: Path = [];
    for (let i = 1; i < parts.length - 1; i++) if (parts[i] === 'properties') path.push(parts[++i]!);
    return path.length ? { kind: 'field', path, pageId: pageOfKey(path[0]!) } : { kind: 'other' };
  }
  if (parts[0] === 'uiSchema' && parts[1]) return { kind: 'field', path: [parts[1]], pageId: pageOfKey(parts[1]) };
  if (parts[0] === 'pages' && parts[1] !== undefined) {
    const page = def.pages[Number(parts[1])];
    if (page && parts[2] === 'fields' && parts[3] !== undefined && page.fields[Number(parts[3])])
      return { kind: 'field', path: [page.fields[Number(parts[3])]!], pageId: page.id };
    return page ? { kind: 'page', pageId: page.id } : { kind: 'other' };
  }
  if (parts[0] === 'rules' && parts[1] === 'visibility' && parts[2] !== undefined) {
    const rule = def.rules?.visibility?.[Number(parts[2])];
    if (rule?.target.startsWith('page:')) return { kind: 'page', pageId: rule.target.slice(5) };
    if (rule) return fieldFromPointer(rule.target);
  }
  if (parts[0] === 'settings' && parts[1] === 'prefill' && parts[2] !== undefined) {
    const mapping = def.settings.prefill?.[Number(parts[2])];
    if (mapping) return fieldFromPointer(mapping.pointer);
  }
  if (parts[0] === 'workflow') return { kind: 'workflow' };
  if (parts[0] === 'settings') return { kind: 'settings' };
  return { kind: 'other' };
}

/**
 * Which control of the field's properties a problem is about, from its
 * pointer: its proposed answers (`…/oneOf`, `…/enum`, `…/items/enum`, one of
 * them) or its label (`…/title`, `…/ui:title`). The link of the problem goes
 * there and that control is marked invalid.
 */
export function problemControl(pointer: string | undefined): 'options' | 'label' | null {
  const parts = (pointer ?? '').split('/');
  const last = parts.lastIndexOf('properties');
  const tail = last >= 0 && parts[0] === '' && parts[1] === 'schema' ? parts.slice(last + 2) : parts.slice(2);
  const head = tail[0] === 'items' ? tail[1] : tail[0];
  if (head === 'oneOf' || head === 'anyOf' || head === 'enum') return 'options';
  if (tail.length === 1 && (tail[0] === 'title' || tail[0] === 'ui:title')) return 'label';
  return null;
}

/**
 * A problem in the designer's words: the server's message, except where the
 * schema's own wording would puzzle her (an emptied list of answers reads
 * « « oneOf » attend une liste de schémas. »).
 */
export function studioProblem(problem: ErrorItem): ErrorItem {
  if (problemControl(problem.pointer) === 'options' && problem.code !== 'missing_label')
    return {
      ...problem,
      message: tr(
        'Proposez au moins une réponse : une par ligne dans « Réponses proposées ».',
        'Offer at least one answer: one per line in “Answers offered”.',
      ),
    };
  return problem;
}

/**
 * A message with the fields it names by pointer (« /children/*\/days ») named
 * by their labels instead (« Enfants — Jours »): the designer knows her
 * fields by what they ask, not by their place in the JSON.
 */
export function inWords(def: ServiceDefinition, problem: ErrorItem): ErrorItem {
  const message = problem.message.replace(/« (\/[^»\s]*) »/g, (all, pointer: string) => {
    const label = labelOf(
      def.schema as Record<string, unknown>,
      (def.uiSchema ?? {}) as Record<string, unknown>,
      pointer,
    );
    return label && label !== pointer ? `« ${label} »` : all;
  });
  return message === problem.message ? problem : { ...problem, message };
}
