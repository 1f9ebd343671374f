import Ajv2020, { _, type CodeKeywordDefinition, type ErrorObject, type KeywordCxt, type Options } from 'ajv/dist/2020';
import { str, type Name } from 'ajv/dist/compile/codegen';
import { DataType, checkDataTypes, getSchemaTypes } from 'ajv/dist/compile/validate/dataType';
import addFormats from 'ajv-formats';
import { formatLimitDefinition } from 'ajv-formats/dist/limit';
import { RE2JS } from 're2js';
import { CUSTOM_FORMATS, RJSF_FORMATS, parseJsonPointer, toJsonPointer, type ErrorItem } from '@guichet/shared';

/**
 * Standard formats a form may use, besides our French ones: what RJSF's
 * validator checks (the full set of the ajv-formats it ships, 2.x, which
 * forms written for RJSF rely on), less two. `regex` would compile citizens'
 * input; `url` (ajv-formats itself deprecates it for `uri`) takes seconds on a
 * crafted 140 KB answer. (`iso-time` and `iso-date-time` came with
 * ajv-formats 3: RJSF does not check them, nor does Guichet.)
 * Every other one runs in time linear in the answer (measured on repeated
 * URI, pointer and duration pieces: a few milliseconds for 140 KB).
 */
export const STANDARD_FORMATS = [
  'date',
  'time',
  'date-time',
  'duration',
  'email',
  'uri',
  'uri-reference',
  'uri-template',
  'uuid',
  'hostname',
  'ipv4',
  'ipv6',
  'json-pointer',
  'json-pointer-uri-fragment',
  'relative-json-pointer',
  'byte',
  'int32',
  'int64',
  'float',
  'double',
  'password',
  'binary',
] as const;
export const ALLOWED_FORMATS: ReadonlySet<string> = new Set([
  ...STANDARD_FORMATS,
  ...Object.keys(CUSTOM_FORMATS),
  ...Object.keys(RJSF_FORMATS),
]);

/** Our `x-` keywords: annotations and checks other JSON Schema tools ignore. */
export const EXTENSION_KEYWORDS = ['x-file', 'x-hint'] as const;

/** The formats whose answers `formatMinimum` and its kin can bound: those ajv-formats can compare. */
export const ORDERED_FORMATS: ReadonlySet<string> = new Set(['date', 'date-time']);

/**
 * Patterns run under RE2 semantics on the server: matching time is linear in
 * the input whatever the pattern, so no schema can stall a worker.
 */
export const re2Engine = Object.assign(
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
  /**
   * True for a schema checkDefinition has accepted (every definition that is
   * saved, published or validated against): ajv does not check it against the
   * meta-schema again, nor our keywords' values against theirs. That check
   * compiles the 2020-12 meta-schema and our keywords' in each new instance,
   * about 9 ms, a fifth of compiling a 300-field form (issue 22). The check
   * itself, schemaCompileProblems, compiles with it.
   */
  checked?: boolean;
}

/**
 * JSON Schema's `uniqueItems`, in linear time. ajv's own compares every pair
 * of items deep-equal when they may be objects or arrays: quadratic, run on
 * the event loop (12,000 objects took 8.9 s, and with `allErrors` it ran
 * even on arrays already too long for `maxItems`). Here each item is written
 * once as canonical JSON (keys sorted) into a Map, which finds duplicates in
 * one pass over the answer, in the server's validators and in the modules the
 * browsers load alike (no runtime helper needed). Equal items are those ajv's
 * `equal` calls equal, for JSON data. An array longer than the `maxItems` of
 * the same schema is not looked at: it is invalid anyway.
 */
const linearUniqueItems: CodeKeywordDefinition = {
  keyword: 'uniqueItems',
  type: 'array',
  schemaType: 'boolean',
  $data: true,
  error: {
    message: ({ params: { i, j } }) => str`must NOT have duplicate items (items ## ${j} and ${i} are identical)`,
    params: ({ params: { i, j } }) => _`{i: ${i}, j: ${j}}`,
  },
  code(cxt: KeywordCxt) {
    const { gen, data, $data, schema, parentSchema, schemaCode, it } = cxt;
    if (!$data && !schema) return;
    const valid = gen.let('valid');
    const itemTypes = parentSchema.items ? getSchemaTypes(parentSchema.items) : [];
    const maxItems: unknown = parentSchema.maxItems;
    cxt.block$data(valid, validate, _`${schemaCode} === false`);
    cxt.ok(valid);

    function validate(): void {
      const i = gen.let('i', _`${data}.length`);
      const j = gen.let('j');
      cxt.setParams({ i, j });
      gen.assign(valid, true);
      const worthLooking =
        typeof maxItems === 'number' && Number.isFinite(maxItems) ? _`${i} > 1 && ${i} <= ${maxItems}` : _`${i} > 1`;
      gen.if(worthLooking, () => loop(i, j));
    }

    function loop(i: Name, j: Name): void {
      const item = gen.name('item');
      const key = gen.name('key');
      // Items of a type the schema excludes are type errors already; ajv skips them too.
      const wrongType = itemTypes.length
        ? checkDataTypes(itemTypes, item, it.opts.strictNumbers, DataType.Wrong)
        : undefined;
      const seen = gen.const('seen', _`new Map()`);
      gen.for(_`;${i}--;`, () => {
        gen.let(item, _`${data}[${i}]`);
        if (wrongType) gen.if(wrongType, _`continue`);
        gen.const(
          key,
          _`${item} !== null && typeof ${item} == "object" ? JSON.stringify(${item}, (k, x) => x !== null && typeof x == "object" && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((n) => [n, x[n]])) : x) : typeof ${item} + ":" + String(${item})`,
        );
        gen
          .if(_`${seen}.has(${key})`, () => {
            gen.assign(j, _`${seen}.get(${key})`);
            cxt.error();
            gen.assign(valid, false).break();
          })
          .code(_`${seen}.set(${key}, ${i})`);
      });
    }
  },
};

