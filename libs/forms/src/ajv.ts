import Ajv2020, { _, type KeywordCxt, type Options } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { RE2JS } from 're2js';
import { CUSTOM_FORMATS } from '@guichet/shared';

/** Standard formats a form may use (ajv-formats), besides our French ones. `regex` is not one: it would compile citizens' input. */
export const STANDARD_FORMATS = [
  'date',
  'time',
  'date-time',
  'email',
  'uri',
  'uuid',
  'hostname',
  'ipv4',
  'ipv6',
] as const;
export const ALLOWED_FORMATS: ReadonlySet<string> = new Set([...STANDARD_FORMATS, ...Object.keys(CUSTOM_FORMATS)]);

/** Our `x-` keywords: annotations and checks other JSON Schema tools ignore. */
export const EXTENSION_KEYWORDS = ['x-file', 'x-hint'] as const;

/**
 * Patterns run under RE2 semantics on the server: matching time is linear in
 * the input whatever the pattern, so no schema can stall a worker.
 */
const re2Engine = Object.assign(
  (pattern: string, flags: string) => {
    const re = RE2JS.compile(pattern, flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
    // ajv caches compiled patterns by their string form: each must have its own.
    return { test: (s: string) => re.matcher(s).find(), toString: () => `/${pattern}/${flags}` };
  },
  { code: 're2js' },
);

export interface AjvTarget {
  /**
   * `server` (default): patterns under RE2. `browser`: code generation for a
   * standalone module, native RegExp (the policy has refused every pattern
   * that could backtrack), formats taken from the runtime the page passes in.
   */
  target?: 'server' | 'browser';
}

export function createAjv(options: Options & AjvTarget = {}): Ajv2020 {
  const { target = 'server', ...rest } = options;
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    // Errors carry their subschema, where a field's own x-hint lives.
    verbose: true,
    validateFormats: true,
    code:
      target === 'browser'
        ? { source: true, esm: true, optimize: 1, formats: _`runtime.formats` }
        : { regExp: re2Engine, optimize: 1 },
    ...rest,
  });
  addFormats(ajv, [...STANDARD_FORMATS]);
  // Plain functions (not { validate }): the browser runtime passes CUSTOM_FORMATS as they are.
  for (const [name, validate] of Object.entries(CUSTOM_FORMATS)) ajv.addFormat(name, validate);
  ajv.addKeyword({
    keyword: 'x-file',
    type: 'string',
    // The stored value is an attachment id; type and size are checked when the file is uploaded.
    metaSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        accept: {
          type: 'array',
          minItems: 1,
          maxItems: 20,
          items: { type: 'string', pattern: '^[a-z]+/([a-z0-9.+-]+|\\*)$' },
        },
        maxBytes: { type: 'integer', minimum: 1, maximum: 100 * 1024 * 1024 },
      },
    },
    // Generated code, not a function, so that standalone browser modules can carry it.
    code(cxt: KeywordCxt) {
      cxt.fail(_`!/^[0-9a-f-]{36}$/.test(${cxt.data})`);
    },
  });
  ajv.addKeyword({ keyword: 'x-hint', metaSchema: { type: 'string', maxLength: 1000 } });
  return ajv;
}
