/**
 * The studio's view of a service definition: a field is named by its path of
 * property keys from the top (`['enfants', 'prenom']`); repeatable blocks step
 * through `items` without a segment of their own. Where a path's schema,
 * uiSchema and JSON pointer are.
 */
import {
  branchUi,
  decodePointerSegment,
  encodePointerSegment,
  foldToAscii,
  orderedKeys,
  plainText,
  slugify,
  type ServiceDefinition,
} from '@guichet/shared';
import { tr } from '../lib/i18n';

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
//
// A path steps from a field to what it holds: a group's `properties`, a list's `items` (no segment of its own), a
// tuple's places (`prefixItems`, by their index: `['creneau', '1']`). A node that is a local `$ref` holds what its
// target holds: a group kept once in `$defs` and used in several places is edited there, so the edit applies in
// every place (sharedGroups.ts says which); the `$ref`s themselves are never rewritten. The uiSchema follows the
// answer's shape, not the definitions: each place keeps its own.

/** The node a local `$ref` names (`#`, `#/$defs/adresse`, `#/properties/siege`), or undefined. */
function refTarget(def: ServiceDefinition, ref: string): Node | undefined {
  if (!ref.startsWith('#')) return undefined;
  let fragment = ref.slice(1);
  try {
    fragment = decodeURIComponent(fragment);
  } catch {
    // Not percent-encoded: read as written.
  }
  if (fragment !== '' && !fragment.startsWith('/')) return undefined;
  let at: unknown = def.schema;
  for (const segment of fragment === '' ? [] : fragment.slice(1).split('/').map(decodePointerSegment)) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Node)[segment];
  }
  return at !== null && typeof at === 'object' && !Array.isArray(at) ? (at as Node) : undefined;
}

export const isEntry = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

const holds = (node: Node) => 'properties' in node || 'items' in node || 'prefixItems' in node;

/** The chain of nodes `node`'s `$ref`s lead through, `node` first; a loop or a `$ref` outside the schema ends it. */
export function refChain(def: ServiceDefinition, node: Node): Node[] {
  const chain = [node];
  let at = node;
  while (typeof at.$ref === 'string' && !holds(at)) {
    const next = refTarget(def, at.$ref);
    if (!next || chain.includes(next)) break;
    chain.push(next);
    at = next;
  }
  return chain;
}

/** The node that holds what `node` holds: itself, or the end of its `$ref`s. */
export function holderOf(def: ServiceDefinition, node: Node): Node {
  return refChain(def, node).at(-1)!;
}

/** What `node` means with its `$ref`s followed: the target's keywords, the node's own (a `title`) winning. Read only. */
export function shapeOf(def: ServiceDefinition, node: Node): Node {
  const chain = refChain(def, node);
  if (chain.length === 1) return node;
  const shape: Node = {};
  for (const n of chain.reverse()) for (const [k, v] of Object.entries(n)) if (k !== '$ref') shape[k] = v;
  return shape;
}

/**
 * Whether `node` is of `type`, alone or with `null` (`["object", "null"]`: OpenAPI 3.1's and JSON Schema's nullable
 * group or list, which the form draws as the group or the list, as the shared field model's typeOf reads it).
 */
export const typeIs = (node: Node, type: 'object' | 'array'): boolean =>
  node.type === type ||
  (Array.isArray(node.type) && node.type.includes(type) && node.type.every((t) => t === type || t === 'null'));

/** A tuple: an array whose places each have their own schema (`prefixItems`; draft-07's list `items`). */
export function isTuple(node: Node): boolean {
  return typeIs(node, 'array') && (Array.isArray(node.prefixItems) || Array.isArray(node.items));
}

const placesOf = (tuple: Node): unknown[] =>
  Array.isArray(tuple.prefixItems) ? tuple.prefixItems : Array.isArray(tuple.items) ? tuple.items : [];

export const isList = (node: Node) => typeIs(node, 'array') && !isTuple(node);

/** The child `key` of a container (a group's field, wherever the group declares it; a tuple's place). */
export function childOf(def: ServiceDefinition, container: Node, key: string): Node {
  if (isTuple(container)) return /^(0|[1-9][0-9]*)$/.test(key) ? obj(placesOf(container)[Number(key)]) : {};
  return declarationsOf(def, container).get(key)?.node ?? {};
}

