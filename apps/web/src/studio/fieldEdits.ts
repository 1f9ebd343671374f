/**
 * Edits of a service definition's fields and pages, as pure functions: each
 * takes a definition and returns a new one (the editor keeps the old ones for
 * undo).
 */
import { optionsOf, type IdentityClaim, type PrefillMapping, type ServiceDefinition } from '@guichet/shared';
import { tr } from '../lib/i18n';
import {
  childKeys,
  childUi,
  clone,
  containerOf,
  declarationAt,
  isEntry,
  keyFromLabel,
  nodeAt,
  obj,
  pointerOf,
  slugFromLabel,
  typeIs,
  uiAt,
  uiHolderAt,
  unique,
  type Node,
  type Path,
} from './definitionPaths';
import { keepReferenced, placesOfField } from './sharedGroups';
import { PALETTE, type FieldType } from './fieldKinds';

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

/**
 * Removes a field, with its rules, prefill and uiSchema entry; a field of a group kept in `$defs` goes from the
 * group, so from every place that uses it, and so do those of each place.
 */
export function removeField(def: ServiceDefinition, path: Path): ServiceDefinition {
  const next = clone(def);
  const places = placesOfField(next, path);
  if (!places.some((p) => p.join('\u0000') === path.join('\u0000'))) places.unshift(path);
  const pointers = places.map((p) => pointerOf(next, p));
  const key = path[path.length - 1]!;
  const parent = path.slice(0, -1);
  const uiHolders = places.map((p) => uiHolderAt(next, p) ?? childUi(next, p.slice(0, -1), false));
  // Where the field is declared: the group's `properties`, or a branch's or part's (the branch stays, without it).
  const container = declarationAt(next, path)?.owner ?? containerOf(next, parent);
  // A `$ref` elsewhere that names the field keeps what it names (moved to `$defs`), rather than pointing at nothing.
  const removed = obj(container.properties)[key];
  if (isEntry(removed)) keepReferenced(next, removed);
  delete obj(container.properties)[key];
  if (Array.isArray(container.required)) {
    container.required = (container.required as string[]).filter((k) => k !== key);
    if ((container.required as string[]).length === 0) delete container.required;
  }
  for (const ui of uiHolders) delete ui[key];
  if (parent.length === 0) for (const page of next.pages) page.fields = page.fields.filter((f) => f !== key);
  const under = (p: string) => pointers.some((pointer) => p === pointer || p.startsWith(`${pointer}/`));
  const said = (expr: unknown) => pointers.some((pointer) => mentions(expr, pointer));
  if (next.rules?.visibility)
    next.rules.visibility = next.rules.visibility.filter((r) => !under(r.target) && !said(r.when));
  if (next.rules?.eligibility) next.rules.eligibility = next.rules.eligibility.filter((r) => !said(r.blockWhen));
  if (next.settings.prefill) next.settings.prefill = next.settings.prefill.filter((p) => !under(p.pointer));
  return next;
}

/** Whether removing `path` keeps its schema in `$defs` because a `$ref` elsewhere names it (see keepReferenced). */
export function keptWhenRemoved(def: ServiceDefinition, path: Path): boolean {
  const next = clone(def);
  const owner = declarationAt(next, path)?.owner ?? containerOf(next, path.slice(0, -1));
  const removed = obj(owner.properties)[path[path.length - 1]!];
  return isEntry(removed) && keepReferenced(next, removed);
}

