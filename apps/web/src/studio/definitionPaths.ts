/**
 * The studio's view of a service definition: a field is named by its path of
 * property keys from the top (`['enfants', 'prenom']`); repeatable blocks step
 * through `items` without a segment of their own. Where a path's schema,
 * uiSchema and JSON pointer are.
 */
import { encodePointerSegment, foldToAscii, plainText, slugify, type ServiceDefinition } from '@guichet/shared';

export type Node = Record<string, unknown>;
export type Path = string[];

export const obj = (v: unknown): Node => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : {});

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

export function unique(base: string, taken: (candidate: string) => boolean, sep = ''): string {
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

/**
 * The uiSchema entry of `path`, created when `create` is set (the definition must be a fresh clone); each entry
 * created is listed in `created` (holder and key, outermost first), for an edit that ends up writing nothing there.
 */
export function uiAt(def: ServiceDefinition, path: Path, create = false, created?: Array<[Node, string]>): Node {
  if (create && !def.uiSchema) {
    def.uiSchema = {};
    created?.push([def as unknown as Node, 'uiSchema']);
  }
  let ui = obj(def.uiSchema);
  let container: Node = def.schema;
  for (const key of path) {
    if (create && (typeof ui[key] !== 'object' || ui[key] === null)) {
      ui[key] = {};
      created?.push([ui, key]);
    }
    ui = obj(ui[key]);
    const node = obj(obj(container.properties)[key]);
    if (node.type === 'array') {
      if (create && (typeof ui.items !== 'object' || ui.items === null)) {
        ui.items = {};
        created?.push([ui, 'items']);
      }
      if (key !== path[path.length - 1]) ui = obj(ui.items);
      container = obj(node.items);
    } else container = node;
  }
  return ui;
}

/** The uiSchema that holds the children of `path` (an array's `items`). */
export function childUi(def: ServiceDefinition, path: Path, create: boolean): Node {
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
