import { createHash } from 'node:crypto';
import {
  IDENTITY_CLAIMS,
  checkExpr,
  depthExceeds,
  fieldPointers,
  toJsonPointer,
  widgetName,
  type ErrorItem,
  type Locale,
  type ServiceDefinition,
} from '@guichet/shared';
import { checkWorkflow } from '@guichet/workflow';
import { createAjv, schemaCompileProblems } from './ajv';
import { closedAllOfProblems } from './closed-all-of';
import { DEFINITION_SCHEMA } from './definition-schema';
import { toErrorItems } from '@guichet/shared';
import { POLICY_LIMITS, inspectSchema } from './policy';
import { communeWarnings } from './communes/check';

const structureAjv = createAjv({ strict: false });
const validateStructure = structureAjv.compile(DEFINITION_SCHEMA);
const CLAIMS: ReadonlySet<string> = new Set(IDENTITY_CLAIMS);

/**
 * `warnings`: what is kept but has no effect in Guichet (annotations, formats
 * and uiSchema widgets it does not know), said to the designer, never a
 * reason to refuse.
 */
export type DefinitionCheck =
  { ok: true; definition: ServiceDefinition; warnings: ErrorItem[] } | { ok: false; errors: ErrorItem[] };

/**
 * The uiSchema widgets Guichet draws (the field model in @guichet/shared):
 * RJSF's standard widget names, and their aliases (`RadioWidget`, `date-time`:
 * `widgetName`). Any other falls back to the type's own.
 */
export const KNOWN_WIDGETS: ReadonlySet<string> = new Set([
  'text',
  'textarea',
  'password',
  'color',
  'email',
  'uri',
  'date',
  'time',
  'datetime',
  'select',
  'radio',
  'checkbox',
  'checkboxes',
  'range',
  'updown',
  'hidden',
  // Guichet's own: an object { codeInsee, nom, codePostal } drawn as a search of the official list (issue 23).
  'commune',
]);

/** `ui:widget` / `ui:field` names Guichet does not draw: a warning each, pointing into the uiSchema. */
function uiWarnings(uiSchema: unknown): ErrorItem[] {
  const warnings: ErrorItem[] = [];
  const stack: Array<{ node: unknown; path: Array<string | number> }> = [{ node: uiSchema, path: ['uiSchema'] }];
  while (stack.length && warnings.length < 200) {
    const { node, path } = stack.pop()!;
    if (node === null || typeof node !== 'object' || Array.isArray(node)) continue;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'ui:widget' && typeof value === 'string' && !KNOWN_WIDGETS.has(widgetName(value)!))
        warnings.push(
          err(
            [...path, key],
            'unknown_widget',
            `Widget « ${value} » inconnu de Guichet : le champ est affiché avec le widget par défaut de son type.`,
          ),
        );
      else if (key === 'ui:field' && value !== 'commune')
        warnings.push(
          err(
            [...path, key],
            'unknown_widget',
            `Champ personnalisé « ${String(value)} » (ui:field) : Guichet n’exécute pas de code de formulaire, le champ est affiché selon son type.`,
          ),
        );
      else if (key === 'ui:globalOptions') {
        // RJSF reads the root's only, as an object of options (a text would be spread letter by letter).
        if (path.length !== 1)
          warnings.push(
            err(
              [...path, key],
              'ui_global_options',
              '« ui:globalOptions » n’a d’effet qu’à la racine de l’uiSchema : ici il est conservé sans effet. Placez-le à la racine, ou écrivez ces options dans « ui:options » de ce champ.',
            ),
          );
        else if (value === null || typeof value !== 'object' || Array.isArray(value))
          warnings.push(
            err(
              [...path, key],
              'ui_global_options',
              '« ui:globalOptions » attend un objet d’options (exemple : { "label": false, "orderable": false }) : cette valeur est conservée sans effet.',
            ),
          );
      } else if (key === 'ui:options' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const widget = (value as Record<string, unknown>).widget;
        if (typeof widget === 'string' && !KNOWN_WIDGETS.has(widgetName(widget)!))
          warnings.push(
            err(
              [...path, key, 'widget'],
              'unknown_widget',
              `Widget « ${widget} » inconnu de Guichet : le champ est affiché avec le widget par défaut de son type.`,
            ),
          );
      } else if (!key.startsWith('ui:')) stack.push({ node: value, path: [...path, key] });
    }
  }
  return warnings.sort((a, b) => (a.pointer! < b.pointer! ? -1 : 1));
}

function err(path: ReadonlyArray<string | number>, code: string, message: string): ErrorItem {
  return { pointer: toJsonPointer(path), code, message };
}

const inWorkflow = (e: ErrorItem) => e.pointer === '/workflow' || (e.pointer ?? '').startsWith('/workflow/');

/**
 * The structural errors, with those of the workflow section replaced by
 * checkWorkflow's, which say the same in the designer's words and add what
 * the structure cannot see (states that exist, a way to a decision…). The
 * form's fields are not known yet, so routing rules may name any field here.
 */
function structuralErrors(input: unknown, errors: ErrorItem[]): ErrorItem[] {
  const others = errors.filter((e) => !inWorkflow(e));
  const hasWorkflow =
    input !== null && typeof input === 'object' && Object.prototype.hasOwnProperty.call(input, 'workflow');
  const workflow = hasWorkflow ? checkWorkflow((input as { workflow: unknown }).workflow) : [];
  // checkWorkflow enforces all the published schema says; should they ever disagree, the schema wins.
  return [...others, ...(workflow.length ? workflow : errors.filter(inWorkflow))];
}

