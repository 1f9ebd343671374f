import {
  decodePointerSegment,
  orderedKeys,
  parseJsonPointer,
  slugify,
  toJsonPointer,
  type ErrorItem,
  type ServiceDefinition,
  uiText,
} from '@guichet/shared';

export const EXPORT_KIND = 'service-export';

export interface ServiceExport {
  guichet: typeof EXPORT_KIND;
  formatVersion: 1;
  service: { slug: string; title: string; description?: string | null };
  definition: ServiceDefinition;
}

export interface ImportedService {
  service?: { slug?: string; title?: string; description?: string | null };
  definition: unknown;
  /** What the import converted or keeps without effect, located in the definition it produced (`/definition/…`). */
  warnings: ErrorItem[];
}

type Path = Array<string | number>;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What a conversion says it did, each located in the converted schema. */
class Notes {
  readonly items: ErrorItem[] = [];
  constructor(private readonly at: Path = ['definition', 'schema']) {}
  add(path: Path, code: string, message: string): void {
    if (this.items.length < 200) this.items.push({ pointer: toJsonPointer([...this.at, ...path]), code, message });
  }
}

/** Keywords whose value is one subschema, a list of them, or a map of them (every draft from 04 to 2020-12). */
const ONE = [
  'additionalProperties',
  'additionalItems',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
];
const LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const MAP = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];

/** Every subschema directly under `node`, with the keys that lead to it. */
function children(node: Record<string, unknown>): Array<[Path, unknown]> {
  const out: Array<[Path, unknown]> = [];
  for (const [key, value] of Object.entries(node)) {
    if (ONE.includes(key) || (key === 'items' && !Array.isArray(value))) out.push([[key], value]);
    else if ((LIST.includes(key) || key === 'items') && Array.isArray(value))
      value.forEach((sub, i) => out.push([[key, i], sub]));
    else if ((MAP.includes(key) || key === 'dependencies') && isObject(value))
      for (const [name, sub] of Object.entries(value)) if (!Array.isArray(sub)) out.push([[key, name], sub]);
  }
  return out;
}

/** Calls `visit` on every subschema with its path and base URI (which `$id`, or draft-04's `id`, moves). */
function walk(root: unknown, visit: (node: Record<string, unknown>, path: Path, base: string) => void): void {
  const stack: Array<{ node: unknown; path: Path; base: string }> = [{ node: root, path: [], base: BUNDLE_BASE }];
  while (stack.length) {
    const { node, path, base } = stack.pop()!;
    if (!isObject(node)) continue;
    const id = idOf(node);
    let here = base;
    if (id !== undefined && !id.startsWith('#')) {
      try {
        here = withoutFragment(new URL(id, base).href);
      } catch {
        // Not a URI: left for the policy.
      }
    }
    visit(node, path, here);
    for (const [keys, sub] of children(node)) stack.push({ node: sub, path: [...path, ...keys], base: here });
  }
}

