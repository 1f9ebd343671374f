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
 * The schema and uiSchema entries of `path` in a plain copy of a definition, found by hand as the checks' own
 * reading (not the studio's): properties, and `items` through lists.
 */
export function placeOf(definition: Json, path: readonly string[]): { node: Json; ui: Json | undefined } {
  let container = definition.schema as Json;
  let uiContainer: Json | undefined = isObject(definition.uiSchema) ? definition.uiSchema : undefined;
  let node: Json = {};
  let ui: Json | undefined;
  for (const key of path) {
    node = (container.properties as Json)[key] as Json;
    ui = uiContainer && isObject(uiContainer[key]) ? (uiContainer[key] as Json) : undefined;
    container = node.type === 'array' ? (node.items as Json) : node;
    uiContainer = node.type === 'array' ? (ui && isObject(ui.items) ? ui.items : undefined) : ui;
  }
  return { node, ui };
}
