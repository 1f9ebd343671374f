import { resolve, toJsonPointer, type ErrorItem, type Schema } from '@guichet/shared';

/** Keys whose values are data or annotations, never schemas: an `allOf` inside them is not one. */
const NOT_SCHEMAS = new Set(['default', 'const', 'enum', 'examples', 'example', 'discriminator', 'required']);

const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The names an object schema lets through when it says `additionalProperties: false`; undefined when it is open. */
function closedTo(schema: Schema): Set<string> | undefined {
  if (schema.additionalProperties !== false) return undefined;
  // A name a pattern admits is not extra: too clever to decide here, so such a schema is left alone.
  if (isSchema(schema.patternProperties) && Object.keys(schema.patternProperties).length > 0) return undefined;
  return new Set(Object.keys(isSchema(schema.properties) ? schema.properties : {}));
}

/** The names a schema declares as answers it takes (`properties`, a `false` one is a refusal, not a field). */
function declared(schema: Schema): string[] {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  return Object.entries(properties)
    .filter(([, sub]) => sub !== false)
    .map(([name]) => name);
}

/**
 * An `allOf` whose parts disagree on what an answer may hold: one part closed by `additionalProperties: false`
 * (which, unlike `unevaluatedProperties`, sees only its own `properties`), another declaring a field it does not
 * know. Every answer giving that field is refused, and if the field is required no answer passes: RJSF merges the
 * parts and draws it, ajv refuses it, and the citizen cannot send. OpenAPI's inheritance (a closed base and an
 * extension) and closed zod objects joined by hand are written so. Refused where the closing keyword is, saying
 * what to write instead; `additionalProperties: false` beside the `allOf` (closing it against its own parts) too.
 */
export function closedAllOfProblems(root: Schema): ErrorItem[] {
  const problems: ErrorItem[] = [];
  const stack: Array<{ node: unknown; path: Array<string | number> }> = [{ node: root, path: ['schema'] }];
  let visited = 0;
  while (stack.length && problems.length < 20 && visited++ < 50_000) {
    const { node, path } = stack.pop()!;
    if (Array.isArray(node)) {
      node.forEach((child, i) => stack.push({ node: child, path: [...path, i] }));
      continue;
    }
    if (!isSchema(node)) continue;
    for (const [key, value] of Object.entries(node))
      if (!NOT_SCHEMAS.has(key) && !key.startsWith('x-') && typeof value === 'object')
        stack.push({ node: value, path: [...path, key] });
    if (!Array.isArray(node.allOf)) continue;
    const parts = node.allOf.map((member, i) => ({
      schema: isSchema(member) ? resolve(root, member) : {},
      own: isSchema(member) && typeof member.$ref !== 'string',
      path: [...path, 'allOf', i],
    }));
    const all = [{ schema: node, own: true, path }, ...parts];
    for (const part of all) {
      const allowed = closedTo(part.schema);
      if (!allowed) continue;
      const foreign = [
        ...new Set(all.filter((other) => other !== part).flatMap((other) => declared(other.schema))),
      ].filter((name) => !allowed.has(name));
      if (foreign.length === 0) continue;
      const names = foreign
        .slice(0, 5)
        .map((n) => `« ${n} »`)
        .join(', ');
      const where = part.path === path ? 'à côté de « allOf »' : 'dans une partie de « allOf »';
      problems.push({
        pointer: toJsonPointer(part.own ? [...part.path, 'additionalProperties'] : [...part.path, '$ref']),
        code: 'closed_all_of',
        message: `« additionalProperties: false » ${where} ne voit que les champs de son propre schéma : il refuse ${names}, que déclare une autre partie, et aucune réponse qui les donne ne passerait. Retirez-le, et fermez l’ensemble par « "unevaluatedProperties": false » à côté de « allOf » (JSON Schema 2019-09 et suivants), qui voit les champs de toutes les parties.`,
      });
    }
  }
  return problems;
}