/** Moves a field up (-1) or down (+1) among its siblings: page order at the top, property order inside a group. */
export function moveField(def: ServiceDefinition, pageId: string, path: Path, delta: number): ServiceDefinition {
  const key = path[path.length - 1]!;
  // Inside a group, among the fields declared with it (a branch's fields keep their place in the branch).
  const owner = declarationAt(def, path)?.owner;
  const siblings =
    path.length === 1
      ? (def.pages.find((p) => p.id === pageId)?.fields ?? [])
      : childKeys(def, path.slice(0, -1)).filter((k) => declarationAt(def, [...path.slice(0, -1), k])?.owner === owner);
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
    const container = declarationAt(next, path)?.owner ?? containerOf(next, path.slice(0, -1));
    const props = obj(container.properties);
    if (!Object.hasOwn(props, key) || !Object.hasOwn(props, before)) return def;
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
  const created: Array<[Node, string]> = [];
  const owner = declarationAt(next, path)?.owner ?? containerOf(next, path.slice(0, -1));
  change(nodeAt(next, path), uiAt(next, path, true, created), owner);
  // The uiSchema entries made for the change and left empty go: an edit of the schema alone (a label, a limit)
  // saves the uiSchema as it was, without `"champ": {}` added at the end of a form written elsewhere.
  // A tuple's list of entries lengthened for the edit is shortened back the same way, from its end.
  for (const [holder, key] of created.reverse()) {
    const made = holder[key];
    if (made === null || typeof made !== 'object' || Object.keys(made).length > 0) continue;
    if (!Array.isArray(holder)) delete holder[key];
    else if (Number(key) === (holder as unknown[]).length - 1) (holder as unknown[]).pop();
  }
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

/**
 * The field's « Libellé » in the properties panel: the name the form shows, so the uiSchema's when the form gives one
 * (`ui:title`, else `ui:options.title`, as RJSF's getUiOptions reads them and labelAt does; other tools' converters
 * write the second), else the schema's `title`.
 */
export function renameField(def: ServiceDefinition, path: Path, label: string): ServiceDefinition {
  return updateField(def, path, (node, ui) => {
    // Emptied while the designer retypes it, a uiSchema's label stays (empty: the form falls back to `title`), so the
    // next keystroke still goes to it.
    if (!setUiText(ui, 'title', label, true)) setKeyword(node, 'title', label);
  });
}

/** What the « Libellé » shows and edits: the uiSchema's label when the form gives one, else `title`. */
export function labelOf(node: Node, ui: Node): string {
  return uiTextOf(ui, 'title') ?? String(node.title ?? '');
}

/** True when the label the form shows is this place's uiSchema's (`ui:title` or `ui:options.title`). */
export const hasUiLabel = (ui: Node) => uiTextOf(ui, 'title') !== undefined;

/**
 * A text of the field's uiSchema where RJSF reads it: `ui:<name>`, else `ui:options.<name>` (undefined when neither is
 * a text). The studio shows it as the form does, and edits it where it is written (setUiText).
 */
export function uiTextOf(ui: Node, name: 'title' | 'help' | 'placeholder'): string | undefined {
  const own = ui[`ui:${name}`];
  if (typeof own === 'string') return own;
  const options = ui['ui:options'];
  const inOptions = options && typeof options === 'object' ? (options as Node)[name] : undefined;
  return typeof inOptions === 'string' ? inOptions : undefined;
}

/**
 * Writes a text of the uiSchema where the form reads it: `ui:<name>` when written there, else `ui:options.<name>` when
 * written there, else `ui:<name>` unless `onlyIfThere`. Emptied, it is removed, unless it names the field (`title`:
 * kept empty while the designer retypes it). False when nothing was written (`onlyIfThere` and no such text).
 */
export function setUiText(
  ui: Node,
  name: 'title' | 'help' | 'placeholder',
  value: string,
  onlyIfThere = false,
): boolean {
  const own = `ui:${name}`;
  const options = ui['ui:options'];
  const target =
    typeof ui[own] === 'string' ||
    !(options && typeof options === 'object' && typeof (options as Node)[name] === 'string')
      ? { node: ui, key: own }
      : { node: options as Node, key: name };
  if (onlyIfThere && typeof target.node[target.key] !== 'string') return false;
  if (name === 'title') target.node[target.key] = value;
  else setKeyword(target.node, target.key, value);
  return true;
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
  const list = typeIs(node, 'array');
  return optionsOf(list ? obj(node.items) : node, list ? obj(ui.items) : ui).map((o) => ({
    value: String(o.value),
    label: o.label,
  }));
}

/**
 * Whether setOptions can rewrite the options of the field written as `own` (at its place) where they are, without
 * changing what it accepts: text values in its `enum` or `oneOf` of `const`s (a list's in its inline `items`). Not a
 * choice of numbers or with `null` (setOptions writes texts), not an `anyOf` of values (it writes `oneOf`), not a
 * list of types (`["string", "null"]`), not options reached through a `$ref`: those are edited in the JSON tab.
 */
export function optionsEditable(own: Node): boolean {
  const list = own.type === 'array';
  const holder = list ? own.items : own;
  if (holder === null || typeof holder !== 'object' || Array.isArray(holder)) return false;
  const at = holder as Node;
  if (typeof at.$ref === 'string' || at.anyOf !== undefined) return false;
  if (at.type !== undefined && at.type !== 'string') return false;
  const written = Array.isArray(at.enum) ? at.enum : Array.isArray(at.oneOf) ? at.oneOf : undefined;
  if (!written) return false;
  // Every entry a value (a `oneOf` branch that is a schema is not one), every value a text; none once all are cleared.
  const values = optionsOf(at, {});
  return values.length === written.length && values.every((o) => typeof o.value === 'string');
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