/** Where a bundle without `$id` of its own is taken to sit: relative `$id`s resolve against it. */
const BUNDLE_BASE = 'https://guichet.invalid/schema.json';
const withoutFragment = (uri: string) => uri.replace(/#.*$/, '');
const idOf = (node: Record<string, unknown>): string | undefined =>
  typeof node.$id === 'string' ? node.$id : typeof node.id === 'string' ? node.id : undefined;

/**
 * A bundle (subschemas with their own `$id`, draft-04 `id`, `$anchor` or a
 * plain-name `#fragment`, and `$ref`s by those names) made into one document
 * with local references: each `$ref` that names a part of this document,
 * however it names it, becomes a JSON pointer (`#/definitions/address`).
 * References to other documents stay as they are: the policy refuses them
 * (`remote_ref`).
 */
export function resolveBundle(root: unknown, notes = new Notes()): unknown {
  const documents = new Map<string, Path>([[BUNDLE_BASE, []]]);
  const anchors = new Map<string, Path>();
  walk(root, (node, path, base) => {
    const id = idOf(node);
    if (id !== undefined) {
      if (id.startsWith('#')) anchors.set(`${base}${id}`, path);
      else {
        documents.set(base, path);
        const fragment = /#(.+)$/.exec(id)?.[1];
        if (fragment && !fragment.startsWith('/')) anchors.set(`${base}#${fragment}`, path);
      }
    }
    if (typeof node.$anchor === 'string') anchors.set(`${base}#${node.$anchor}`, path);
  });
  if (documents.size === 1 && anchors.size === 0) return root;

  const copy = structuredClone(root);
  walk(copy, (node, path, base) => {
    if (typeof node.$ref !== 'string') return;
    let target: URL;
    try {
      target = new URL(node.$ref, base);
    } catch {
      return;
    }
    const document = documents.get(withoutFragment(target.href));
    const fragment = decodeURIComponent(target.hash.slice(1));
    let place: Path | undefined;
    if (fragment === '' || fragment.startsWith('/')) {
      if (document) place = [...document, ...parseJsonPointer(fragment)];
    } else place = anchors.get(`${withoutFragment(target.href)}#${fragment}`);
    if (!place) return;
    const local = `#${toJsonPointer(place)}`;
    if (local !== node.$ref) {
      notes.add(path, 'converted', `Référence « ${node.$ref} » résolue dans le document : « ${local} ».`);
      node.$ref = local;
    }
  });
  return copy;
}

/**
 * Older drafts (RJSF's playground writes draft-07; public bodies still
 * publish draft-04) into 2020-12, keeping the authored key order:
 * `definitions` → `$defs`; `dependencies` → `dependentRequired` (lists of
 * names) and `dependentSchemas` (schemas); tuple `items: [ … ]` →
 * `prefixItems`, and `additionalItems` → `items`; draft-04's boolean
 * `exclusiveMinimum`/`exclusiveMaximum` → the numeric form; `$schema`, and
 * `$id`/`id`/`$anchor` below the root (resolve the bundle first) go; RJSF's
 * non-standard `enumNames` become `oneOf` of `const` + `title`, the labels
 * the form draws. Every local `$ref` follows the subschema it named.
 * Anything else (annotations included) is kept as it is.
 */
export function toDraft2020(node: unknown, notes = new Notes()): unknown {
  const moved = new Map<string, string>();
  const out = convert(node, [], [], moved, notes);
  return rewriteRefs(out, (ref) => followMove(ref, moved));
}

function followMove(ref: string, moved: ReadonlyMap<string, string>): string {
  if (!ref.startsWith('#')) return ref;
  let segments: Path;
  try {
    segments = parseJsonPointer(decodeURIComponent(ref.slice(1)));
  } catch {
    return ref;
  }
  // The longest prefix that names a converted subschema, then the rest as it was.
  for (let n = segments.length; n >= 0; n--) {
    const to = moved.get(toJsonPointer(segments.slice(0, n)));
    if (to !== undefined) return `#${to}${toJsonPointer(segments.slice(n))}`;
  }
  return ref;
}

/** Every `$ref` of the schema passed through `change`. */
function rewriteRefs(root: unknown, change: (ref: string) => string): unknown {
  walk(root, (node) => {
    if (typeof node.$ref === 'string') node.$ref = change(node.$ref);
  });
  return root;
}

/** Keywords that shape a group: beside a `$ref`, 2019-09 and 2020-12 apply them with the referred group's own. */
const SHAPING = [
  'properties',
  'required',
  'patternProperties',
  'dependentRequired',
  'dependentSchemas',
  'dependencies',
];

/**
 * `{ "$ref": "#/$defs/adresse", "properties": { "complément": … }, "required": [ … ] }`: 2019-09 and 2020-12 apply
 * the reference and its siblings alike (ajv requires the referred group's fields and the sibling's), but RJSF, like
 * any reader that puts the siblings over the referred schema, loses the referred `properties` and `required`: it
 * draws only « complément » and its validator then refuses every answer for fields it never drew. The same meaning
 * written as `allOf` of the reference and the shaping siblings is drawn whole by RJSF and by Guichet; the siblings
 * that name or describe the group (`title`, `description`, `default`, `readOnly`…) stay beside it.
 */
function refBesideShaping(
  node: Record<string, unknown>,
  from: Path,
  to: Path,
  moved: Map<string, string>,
  notes: Notes,
) {
  const pick = (keep: (key: string) => boolean) => Object.fromEntries(Object.entries(node).filter(([k]) => keep(k)));
  const outside = convert(
    pick((k) => !SHAPING.includes(k) && k !== '$ref' && k !== 'allOf'),
    from,
    to,
    moved,
    notes,
  ) as Record<string, unknown>;
  const shaping = convert(
    pick((k) => SHAPING.includes(k)),
    from,
    [...to, 'allOf', 1],
    moved,
    notes,
  );
  const own = Array.isArray(node.allOf)
    ? node.allOf.map((s, i) => convert(s, [...from, 'allOf', i], [...to, 'allOf', i + 2], moved, notes))
    : [];
  moved.set(toJsonPointer(from), toJsonPointer(to));
  notes.add(
    [...to, 'allOf'],
    'converted',
    '« $ref » à côté de « properties » ou « required » réécrit en « allOf » de la référence et de ces mots-clés : les champs du groupe référencé et ceux ajoutés à côté sont dessinés et exigés ensemble (JSON Schema 2019-09 et 2020-12 appliquent les deux ; RJSF remplaçait les premiers par les seconds).',
  );
  return { ...outside, allOf: [{ $ref: node.$ref }, shaping, ...own] };
}

function convert(node: unknown, from: Path, to: Path, moved: Map<string, string>, notes: Notes): unknown {
  if (!isObject(node)) return node;
  if (typeof node.$ref === 'string' && SHAPING.some((k) => node[k] !== undefined))
    return refBesideShaping(node, from, to, moved, notes);
  moved.set(toJsonPointer(from), toJsonPointer(to));
  const sub = (value: unknown, fromKeys: Path, toKeys: Path) =>
    convert(value, [...from, ...fromKeys], [...to, ...toKeys], moved, notes);
  const map = (value: unknown, fromKey: string, toKey: string, into: Record<string, unknown> = {}) => {
    if (!isObject(value)) return value;
    for (const [name, schema] of Object.entries(value)) into[name] = sub(schema, [fromKey, name], [toKey, name]);
    return into;
  };
  const tuple = Array.isArray(node.items);
  const labels =
    Array.isArray(node.enum) &&
    Array.isArray(node.enumNames) &&
    node.enum.length === node.enumNames.length &&
    node.oneOf === undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    switch (key) {
      case '$schema':
        continue;
      case '$id':
      case 'id':
      case '$anchor':
        // At the root the service keeps what it needs (fromBareSchema); below, resolveBundle has used them.
        if (typeof value === 'string' && (from.length > 0 || key !== '$id')) continue;
        out[key] = value;
        continue;
      case 'definitions':
      case '$defs': {
        // Both may exist in a hand-merged file: $defs wins a name clash, as the 2020-12 name.
        const converted = map(value, key, '$defs');
        const known = isObject(out.$defs) ? out.$defs : {};
        out.$defs = key === '$defs' ? { ...known, ...(converted as object) } : { ...(converted as object), ...known };
        if (key === 'definitions')
          notes.add(
            [...to, '$defs'],
            'converted',
            '« definitions » (draft-07) converti en « $defs » ; ses références suivent.',
          );
        continue;
      }
      case 'components': {
        // An OpenAPI document's `components.schemas` kept whole, its `$ref`s as the tool wrote them
        // (`#/components/schemas/Demande`, drf-spectacular, NestJS, FastAPI): RJSF and ajv follow any local pointer,
        // the policy none into an annotation. Its schemas become `$defs`, references follow; a name `$defs` or
        // `definitions` already holds stays where it was (and its references with it).
        if (from.length > 0 || !isObject(value) || !isObject(value.schemas)) {
          out[key] = value;
          continue;
        }
        const taken = new Set([
          ...Object.keys(isObject(node.$defs) ? node.$defs : {}),
          ...Object.keys(isObject(node.definitions) ? node.definitions : {}),
        ]);
        const defs: Record<string, unknown> = isObject(out.$defs) ? out.$defs : {};
        const kept: Record<string, unknown> = {};
        for (const [name, schema] of Object.entries(value.schemas)) {
          if (taken.has(name)) kept[name] = schema;
          else defs[name] = sub(schema, [key, 'schemas', name], ['$defs', name]);
        }
        out.$defs = defs;
        const { schemas: _schemas, ...others } = value;
        const rest = Object.keys(kept).length > 0 ? { ...others, schemas: kept } : others;
        if (Object.keys(rest).length > 0) out.components = rest;
        notes.add(
          [...to, '$defs'],
          'converted',
          '« components.schemas » (OpenAPI) converti en « $defs » ; ses références suivent.',
        );
        continue;
      }
      case 'dependencies':
        if (!isObject(value)) {
          out[key] = value;
          continue;
        }
        for (const [name, dependency] of Object.entries(value)) {
          if (Array.isArray(dependency)) {
            const required = (out.dependentRequired ??= {}) as Record<string, unknown>;
            required[name] = dependency;
          } else {
            const schemas = (out.dependentSchemas ??= {}) as Record<string, unknown>;
            schemas[name] = sub(dependency, ['dependencies', name], ['dependentSchemas', name]);
          }
        }
        notes.add(
          to,
          'converted',
          '« dependencies » (draft-07) converti en « dependentRequired » (listes de champs) et « dependentSchemas » (schémas).',
        );
        continue;
      case 'items':
        if (tuple) {
          out.prefixItems = (value as unknown[]).map((item, i) => sub(item, ['items', i], ['prefixItems', i]));
          notes.add([...to, 'prefixItems'], 'converted', '« items » en liste (draft-07) converti en « prefixItems ».');
        } else out.items = sub(value, ['items'], ['items']);
        continue;
      case 'additionalItems':
        if (tuple) out.items = sub(value, ['additionalItems'], ['items']);
        else
          notes.add(
            to,
            'converted',
            '« additionalItems » retiré : sans « items » en liste, il n’avait pas d’effet (draft-07).',
          );
        continue;
      case 'minimum':
      case 'maximum': {
        const exclusive = key === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum';
        if (node[exclusive] === true) {
          out[exclusive] = value;
          notes.add(
            [...to, exclusive],
            'converted',
            `« ${key} » + « ${exclusive}: true » (draft-04) converti en « ${exclusive}: ${String(value)} ».`,
          );
        } else out[key] = value;
        continue;
      }
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        // Draft-04's boolean form: folded into minimum/maximum above, or without effect.
        if (typeof value !== 'boolean') out[key] = value;
        continue;
      case 'enum':
        if (labels) {
          const names = node.enumNames as unknown[];
          out.oneOf = (value as unknown[]).map((v, i) => ({ const: v, title: String(names[i] ?? v) }));
          notes.add(
            [...to, 'oneOf'],
            'converted',
            '« enum » + « enumNames » (RJSF) convertis en « oneOf » de « const » + « title » : les libellés sont gardés.',
          );
        } else out.enum = value;
        continue;
      case 'enumNames':
        if (!labels) out.enumNames = value;
        continue;
      default:
        if (ONE.includes(key)) out[key] = sub(value, [key], [key]);
        else if (LIST.includes(key) && Array.isArray(value)) out[key] = value.map((s, i) => sub(s, [key, i], [key, i]));
        else if (MAP.includes(key)) out[key] = map(value, key, key);
        else out[key] = value;
    }
  }
  return out;
}