// --- Fields declared in branches and parts ------------------------------------------------------------------------
//
// A group draws the fields of its own `properties`, and those its parts and branches declare, as RJSF's
// retrieveSchema merges them (`allOf` parts, the `then`/`else` of an `if`, `dependentSchemas` and draft-07
// `dependencies`) or its choice draws them (`oneOf`/`anyOf` branches): they are its fields, named by their key at
// the group's level (their answers are there), and edited where they are declared. A key declared in several places
// is the first one's, in document order (the group's own `properties` first). Its uiSchema is the group's entry for
// the key, or, for a branch of the group's own choice, that branch's uiSchema when the group's has a list of them
// (RJSF 6's `uiSchema.oneOf[i]`, as the form reads it: branchUi).

/** One step from a group to where one of its fields is declared. */
export interface BranchStep {
  keyword: 'allOf' | 'oneOf' | 'anyOf' | 'then' | 'else' | 'dependentSchemas' | 'dependencies';
  /** A part's or branch's index; for `dependentSchemas`/`dependencies`, the key whose answer brings it. */
  at: number | string;
  /** The part, `$ref`s followed (a branch's `title` names it in the choice). */
  schema: Node;
}

export interface Declaration {
  /** The field's schema, as written. */
  node: Node;
  /** The schema whose `properties` hold it: its `required` says whether it must be answered. */
  owner: Node;
  /** From the group to the owner; empty for the group's own `properties`. */
  route: BranchStep[];
  /** The branch of the group's own choice whose uiSchema (`uiSchema.oneOf[i]`) the form reads, if any. */
  uiBranch?: number;
  /** The last `$ref` the route followed, and the group kept in `$defs` it names: the field is that group's. */
  via?: { ref: string; holder: Node };
  /** How many other branches or parts declare the same key (they keep their own schema). */
  others: number;
}

const BRANCH_KEYWORDS = ['allOf', 'oneOf', 'anyOf'] as const;

/** Whether an object declares fields elsewhere than in its own `properties`. */
const branches = (node: Node) =>
  BRANCH_KEYWORDS.some((k) => Array.isArray(node[k])) ||
  isEntry(node.then) ||
  isEntry(node.else) ||
  isEntry(node.dependentSchemas) ||
  isEntry(node.dependencies);

/** Every field of the object `container`, by key, in the order the studio lists them. */
export function declarationsOf(def: ServiceDefinition, container: Node): Map<string, Declaration> {
  const found = new Map<string, Declaration>();
  for (const [key, node] of Object.entries(obj(container.properties)))
    found.set(key, { node: obj(node), owner: container, route: [], others: 0 });
  if (!branches(container)) return found;
  const seen = new Set<Node>([container]);
  const scan = (
    holder: Node,
    route: BranchStep[],
    uiBranch: number | undefined,
    via: Declaration['via'],
    resolved: boolean,
  ) => {
    const enter = (
      part: unknown,
      step: Omit<BranchStep, 'schema'>,
      branchUi: number | undefined,
      inResolved: boolean,
    ) => {
      if (!isEntry(part) || route.length > 8) return;
      const chain = refChain(def, part);
      const inner = chain.at(-1)!;
      if (seen.has(inner)) return;
      seen.add(inner);
      const ref = chain.length > 1 ? { ref: String(chain.at(-2)!.$ref), holder: inner } : via;
      const here = [...route, { ...step, schema: shapeOf(def, part) }];
      for (const [key, node] of Object.entries(obj(inner.properties))) {
        const before = found.get(key);
        if (before) {
          if (before.route.length > 0) before.others++;
        } else found.set(key, { node: obj(node), owner: inner, route: here, uiBranch: branchUi, via: ref, others: 0 });
      }
      scan(inner, here, branchUi, ref, inResolved);
    };
    for (const keyword of BRANCH_KEYWORDS) {
      const list = holder[keyword];
      if (!Array.isArray(list)) continue;
      // The group's choice draws a branch with its own uiSchema; one that a dependency resolves is merged.
      list.forEach((part, i) =>
        enter(
          part,
          { keyword, at: i },
          keyword !== 'allOf' && uiBranch === undefined && !resolved ? i : uiBranch,
          resolved,
        ),
      );
    }
    for (const keyword of ['then', 'else'] as const) enter(holder[keyword], { keyword, at: 0 }, uiBranch, resolved);
    for (const keyword of ['dependentSchemas', 'dependencies'] as const) {
      const map = holder[keyword];
      if (isEntry(map))
        for (const [key, part] of Object.entries(map)) enter(part, { keyword, at: key }, uiBranch, true);
    }
  };
  scan(container, [], undefined, undefined, false);
  return found;
}