export function createAjv(options: Options & AjvTarget = {}): Ajv2020 {
  const { target = 'server', checked = false, ...rest } = options;
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    // Unknown keywords are annotations (JSON Schema 2020-12, RJSF) and unknown formats are not checked: the
    // safe schema policy lists both as warnings, and refuses every keyword ajv would act on that it has not checked.
    strictSchema: false,
    // Open tuples (prefixItems without equal minItems/maxItems) are valid JSON Schema, and RJSF's playground writes them.
    strictTuples: false,
    // `{ "minLength": 2 }` without a type, `properties` in an allOf branch: valid, and accepted by RJSF. The
    // designer gets a warning instead (schemaCompileProblems).
    strictTypes: false,
    // What strictSchema: false would log (unknown keywords and formats) reaches the designer as a warning instead.
    logger: false,
    allowUnionTypes: true,
    // Errors carry their subschema, where a field's own x-hint lives.
    verbose: true,
    validateFormats: true,
    // ajv's English messages: never read (validation-messages.ts words every error from its keyword and params), so a
    // browser module goes without them, 0.5 kB gzip less for a form of 40 fields (issue 22).
    messages: target !== 'browser',
    code:
      target === 'browser'
        ? { source: true, esm: true, optimize: 1, formats: _`runtime.formats` }
        : { regExp: re2Engine, optimize: 1 },
    validateSchema: !checked,
    ...rest,
  });
  addFormats(ajv, [...STANDARD_FORMATS]);
  // `formatMinimum`, `formatMaximum` and their exclusive twins, as RJSF's validator (ajv-formats with its keywords)
  // enforces them. ajv-formats' generated code, so standalone modules carry it: it calls the format's `compare`
  // from `runtime.formats` (`date`, `date-time`: the policy refuses a bound on any other format). `$data` stays off.
  ajv.addKeyword(formatLimitDefinition);
  // Plain functions (not { validate }): the browser runtime passes CUSTOM_FORMATS as they are.
  for (const [name, validate] of Object.entries(CUSTOM_FORMATS)) ajv.addFormat(name, validate);
  // `time`, `data-url` and `color` as RJSF's validator reads them (they replace ajv-formats' `time`).
  for (const [name, validate] of Object.entries(RJSF_FORMATS)) ajv.addFormat(name, validate);
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
  ajv.removeKeyword('uniqueItems');
  ajv.addKeyword(linearUniqueItems);
  return ajv;
}

const TYPE_FR: Record<string, string> = {
  object: 'un objet',
  array: 'une liste',
  string: 'un texte',
  number: 'un nombre',
  integer: 'un nombre entier',
  boolean: 'true ou false',
  null: 'null',
};
const typesFr = (types: unknown) =>
  (Array.isArray(types) ? types : String(types).split(','))
    .map((t) => TYPE_FR[String(t)] ?? `« ${String(t)} »`)
    .join(' ou ');
const COMPARISON_FR: Record<string, string> = { '>=': 'au moins', '<=': 'au plus', '>': 'plus de', '<': 'moins de' };

/** What a meta-schema error says about a keyword's value, in French. */
function metaReason(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `attendu ${typesFr(p.type)}`;
    case 'enum':
      return `valeur non permise (permises : ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')})`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `attendu ${COMPARISON_FR[String(p.comparison)] ?? ''} ${String(p.limit)}`;
    case 'minItems':
      return `attendu au moins ${String(p.limit)} élément(s)`;
    case 'uniqueItems':
      return 'la liste contient deux fois la même valeur';
    case 'required':
      return `il manque « ${String(p.missingProperty)} »`;
    case 'additionalProperties':
      return `clé « ${String(p.additionalProperty)} » non permise`;
    default:
      return 'valeur invalide pour ce mot-clé';
  }
}

/** `#/properties/a` or `https://…#/properties/a` (ajv's schema paths) → path segments. */
function schemaPathSegments(path: string): string[] {
  const fragment = path.includes('#') ? path.slice(path.indexOf('#') + 1) : '';
  try {
    return parseJsonPointer(decodeURIComponent(fragment));
  } catch {
    return [];
  }
}