/** A field key for a wrapped root: the name of the definition it referred to, or « reponse ». */
function wrapKey(schema: Record<string, unknown>): string {
  const name =
    typeof schema.$ref === 'string' ? /^#\/\$defs\/([A-Za-z][A-Za-z0-9_]{0,62})$/.exec(schema.$ref)?.[1] : undefined;
  return name ?? 'reponse';
}

/**
 * A form is an object with fields. A root that is not (a scalar, an array, a
 * `$ref`, a composition of `allOf`/`anyOf`/`oneOf` without fields of its
 * own) is placed, whole, in one field of a new object root; `$defs` stay at
 * the root, every other local `$ref` follows the move. A root object with
 * fields keeps its `anyOf`/`oneOf`/`if` rules (« at least one of… »).
 */
function wrapRoot(
  schema: Record<string, unknown>,
  uiSchema: Record<string, unknown> | undefined,
  notes: Notes,
  serviceTitle?: string,
): { schema: Record<string, unknown>; uiSchema?: Record<string, unknown> } {
  const fields = isObject(schema.properties) && Object.keys(schema.properties).length > 0;
  if (fields && (schema.type === undefined || schema.type === 'object')) return { schema, uiSchema };
  const key = wrapKey(schema);
  const { $defs, $id: _id, ...inner } = schema;
  // A root `$ref` to a type no one titled (ts-json-schema-generator's `#/definitions/DeclarationPrealable`): RJSF
  // draws that root without a legend, where the field it becomes here would be labelled with the type's name. It
  // takes the service's title, the words the designer gave the whole form.
  const target = key !== 'reponse' && isObject($defs) ? $defs[key] : undefined;
  const untitled = (v: unknown) => !isObject(v) || typeof v.title !== 'string' || v.title.trim() === '';
  if (
    serviceTitle?.trim() &&
    isObject(target) &&
    untitled(inner) &&
    untitled(target) &&
    !(isObject(uiSchema) && uiText(uiSchema, 'title')?.trim())
  )
    inner.title = serviceTitle.trim();
  const moved = (ref: string) => {
    if (!ref.startsWith('#') || ref.startsWith('#/$defs/') || ref === '#/$defs') return ref;
    return `#/properties/${key}${ref.slice(1)}`;
  };
  // $defs and the wrapped schema apart: only schema keywords are walked, and `inner` is not one.
  const defs = isObject($defs) ? (rewriteRefs({ $defs }, moved) as { $defs: unknown }).$defs : undefined;
  rewriteRefs(inner, moved);
  notes.add(
    ['properties', key],
    'root_wrapped',
    `La racine du schéma n’est pas un objet à champs (${describeRoot(schema)}) : elle est placée telle quelle dans le champ « ${key} » d’un formulaire, sur sa propre étape. Renommez son titre dans le studio si besoin.`,
  );
  return {
    schema: {
      ...(typeof schema.title === 'string' ? { title: schema.title } : {}),
      type: 'object',
      ...(defs !== undefined ? { $defs: defs } : {}),
      properties: { [key]: inner },
      required: [key],
    },
    ...(uiSchema ? { uiSchema: { [key]: uiSchema } } : {}),
  };
}

