/**
 * The compatibility corpus as the studio receives it: each form through what
 * `POST /api/v1/services/import` applies to `{ schema, uiSchema }` (readImport,
 * then checkDefinition, stored as checked), and the check `PUT
 * /api/v1/services/:slug/draft` applies before it stores a save as sent. For
 * unit specs of the studio, which import only @guichet/shared themselves.
 */
import { checkDefinition, readImport } from '@guichet/forms';
import type { ErrorItem, ServiceDefinition } from '@guichet/shared';
import { loadCorpus, type CompatForm } from './compat-corpus';

export { loadCorpus, type CompatForm };

export type Imported = { definition: ServiceDefinition } | { refused: ErrorItem[] };

/** The draft the import stores for `form`, as the studio reads it back (JSON); or the import's refusal. */
export function importCompatForm(form: CompatForm): Imported {
  const read = readImport({ schema: form.schema, uiSchema: form.uiSchema }, undefined, form.title);
  if (!read) return { refused: [{ pointer: '/file', code: 'import_format', message: 'non reconnu' }] };
  const check = checkDefinition(read.definition);
  if (!check.ok) return { refused: check.errors };
  return { definition: JSON.parse(JSON.stringify(check.definition)) as ServiceDefinition };
}

/** What the draft's PUT answers for `definition` sent as JSON: [] when it stores it as sent, else the 422's errors. */
export function draftSaveProblems(definition: ServiceDefinition): ErrorItem[] {
  const check = checkDefinition(JSON.parse(JSON.stringify(definition)));
  return check.ok ? [] : check.errors;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * What `node` holds, its local `$ref`s followed by hand (`#`, `#/$defs/x`, `#/properties/x`; a loop stops): the
 * node itself when it has `properties`, `items` or `prefixItems` of its own.
 */
export function heldBy(definition: Json, node: Json): Json {
  const seen = new Set<Json>();
  let at = node;
  while (typeof at.$ref === 'string' && !('properties' in at || 'items' in at || 'prefixItems' in at)) {
    if (seen.has(at) || !at.$ref.startsWith('#')) break;
    seen.add(at);
    let target: unknown = definition.schema;
    const fragment = decodeURIComponent(at.$ref.slice(1));
    for (const segment of fragment === '' ? [] : fragment.slice(1).split('/'))
      target = isObject(target) ? target[segment.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    if (!isObject(target)) break;
    at = target;
  }
  return at;
}

/**
 * Whether `node`'s type is `type`, written alone or with `null` (`["object", "null"]`, OpenAPI 3.1's nullable group):
 * the form draws such a node as the group or the list.
 */
export const typeIs = (node: Json, type: 'object' | 'array'): boolean =>
  node.type === type ||
  (Array.isArray(node.type) && node.type.includes(type) && node.type.every((t) => t === type || t === 'null'));

/** A tuple's places (2020-12 `prefixItems`, draft-07's list `items`), or undefined for any other node. */
export function placesOf(node: Json): Json[] | undefined {
  if (!typeIs(node, 'array')) return undefined;
  if (Array.isArray(node.prefixItems)) return node.prefixItems as Json[];
  return Array.isArray(node.items) ? (node.items as Json[]) : undefined;
}

/** One field of an object as the checks read it by hand: its schema, where it is declared, its branch's uiSchema. */
export interface DeclaredField {
  node: Json;
  /** The schema whose `properties` hold it. */
  owner: Json;
  /** Not in the object's own `properties`: in an `allOf` part, a `oneOf`/`anyOf` branch, a `then`/`else`, a dependency. */
  inBranch: boolean;
  /** The index of the object's own choice's branch (RJSF 6 reads its fields' uiSchema in `uiSchema.oneOf[i]`). */
  uiBranch?: number;
}

/**
 * The fields an object draws, read by hand as docs/definition-format.md says RJSF draws them: its own `properties`,
 * then those its `allOf` parts, `oneOf`/`anyOf` branches, `then`/`else` and `dependentSchemas`/`dependencies`
 * declare (`$ref`s followed), each key where it is first declared in document order.
 */
export function declaredFields(definition: Json, held: Json): Map<string, DeclaredField> {
  const out = new Map<string, DeclaredField>();
  for (const [key, node] of Object.entries(isObject(held.properties) ? held.properties : {}))
    out.set(key, { node: node as Json, owner: held, inBranch: false });
  const seen = new Set<Json>([held]);
  const parts = (at: Json, uiBranch: number | undefined, merged: boolean, depth: number) => {
    if (depth > 8) return;
    const visit = (raw: unknown, branch: number | undefined, inMerged: boolean) => {
      if (!isObject(raw)) return;
      const part = heldBy(definition, raw);
      if (seen.has(part)) return;
      seen.add(part);
      for (const [key, node] of Object.entries(isObject(part.properties) ? part.properties : {}))
        if (!out.has(key)) out.set(key, { node: node as Json, owner: part, inBranch: true, uiBranch: branch });
      parts(part, branch, inMerged, depth + 1);
    };
    for (const keyword of ['allOf', 'oneOf', 'anyOf']) {
      const list = at[keyword];
      if (!Array.isArray(list)) continue;
      list.forEach((part, i) =>
        visit(part, keyword !== 'allOf' && uiBranch === undefined && !merged ? i : uiBranch, merged),
      );
    }
    visit(at.then, uiBranch, merged);
    visit(at.else, uiBranch, merged);
    for (const keyword of ['dependentSchemas', 'dependencies']) {
      const map = at[keyword];
      if (isObject(map)) for (const part of Object.values(map)) visit(part, uiBranch, true);
    }
  };
  parts(held, undefined, false, 0);
  return out;
}

/** `uiSchema.oneOf[i]` (else `anyOf[i]`) when it is a uiSchema, else the object's own: where a branch's fields' are. */
function branchUiByHand(ui: Json | undefined, index: number | undefined): Json | undefined {
  if (!ui || index === undefined) return ui;
  const list = Array.isArray(ui.oneOf) ? ui.oneOf : Array.isArray(ui.anyOf) ? ui.anyOf : undefined;
  const own = list?.[index];
  return isObject(own) ? own : ui;
}

/**
 * The schema and uiSchema entries of `path` in a plain copy of a definition, found by hand as the checks' own
 * reading (not the studio's): properties (and those branches and parts declare: declaredFields), `items` through lists, a tuple's places by index (their uiSchema in the
 * tuple's `items`, a list, or one entry for all), and `$ref`s followed into what they name.
 */
export function placeOf(definition: Json, path: readonly string[]): { node: Json; ui: Json | undefined } {
  let container = heldBy(definition, definition.schema as Json);
  let uiContainer: Json | undefined = isObject(definition.uiSchema) ? definition.uiSchema : undefined;
  let node: Json = {};
  let ui: Json | undefined;
  for (const key of path) {
    const places = placesOf(container);
    if (places) {
      node = places[Number(key)]!;
      const items = uiContainer?.items;
      const entry = Array.isArray(items) ? items[Number(key)] : items;
      ui = isObject(entry) ? entry : undefined;
    } else {
      const declared = declaredFields(definition, container).get(key);
      node = declared?.node ?? {};
      const uiOwner = branchUiByHand(uiContainer, declared?.uiBranch);
      ui = uiOwner && isObject(uiOwner[key]) ? (uiOwner[key] as Json) : undefined;
    }
    const held = heldBy(definition, node);
    const list = typeIs(held, 'array') && !placesOf(held);
    container = list ? heldBy(definition, held.items as Json) : held;
    uiContainer = list ? (ui && isObject(ui.items) ? ui.items : undefined) : ui;
  }
  return { node, ui };
}