/** ajv's strict-mode and compile messages (English) → one French problem, located. */
const COMPILE_MESSAGES: Array<[RegExp, (m: RegExpExecArray) => { path: string[]; message: string }]> = [
  [
    /missing type "([^"]+)" for keyword "([^"]+)" at "([^"]*)"/,
    (m) => ({
      path: [...schemaPathSegments(m[3]!), m[2]!],
      message: `Le mot-clé « ${m[2]} » ne vaut que pour ${typesFr(m[1])} : sans « "type": "${m[1]!.split(',')[0]}" » dans ce schéma, toute autre valeur passe.`,
    }),
  ],
  [
    /type "([^"]+)" not allowed by context "([^"]+)" at "([^"]*)"/,
    (m) => ({
      path: [...schemaPathSegments(m[3]!), 'type'],
      message: `Type impossible ici : ${typesFr(m[1])}, alors que le schéma qui l’englobe n’accepte que ${typesFr(m[2])} ; cette branche ne peut jamais s’appliquer.`,
    }),
  ],
  [
    /keyword "([^"]+)" value is invalid at path "([^"]*)"/,
    (m) => ({
      path: [...schemaPathSegments(m[2]!), m[1]!],
      message: `Valeur invalide pour le mot-clé « ${m[1]} » (voir sa forme dans la documentation).`,
    }),
  ],
  [
    /can't resolve reference (\S+)/,
    (m) => ({ path: [], message: `Référence introuvable : « ${m[1]} » ne désigne aucun schéma de ce document.` }),
  ],
  [
    /NOT SUPPORTED: keyword "([^"]+)"/,
    (m) => ({ path: [], message: `Le mot-clé « ${m[1]} » n’est pas pris en charge.` }),
  ],
  [
    /"([^"]+)" without "([^"]+)"[^"]*at "([^"]*)"/,
    (m) => ({
      path: [...schemaPathSegments(m[3]!), m[1]!],
      message: `Le mot-clé « ${m[1]} » n’a d’effet qu’avec « ${m[2]} ».`,
    }),
  ],
];

/** ajv's strict-mode and compile messages (English) → one French problem, located; undefined for an unknown message. */
function translateCompileError(text: string): { path: string[]; message: string } {
  for (const [pattern, translate] of COMPILE_MESSAGES) {
    const match = pattern.exec(text);
    if (match) return translate(match);
  }
  const place = /at (?:path )?"([^"]*)"/.exec(text);
  return {
    path: place ? schemaPathSegments(place[1]!) : [],
    message: 'Le schéma ne se compile pas à cet endroit : vérifiez les mots-clés et leurs valeurs.',
  };
}

/**
 * Everything ajv refuses in a schema that the safe schema policy accepted,
 * in French, each located by a JSON pointer (`at` is where the schema sits
 * in the definition): the meta-schema's verdict on each keyword's value
 * first, then compilation (references, our keywords' values). English from
 * ajv never reaches a designer: a message not recognised becomes a generic
 * French one at the place ajv names. `warnings`: what ajv's strictTypes
 * would have refused, valid JSON Schema that RJSF accepts too (a keyword
 * without the type it applies to, a branch its context excludes), said once.
 */
export function schemaCompileProblems(
  schema: unknown,
  at: ReadonlyArray<string | number> = ['schema'],
): { errors: ErrorItem[]; warnings: ErrorItem[] } {
  const problem = (path: ReadonlyArray<string | number>, code: string, message: string): ErrorItem => ({
    pointer: toJsonPointer([...at, ...path]),
    code,
    message,
  });
  // One instance checks and compiles: each new one compiles the meta-schema and our keywords' again (about 9 ms).
  const strictAjv = createAjv({ strictTypes: true });
  if (!strictAjv.validateSchema(schema as object)) {
    const byPointer = new Map<string, ErrorObject>();
    for (const error of strictAjv.errors ?? []) {
      const known = byPointer.get(error.instancePath);
      // `enum` says more than the `type`/`anyOf` alternatives the meta-schema reports next to it.
      if (!known || (known.keyword !== 'enum' && error.keyword === 'enum')) byPointer.set(error.instancePath, error);
    }
    const errors = [...byPointer.values()].slice(0, 50).map((error) => {
      const path = parseJsonPointer(error.instancePath);
      const keyword = path[path.length - 1];
      return problem(path, 'schema_invalid', `Mot-clé « ${keyword ?? '(racine)'} » invalide : ${metaReason(error)}.`);
    });
    return { errors, warnings: [] };
  }
  const warnings: ErrorItem[] = [];
  try {
    // Most schemas pass strictTypes: one compilation then.
    strictAjv.compile(schema as object);
    return { errors: [], warnings };
  } catch (error) {
    const text = String((error as Error).message);
    if (!text.includes('(strictTypes)')) {
      const { path, message } = translateCompileError(text);
      return { errors: [problem(path, 'schema_invalid', message)], warnings };
    }
    const { path, message } = translateCompileError(text);
    warnings.push(problem(path, 'type_hint', message));
  }
  try {
    createAjv().compile(schema as object);
    return { errors: [], warnings };
  } catch (error) {
    const { path, message } = translateCompileError(String((error as Error).message));
    return { errors: [problem(path, 'schema_invalid', message)], warnings };
  }
}