/**
 * Everything that must hold before a definition is saved, imported or
 * published, each problem located by a JSON pointer into the definition:
 * size, structure, the safe schema policy, the schema compiling under ajv's
 * strict mode, pages covering every field once, rules and prefill naming
 * fields that exist, a workflow that works (checkWorkflow). Never throws on
 * any JSON input.
 */
export function checkDefinition(input: unknown, locale: Locale = 'fr'): DefinitionCheck {
  // First, without recursion: JSON.parse accepts nesting that JSON.stringify cannot walk back.
  if (depthExceeds(input, POLICY_LIMITS.documentDepth)) {
    return {
      ok: false,
      errors: [
        err([], 'definition_too_deep', `Définition trop imbriquée (${POLICY_LIMITS.documentDepth} niveaux au plus).`),
      ],
    };
  }
  const size = Buffer.byteLength(JSON.stringify(input) ?? '');
  if (size > POLICY_LIMITS.definitionBytes) {
    return {
      ok: false,
      errors: [
        err(
          [],
          'definition_too_large',
          `Définition trop volumineuse (${Math.round(size / 1024)} Ko ; 512 Ko au plus).`,
        ),
      ],
    };
  }
  if (!validateStructure(input))
    return { ok: false, errors: structuralErrors(input, toErrorItems(validateStructure.errors ?? [], locale)) };
  const definition = input as unknown as ServiceDefinition;

  const policy = inspectSchema(definition.schema);
  if (policy.errors.length) {
    const workflow = definition.workflow === undefined ? [] : checkWorkflow(definition.workflow);
    return { ok: false, errors: [...policy.errors, ...workflow] };
  }

  const compiled = schemaCompileProblems(definition.schema);
  const errors: ErrorItem[] = [...compiled.errors, ...closedAllOfProblems(definition.schema)];

  const topLevel = Object.keys((definition.schema.properties ?? {}) as object);
  const placed = new Map<string, number>();
  definition.pages.forEach((page, p) => {
    if (definition.pages.findIndex((other) => other.id === page.id) !== p)
      errors.push(err(['pages', p, 'id'], 'duplicate_page', `Deux étapes portent l’identifiant « ${page.id} ».`));
    page.fields.forEach((field, f) => {
      if (!topLevel.includes(field))
        errors.push(
          err(['pages', p, 'fields', f], 'unknown_field', `Le champ « ${field} » n’existe pas dans le schéma.`),
        );
      else if (placed.has(field))
        errors.push(
          err(
            ['pages', p, 'fields', f],
            'field_on_two_pages',
            `Le champ « ${field} » est déjà sur l’étape ${placed.get(field)! + 1}.`,
          ),
        );
      else placed.set(field, p);
    });
  });
  for (const field of topLevel) {
    if (!placed.has(field))
      errors.push(
        err(['schema', 'properties', field], 'field_without_page', `Le champ « ${field} » n’est sur aucune étape.`),
      );
  }

  const fields = fieldPointers(definition.schema);
  const pageIds = new Set(definition.pages.map((p) => p.id));
  (definition.rules?.visibility ?? []).forEach((rule, r) => {
    const path = ['rules', 'visibility', r];
    if (rule.target.startsWith('page:')) {
      if (!pageIds.has(rule.target.slice(5)))
        errors.push(err([...path, 'target'], 'unknown_page', `L’étape « ${rule.target.slice(5)} » n’existe pas.`));
    } else if (!fields.has(rule.target)) {
      errors.push(
        err([...path, 'target'], 'unknown_field', `Le champ « ${rule.target} » n’existe pas dans le schéma.`),
      );
    } else if (rule.target.endsWith('/*')) {
      errors.push(
        err(
          [...path, 'target'],
          'rule_target',
          'On masque un champ d’un bloc répétable, pas un bloc entier : visez « …/*/champ ».',
        ),
      );
    }
    // A condition on /children/*/x is evaluated for each child: that child's `*` is bound, any other must be named.
    const items = rule.target.startsWith('page:') ? [] : itemPatterns(rule.target);
    errors.push(...checkExpr(rule.when, [...path, 'when'], { fields, claims: CLAIMS, items }));
  });
  (definition.rules?.eligibility ?? []).forEach((rule, r) => {
    const at = ['rules', 'eligibility', r, 'blockWhen'];
    errors.push(...checkExpr(rule.blockWhen, at, { fields, claims: CLAIMS, items: [] }));
  });
  (definition.settings.prefill ?? []).forEach((mapping, m) => {
    if (!fields.has(mapping.pointer) || mapping.pointer.includes('*')) {
      errors.push(
        err(
          ['settings', 'prefill', m, 'pointer'],
          'unknown_field',
          `Le champ « ${mapping.pointer} » n’existe pas (ou est dans un bloc répétable).`,
        ),
      );
    }
  });

  if (definition.workflow !== undefined) errors.push(...checkWorkflow(definition.workflow, fields));

  return errors.length
    ? { ok: false, errors }
    : {
        ok: true,
        definition,
        warnings: [
          ...policy.warnings,
          ...compiled.warnings,
          ...uiWarnings(definition.uiSchema),
          ...communeWarnings(definition),
        ],
      };
}

/** `/children/*\/days/*\/x` → `['/children/*', '/children/*\/days/*']`: the items a target's `*`s stand for. */
function itemPatterns(target: string): string[] {
  const patterns: string[] = [];
  let at = -1;
  while ((at = target.indexOf('/*', at + 1)) !== -1) {
    const end = at + 2;
    if (end === target.length || target[end] === '/') patterns.push(target.slice(0, end));
  }
  return patterns;
}

/** Canonical JSON (keys sorted) hashed: the same definition always has the same hash. */
export function definitionHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