function describeRoot(schema: Record<string, unknown>): string {
  if (typeof schema.$ref === 'string') return `une référence « ${schema.$ref} »`;
  for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(schema[k])) return `une composition « ${k} »`;
  if (schema.type === 'array') return 'une liste';
  if (typeof schema.type === 'string' && schema.type !== 'object') return `une valeur de type « ${schema.type} »`;
  return 'un objet sans champs';
}

/**
 * A bare JSON Schema (from the RJSF playground, another platform, a
 * developer's editor) turned into a service: one page per top-level object,
 * the other top-level fields on a first page, no rules, sign-in optional.
 * Standard JSON Schema in, a working service out; `notes` gets what was
 * converted.
 */
export function fromBareSchema(
  schema: Record<string, unknown>,
  uiSchema?: Record<string, unknown>,
  notes = new Notes(),
  serviceTitle?: string,
): ServiceDefinition {
  const converted = toDraft2020(resolveBundle(schema, notes), notes) as Record<string, unknown>;
  ({ schema, uiSchema } = wrapRoot(converted, uiSchema, notes, serviceTitle));
  const properties = isObject(schema.properties) ? schema.properties : {};
  // Pages follow the order RJSF draws the fields in (the root's `ui:order`, `*` for the rest, else the authored
  // order): each group (an object) on its own page, titled as RJSF titles it (`ui:title`), the fields between
  // groups together.
  const pages: ServiceDefinition['pages'] = [];
  const used = new Set<string>();
  const pageId = (base: string) => {
    let id = base;
    while (used.has(id)) id = `${id}-2`;
    used.add(id);
    return id;
  };
  let loose: string[] = [];
  const closeLoose = () => {
    if (loose.length === 0) return;
    const first = !pages.some((p) => p.id.startsWith('informations'));
    pages.push({
      id: pageId('informations'),
      title: first ? (typeof schema.title === 'string' ? schema.title : 'Informations') : 'Autres informations',
      fields: loose,
    });
    loose = [];
  };
  // A group written as a local `$ref` (`#/$defs/adresse`) is a group too: its own page, titled as the group.
  const group = (sub: unknown): Record<string, unknown> | undefined => {
    if (!isObject(sub)) return undefined;
    if (sub.type === 'object') return sub;
    if (typeof sub.$ref !== 'string' || !sub.$ref.startsWith('#/')) return undefined;
    let target: unknown = schema;
    for (const segment of sub.$ref.slice(2).split('/'))
      target = isObject(target) ? target[decodePointerSegment(segment)] : undefined;
    return isObject(target) && target.type === 'object' ? { ...target, ...sub } : undefined;
  };
  const rootUi = isObject(uiSchema) ? uiSchema : {};
  for (const key of orderedKeys(schema, rootUi)) {
    const object = group(properties[key]);
    if (object) {
      closeLoose();
      const ownUi = isObject(rootUi[key]) ? rootUi[key] : {};
      const title = uiText(ownUi, 'title') ?? (typeof object.title === 'string' ? object.title : key);
      pages.push({ id: pageId(slugify(title, { maxLength: 40, fallback: 'etape' })), title, fields: [key] });
    } else loose.push(key);
  }
  closeLoose();
  // A bare schema often carries `$id`/`title` for its own tool; the service keeps the data part.
  const { $id: _id, ...rest } = schema;
  return {
    formatVersion: 1,
    // The authored key order is kept: `type` is added (first) only when the schema had none.
    schema: 'type' in rest ? rest : { type: 'object', ...rest },
    ...(uiSchema ? { uiSchema } : {}),
    pages,
    settings: { signIn: 'optional' },
  };
}

