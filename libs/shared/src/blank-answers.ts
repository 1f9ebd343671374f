/**
 * Spaces around a typed answer, and answers of spaces alone, as both sides read them before checking.
 *
 * A phone's keyboard leaves a space after a word it completed (« 45000 ») and a copied value brings its line break;
 * a required name « answered » with a space, or with an invisible zero-width character, is not answered. So, before
 * any check, each text answer loses the white space and zero-width characters at its ends, and a property whose text
 * is nothing else is taken as unanswered (removed, as an emptied field is): « 45000 » is a postal code, and a blank
 * name is « Ce champ est obligatoire » at the field, in the browser and on the server alike. Items of a list keep
 * their place (emptied, not removed). A value written as such in the schema (`enum`, `const`: « Oui » with its
 * space) is left exactly as it is, so that a choice's value always stays one of its choices.
 */

/** White space (as `String.prototype.trim` knows it) and the zero-width characters that show nothing. */
const EDGES = /^[\s\u200b-\u200d\u2060]+|[\s\u200b-\u200d\u2060]+$/g;

/** A text answer without the white space and zero-width characters at its ends. */
export function trimText(text: string): string {
  // Most answers start and end with a visible ASCII character: nothing to trim, and no regular expression to run.
  if (text.length > 0 && visibleAscii(text.charCodeAt(0)) && visibleAscii(text.charCodeAt(text.length - 1)))
    return text;
  return text.replace(EDGES, '');
}

function visibleAscii(code: number): boolean {
  return code > 0x20 && code < 0x7f;
}

const literalsBySchema = new WeakMap<object, ReadonlySet<string>>();

/** Every string the schema names as a value (`enum`, `const`), wherever it is; computed once per schema. */
function schemaLiterals(schema: unknown): ReadonlySet<string> {
  if (schema === null || typeof schema !== 'object') return new Set();
  const known = literalsBySchema.get(schema);
  if (known) return known;
  const literals = new Set<string>();
  const stack: unknown[] = [schema];
  const seen = new Set<object>();
  while (stack.length) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    if (!Array.isArray(node)) {
      const { enum: choices, const: constant } = node as { enum?: unknown; const?: unknown };
      if (Array.isArray(choices)) for (const c of choices) if (typeof c === 'string') literals.add(c);
      if (typeof constant === 'string') literals.add(constant);
    }
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push(child);
  }
  literalsBySchema.set(schema, literals);
  return literals;
}

/**
 * The answers with each text trimmed at its ends and each blank text property removed (see above); the same object
 * when nothing changes, so untouched answers are not copied. Key order is kept.
 */
export function withoutBlankAnswers(input: unknown, schema?: unknown): unknown {
  const literals = schemaLiterals(schema);
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') return literals.has(value) ? value : trimText(value);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item, i) => {
        const next = visit(item);
        if (next !== item) (copy ??= value.slice())[i] = next;
      });
      return copy ?? value;
    }
    // The copy starts at the first property that changes, with the properties before it: none when nothing does.
    const group = value as Record<string, unknown>;
    const keys = Object.keys(group);
    let out: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const item = group[key];
      const next = visit(item);
      if (next !== item && !out) {
        out = {};
        for (let j = 0; j < i; j++) define(out, keys[j]!, group[keys[j]!]);
      }
      if (!out || (next === '' && typeof item === 'string' && item !== '')) continue;
      define(out, key, next);
    }
    return out ?? value;
  };
  return visit(input);
}

/** A property of a copy; a hostile `__proto__` key stays a plain key, as JSON.parse made it, never the prototype. */
function define(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}
