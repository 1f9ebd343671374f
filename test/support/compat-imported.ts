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

/** A tuple's places (2020-12 `prefixItems`, draft-07's list `items`), or undefined for any other node. */
export function placesOf(node: Json): Json[] | undefined {
  if (node.type !== 'array') return undefined;
  if (Array.isArray(node.prefixItems)) return node.prefixItems as Json[];
  return Array.isArray(node.items) ? (node.items as Json[]) : undefined;
}

/**
 * The schema and uiSchema entries of `path` in a plain copy of a definition, found by hand as the checks' own
 * reading (not the studio's): properties, `items` through lists, a tuple's places by index (their uiSchema in the
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
      node = (container.properties as Json)[key] as Json;
      ui = uiContainer && isObject(uiContainer[key]) ? (uiContainer[key] as Json) : undefined;
    }
    const held = heldBy(definition, node);
    const list = held.type === 'array' && !placesOf(held);
    container = list ? heldBy(definition, held.items as Json) : held;
    uiContainer = list ? (ui && isObject(ui.items) ? ui.items : undefined) : ui;
  }
  return { node, ui };
}