/** Where the field `path` is declared (undefined for a tuple's place or a key the group does not have). */
export function declarationAt(def: ServiceDefinition, path: Path): Declaration | undefined {
  if (path.length === 0) return undefined;
  const container = containerOf(def, path.slice(0, -1));
  return isTuple(container) ? undefined : declarationsOf(def, container).get(path[path.length - 1]!);
}

/** What holds the children of `node`: its group, its tuple, or its list's item, `$ref`s followed. */
export function innerOf(def: ServiceDefinition, node: Node): Node {
  const holder = holderOf(def, node);
  const shape = shapeOf(def, node);
  return isList(shape) ? holderOf(def, obj(holder.items)) : holder;
}

/** The container (object or tuple) that holds the children of `path` (the root for `[]`). */
export function containerOf(def: ServiceDefinition, path: Path): Node {
  return path.length === 0 ? holderOf(def, def.schema) : innerOf(def, nodeAt(def, path));
}

/** The schema node of `path`, as written at its place (a `$ref` stays one: keywords set on it are this place's). */
export function nodeAt(def: ServiceDefinition, path: Path): Node {
  let container = holderOf(def, def.schema);
  let node: Node = {};
  path.forEach((key, i) => {
    node = childOf(def, container, key);
    if (i < path.length - 1) container = innerOf(def, node);
  });
  return node;
}

/** What `path` means, `$ref`s followed (a list's items too): for reading its kind, label and limits. */
export function shapeAt(def: ServiceDefinition, path: Path): Node {
  const shape = shapeOf(def, nodeAt(def, path));
  return isList(shape) && typeof obj(shape.items).$ref === 'string'
    ? { ...shape, items: shapeOf(def, obj(shape.items)) }
    : shape;
}

/** Whether every key of `path` names a field of the definition. */
export function existsAt(def: ServiceDefinition, path: Path): boolean {
  let container = holderOf(def, def.schema);
  return path.every((key, i) => {
    const there = isTuple(container)
      ? /^(0|[1-9][0-9]*)$/.test(key) && Number(key) < placesOf(container).length
      : declarationsOf(def, container).has(key);
    if (there && i < path.length - 1) container = innerOf(def, childOf(def, container, key));
    return there;
  });
}

/** `holder[key]`, made an empty entry when `create` is set and none is there. */
function entry(holder: Node, key: string, create: boolean, created?: Array<[Node, string]>): Node {
  if (create && !isEntry(holder[key]) && !Array.isArray(holder[key])) {
    holder[key] = {};
    created?.push([holder, key]);
  }
  return obj(holder[key]);
}

/**
 * The uiSchema of a tuple's place `index`, in `tupleUi.items`: RJSF reads its own entry when `items` is a list,
 * the one entry for every place when it is an object. A list made or lengthened for an edit gets `{}` up to the
 * place, each listed in `created` so that an edit that writes nothing leaves the list as it was.
 */
function placeUi(tupleUi: Node, index: number, create: boolean, created?: Array<[Node, string]>): Node {
  const items = tupleUi.items;
  if (isEntry(items)) return items;
  if (!create) return Array.isArray(items) ? obj(items[index]) : {};
  let list: unknown[];
  if (Array.isArray(items)) list = items;
  else {
    list = tupleUi.items = [];
    created?.push([tupleUi, 'items']);
  }
  for (let i = list.length; i <= index; i++) {
    list.push({});
    created?.push([list as unknown as Node, String(i)]);
  }
  if (!isEntry(list[index])) return {};
  return list[index] as Node;
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
  // `holder`: the uiSchema of the current container (a group's entries by key, a tuple's in its `items`).
  let holder = obj(def.uiSchema);
  let container = holderOf(def, def.schema);
  let ui = holder;
  path.forEach((key, i) => {
    ui = isTuple(container)
      ? placeUi(holder, Number(key), create, created)
      : entry(uiOwner(def, container, holder, key), key, create, created);
    if (i === path.length - 1) return;
    const node = childOf(def, container, key);
    holder = isList(shapeOf(def, node)) ? entry(ui, 'items', create, created) : ui;
    container = innerOf(def, node);
  });
  return ui;
}

/** The uiSchema that holds the entry of the field `key` of an object whose uiSchema is `holder` (see declarationsOf). */
function uiOwner(def: ServiceDefinition, container: Node, holder: Node, key: string): Node {
  const index = declarationsOf(def, container).get(key)?.uiBranch;
  return index === undefined ? holder : (branchUi(holder, index) as Node);
}

