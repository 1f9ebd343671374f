/**
 * Groups kept in `$defs` and reached by `$ref` from several places of the form: which group a field is one of
 * (an edit of its schema applies in every place), every place it is drawn, and keeping a `$ref`'d schema when the
 * field written there is removed.
 */
import { decodePointerSegment, plainText, type ServiceDefinition } from '@guichet/shared';
import {
  childKeysOf,
  childOf,
  declarationsOf,
  existsAt,
  holderOf,
  innerOf,
  isEntry,
  isList,
  isTuple,
  keyFromLabel,
  nodeAt,
  obj,
  refChain,
  shapeOf,
  unique,
  type Node,
  type Path,
} from './definitionPaths';

export interface SharedGroup {
  /** The group's `title`, else its key in `$defs`. */
  name: string;
  /** How many places of the form draw it: the `$ref`s to it, and where it is written when not in `$defs`. */
  uses: number;
  /** Whether it is used inside itself (each level of the recursion is the same definition). */
  recursive: boolean;
}

/**
 * The group kept in `$defs` (or elsewhere, reached by `$ref`) whose fields `path`'s field is one of, and every
 * `$ref` that uses it: an edit of the field's schema applies in each. Undefined when the field is a place's own.
 */
export function sharedGroupOf(def: ServiceDefinition, path: Path): SharedGroup | undefined {
  let container = holderOf(def, def.schema);
  let group: { holder: Node; ref: string } | undefined;
  for (const [i, key] of path.entries()) {
    // A field declared in a part that is a `$ref` (`allOf: [{ "$ref": "#/$defs/personne" }, …]`) is that group's.
    const via = isTuple(container) ? undefined : declarationsOf(def, container).get(key)?.via;
    if (via) group = via;
    if (i === path.length - 1) break;
    const node = childOf(def, container, key);
    // The `$ref`s this step follows: the field's own, then its list item's.
    const refs = refChain(def, node).slice(0, -1);
    if (isList(shapeOf(def, node))) refs.push(...refChain(def, obj(holderOf(def, node).items)).slice(0, -1));
    container = innerOf(def, node);
    // A step inside a group that came from a `$ref` (no `$ref` of its own) stays in that group's definition.
    if (refs.length > 0) group = { holder: container, ref: String(refs.at(-1)!.$ref) };
  }
  if (!group) return undefined;
  const target = group.holder;
  // Every `$ref`, where it is: whether it sits inside the group, and the innermost definition kept in `$defs` (or
  // `definitions`, at any depth) it is written in (undefined: the form's own schema, drawn once).
  const refs: Array<{ node: Node; inside: boolean; context: Node | undefined }> = [];
  const contextOf = new Map<Node, Node | undefined>();
  const kept = new Map<Node, Node | undefined>();
  const walk = (value: unknown, inside: boolean, context: Node | undefined) => {
    if (Array.isArray(value)) return value.forEach((v) => walk(v, inside, context));
    if (!isEntry(value)) return;
    contextOf.set(value, context);
    if (typeof value.$ref === 'string') refs.push({ node: value, inside, context });
    for (const [k, v] of Object.entries(value)) {
      if (DATA_KEYWORDS.has(k)) continue;
      if ((k === '$defs' || k === 'definitions') && isEntry(v)) {
        for (const d of Object.values(v)) {
          if (!isEntry(d)) continue;
          kept.set(d, context);
          walk(d, inside || d === target, d);
        }
      } else walk(v, inside || v === target, context);
    }
  };
  walk(def.schema, def.schema === target, undefined);
  // A definition that is only another name (`$ref` to `$ref`) is not a place of its own.
  const aliases = new Set(refs.flatMap(({ node }) => refChain(def, node).slice(1, -1)));
  const using = refs.filter(({ node }) => !aliases.has(node) && holderOf(def, node) === target);
  const within = (context: Node | undefined, outer: Node) => {
    for (let at = context; at; at = kept.get(at)) if (at === outer) return true;
    return false;
  };
  // How many places draw what is written in `context`: once in the form's own schema; a kept definition as many
  // times as the places of the `$ref`s that use it (a `$ref` inside another shared group counts that group's
  // places), plus where it is written when that is not `$defs`. A loop of definitions counts once.
  const drawnTimes = (node: Node | undefined, stack: Node[]): number => {
    if (!node) return 1;
    if (stack.includes(node)) return 1;
    const inner = [...stack, node];
    let n = kept.has(node) ? 0 : drawnTimes(contextOf.get(node), inner);
    for (const r of refs)
      if (!aliases.has(r.node) && holderOf(def, r.node) === node && !within(r.context, node))
        n += drawnTimes(r.context, inner);
    return n;
  };
  // Each level of a recursion is the same place (said apart: `recursive`).
  let uses = kept.has(target) ? 0 : drawnTimes(contextOf.get(target), [target]);
  for (const r of using) uses += r.inside ? 1 : drawnTimes(r.context, [target]);
  const recursive = using.some((r) => r.inside);
  const last = group.ref.split('/').at(-1) ?? '';
  const key = (() => {
    try {
      return decodePointerSegment(decodeURIComponent(last));
    } catch {
      return last;
    }
  })();
  const name = typeof target.title === 'string' && target.title ? plainText(target.title) : key || '#';
  return { name, uses, recursive };
}