/** Keywords that make an object a JSON Schema rather than something else. */
const SCHEMA_MARKS = [
  '$schema',
  'type',
  'properties',
  '$ref',
  'allOf',
  'anyOf',
  'oneOf',
  'definitions',
  '$defs',
  'items',
  'enum',
  'const',
];
const looksLikeSchema = (v: Record<string, unknown>) => SCHEMA_MARKS.some((k) => v[k] !== undefined);

/** Recognises what was imported: a Guichet export, `{ schema, uiSchema }`, or a bare JSON Schema (any draft, any root). */
export function readImport(file: unknown, uiSchema?: unknown, serviceTitle?: string): ImportedService | undefined {
  if (!isObject(file)) return undefined;
  if (file.guichet === EXPORT_KIND) {
    return {
      service: isObject(file.service) ? (file.service as ImportedService['service']) : undefined,
      definition: file.definition,
      warnings: [],
    };
  }
  if (file.formatVersion === 1 && isObject(file.schema) && Array.isArray(file.pages))
    return { definition: file, warnings: [] };
  const notes = new Notes();
  if (isObject(file.schema) && (file.uiSchema === undefined || isObject(file.uiSchema))) {
    return {
      service: titleOf(file.schema),
      definition: fromBareSchema(
        file.schema,
        file.uiSchema as Record<string, unknown> | undefined,
        notes,
        serviceTitle,
      ),
      warnings: notes.items,
    };
  }
  if (looksLikeSchema(file)) {
    return {
      service: titleOf(file),
      definition: fromBareSchema(file, isObject(uiSchema) ? uiSchema : undefined, notes, serviceTitle),
      warnings: notes.items,
    };
  }
  return undefined;
}

function titleOf(schema: Record<string, unknown>): ImportedService['service'] {
  return typeof schema.title === 'string'
    ? { title: schema.title, description: typeof schema.description === 'string' ? schema.description : undefined }
    : undefined;
}