/** The uiSchema whose entry `key` is the field `path`'s (undefined for a tuple's place). */
export function uiHolderAt(def: ServiceDefinition, path: Path): Node | undefined {
  const parent = path.slice(0, -1);
  const container = containerOf(def, parent);
  if (isTuple(container)) return undefined;
  return uiOwner(def, container, childUi(def, parent, false), path[path.length - 1]!);
}

/** The uiSchema that holds the children of `path` (an array's `items`). */
export function childUi(def: ServiceDefinition, path: Path, create: boolean): Node {
  if (path.length === 0) {
    if (create && !def.uiSchema) def.uiSchema = {};
    return obj(def.uiSchema);
  }
  const ui = uiAt(def, path, create);
  return isList(shapeAt(def, path)) ? (create ? entry(ui, 'items', true) : obj(ui.items)) : ui;
}

export const childKeysOf = (def: ServiceDefinition, container: Node): string[] =>
  isTuple(container) ? placesOf(container).map((_, i) => String(i)) : [...declarationsOf(def, container).keys()];

/**
 * The top-level fields the studio lists on a page: the page's own, each followed by the fields on no page that only
 * a condition or a choice brings (declared in a branch or a part of the root), as the form draws them after the
 * field they follow in RJSF's order (`ui:order` applied; the root's choice last), on that field's page. A field the
 * order puts before every page's goes with the last page.
 */
export function pageFieldKeys(def: ServiceDefinition, pageId: string): string[] {
  const page = def.pages.find((p) => p.id === pageId);
  if (!page) return [];
  const root = holderOf(def, def.schema);
  const declared = declarationsOf(def, root);
  const onPages = new Set(def.pages.flatMap((p) => p.fields));
  const extra = [...declared.keys()].filter((k) => !onPages.has(k));
  if (extra.length === 0) return page.fields;
  const ordered = orderedKeys(
    { properties: Object.fromEntries([...declared.keys()].map((k) => [k, {}])) },
    obj(def.uiSchema),
  );
  const out: string[] = [];
  const placed = new Set<string>();
  for (const p of def.pages)
    for (const key of p.fields) {
      if (p === page) out.push(key);
      for (let i = ordered.indexOf(key) + 1; i >= 1 && i < ordered.length && !onPages.has(ordered[i]!); i++) {
        placed.add(ordered[i]!);
        if (p === page) out.push(ordered[i]!);
      }
    }
  if (page === def.pages.at(-1)) out.push(...extra.filter((k) => !placed.has(k)));
  return out;
}

/** `['enfants', 'prenom']` → `/enfants/*\/prenom`: the pointer rules and prefill use. */
export function pointerOf(def: ServiceDefinition, path: Path): string {
  let pointer = '';
  let container = holderOf(def, def.schema);
  path.forEach((key, i) => {
    pointer += `/${encodePointerSegment(key)}`;
    if (i === path.length - 1) return;
    const node = childOf(def, container, key);
    if (isList(shapeOf(def, node))) pointer += '/*';
    container = innerOf(def, node);
  });
  return pointer;
}

export function childKeys(def: ServiceDefinition, path: Path): string[] {
  return childKeysOf(def, containerOf(def, path));
}

/** Whether `path` is a tuple's place (answered by its position: it cannot be required, moved or removed alone). */
export function inTuple(def: ServiceDefinition, path: Path): boolean {
  return path.length > 1 && isTuple(containerOf(def, path.slice(0, -1)));
}

export function isRequiredAt(def: ServiceDefinition, path: Path): boolean {
  const parent = declarationAt(def, path)?.owner ?? containerOf(def, path.slice(0, -1));
  return Array.isArray(parent.required) && (parent.required as string[]).includes(path[path.length - 1]!);
}

/**
 * A field's name as the form shows it (`ui:title`, `ui:options.title`, then `title`, Markdown as plain text), for the
 * outline and headings.
 */
export function labelAt(def: ServiceDefinition, path: Path): string {
  const node = shapeAt(def, path);
  const ui = uiAt(def, path);
  const options = ui['ui:options'] && typeof ui['ui:options'] === 'object' ? (ui['ui:options'] as Node) : {};
  const title = [ui['ui:title'], options.title, node.title].find((t): t is string => typeof t === 'string' && t !== '');
  if (title) return plainText(title);
  const key = path[path.length - 1]!;
  return inTuple(def, path) ? tr(`Élément ${Number(key) + 1}`, `Item ${Number(key) + 1}`) : key;
}