/**
 * Every place of the form (a path from a page's field) where the field of `path` is drawn: itself, and, inside a
 * group kept in `$defs`, the same field in each other place that uses the group. A recursive group is opened once
 * per place; at most `limit` places.
 */
export function placesOfField(def: ServiceDefinition, path: Path, limit = 1000): Path[] {
  if (path.length === 0 || !existsAt(def, path)) return [];
  const target = nodeAt(def, path);
  const out: Path[] = [];
  let visits = 0;
  const visit = (at: Path, container: Node, keys: string[], opened: Node[]) => {
    for (const key of keys) {
      if (out.length >= limit || ++visits > 20_000) return;
      const node = childOf(def, container, key);
      const here = [...at, key];
      if (node === target) out.push(here);
      const inner = innerOf(def, node);
      if (!opened.includes(inner)) visit(here, inner, childKeysOf(def, inner), [...opened, inner]);
    }
  };
  const root = holderOf(def, def.schema);
  const onPages = new Set(def.pages.flatMap((p) => p.fields));
  const elsewhere = [...declarationsOf(def, root).keys()].filter((k) => !onPages.has(k));
  for (const page of def.pages) visit([], root, page.fields, [root]);
  visit([], root, elsewhere, [root]);
  return out;
}

/** A `$ref`'s fragment as written (`#/properties/code%20postal` → `['properties', 'code%20postal']`), and as read. */
function refSegments(ref: string): { raw: string[]; read: string[] } | undefined {
  if (!ref.startsWith('#/')) return undefined;
  const raw = ref.slice(2).split('/');
  const read = raw.map((segment) => {
    try {
      return decodePointerSegment(decodeURIComponent(segment));
    } catch {
      return decodePointerSegment(segment);
    }
  });
  return { raw, read };
}

/** Where `target` is written in the schema, as keys from its root (undefined when it is not there). */
function writtenAt(schema: Node, target: Node): string[] | undefined {
  const seen = new Set<unknown>();
  const find = (value: unknown, at: string[]): string[] | undefined => {
    if (value === target) return at;
    if (value === null || typeof value !== 'object' || seen.has(value)) return undefined;
    seen.add(value);
    for (const [k, v] of Object.entries(value)) {
      const found = find(v, [...at, k]);
      if (found) return found;
    }
    return undefined;
  };
  return find(schema, []);
}

/**
 * Before the schema `node` is taken out of where it is written: when a `$ref` outside it names it or a part of it
 * (`#/properties/siege`, `#/properties/siege/properties/rue`), it moves to the root's `$defs` (`definitions` when the
 * schema keeps its groups there), under its key, and every `$ref` into it is repointed there, the rest of each
 * `$ref` as written. The other places draw what they drew, and the definition keeps no `$ref` to nothing, which the
 * server refuses. True when it moved.
 */
export function keepReferenced(def: ServiceDefinition, node: Node): boolean {
  const at = writtenAt(def.schema, node);
  if (!at || at.length === 0) return false;
  const refs: Array<{ holder: Node; raw: string[]; inside: boolean }> = [];
  const walk = (value: unknown, inside: boolean) => {
    if (Array.isArray(value)) return value.forEach((v) => walk(v, inside));
    if (!isEntry(value)) return;
    const segments = typeof value.$ref === 'string' ? refSegments(value.$ref) : undefined;
    if (segments && at.every((key, i) => segments.read[i] === key))
      refs.push({ holder: value, raw: segments.raw, inside });
    for (const [k, v] of Object.entries(value)) if (!DATA_KEYWORDS.has(k)) walk(v, inside || v === node);
  };
  walk(def.schema, false);
  if (!refs.some((r) => !r.inside)) return false;
  const keyword = !isEntry(def.schema.$defs) && isEntry(def.schema.definitions) ? 'definitions' : '$defs';
  const defs = isEntry(def.schema[keyword]) ? (def.schema[keyword] as Node) : (def.schema[keyword] = {});
  const name = unique(keyFromLabel(at[at.length - 1]!), (k) => Object.hasOwn(defs, k));
  defs[name] = node;
  for (const r of refs) r.holder.$ref = ['#', keyword, name, ...r.raw.slice(at.length)].join('/');
  return true;
}

/** Keywords whose value is an answer, not a schema: a `$ref` there is data. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);
