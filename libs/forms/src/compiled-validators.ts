import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { _ } from 'ajv/dist/2020';
import equal from 'ajv/dist/runtime/equal';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import { createAjv, re2Engine } from './ajv';
import { factoryBody } from './standalone';

/**
 * Bump when something that shapes the generated code changes and is not
 * caught by the fingerprint below (which covers ajv's, ajv-formats' and
 * re2js's versions, our keywords' code and our formats).
 */
// 2: `formatMinimum` and its kin became checks (they were annotations: code cached before would skip them).
const GENERATOR_REVISION = 2;

/**
 * Where compiled validators are kept between processes and restarts: the
 * source text of ajv's standalone code, by key. A store is a cache: reading
 * may miss, writing may fail, and validation is the same either way.
 */
export interface ValidatorCodeStore {
  read(key: string): string | undefined;
  write(key: string, source: string): void;
}

/** In memory, for tests and benchmarks. */
export class MemoryValidatorCodeStore implements ValidatorCodeStore {
  readonly entries = new Map<string, string>();
  read(key: string): string | undefined {
    return this.entries.get(key);
  }
  write(key: string, source: string): void {
    this.entries.set(key, source);
  }
}

/**
 * On disk, one file per key under `directory` (DATA_DIR/validators), written
 * whole then renamed, so a reader never sees half a file. Whoever can write
 * this folder can run code in the server, as with the application's own
 * files: it belongs to the server's user only.
 */
export class DiskValidatorCodeStore implements ValidatorCodeStore {
  constructor(readonly directory: string) {}

  read(key: string): string | undefined {
    const file = this.file(key);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    // A file that does not say which key it is for (truncated, renamed by hand) is not used.
    const header = `${HEADER}${key}\n`;
    return text.startsWith(header) ? text.slice(header.length) : undefined;
  }

  write(key: string, source: string): void {
    const temporary = join(this.directory, `.${key}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      mkdirSync(this.directory, { recursive: true, mode: 0o700 });
      writeFileSync(temporary, `${HEADER}${key}\n${source}`, { mode: 0o600 });
      renameSync(temporary, this.file(key));
    } catch {
      // A cache that cannot be written (read-only disk, full disk) only costs the next process a compilation.
      try {
        unlinkSync(temporary);
      } catch {
        /* never written */
      }
    }
  }

  private file(key: string): string {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error('validator code key must be a sha256');
    return join(this.directory, `${key}.js`);
  }
}

const HEADER = '// Guichet compiled validator ';

let fingerprint: string | undefined;

/**
 * What the generated code depends on besides the schema: the generator's
 * packages and their versions, our keywords' code, our formats. Any change
 * gives every schema a new key: old entries are never read again.
 */
export function generatorFingerprint(): string {
  if (fingerprint === undefined) {
    const ajv = createAjv();
    const keywords = ['x-file', 'x-hint', 'uniqueItems', 'formatMinimum'].map((keyword) => {
      const definition = ajv.getKeyword(keyword);
      if (typeof definition === 'boolean') return `${keyword}:${String(definition)}`;
      const code = 'code' in definition ? String(definition.code) : '';
      return `${keyword}:${code}:${JSON.stringify(definition.metaSchema ?? null)}`;
    });
    const formats = Object.entries(ajv.formats).map(([name, format]) => `${name}:${describeFormat(format)}`);
    fingerprint = createHash('sha256')
      .update(
        [
          `revision ${GENERATOR_REVISION}`,
          ...['ajv', 'ajv-formats', 're2js'].map((name) => `${name}@${packageVersion(name)}`),
          ...keywords,
          ...formats,
        ].join('\n'),
      )
      .digest('hex');
  }
  return fingerprint;
}

function describeFormat(format: unknown): string {
  if (typeof format === 'function' || format instanceof RegExp) return String(format);
  if (format && typeof format === 'object') {
    return Object.entries(format)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(',');
  }
  return String(format);
}

/** A dependency's installed version, from its package.json (found upward from its entry point: some export maps hide it). */
function packageVersion(name: string): string {
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === name && manifest.version) return manifest.version;
    } catch {
      /* no package.json here */
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json found for ${name}`);
    dir = parent;
  }
}

/** The key of one schema's compiled code: its canonical text with the generator's fingerprint and the error mode. */
export function validatorCodeKey(schema: unknown, allErrors: boolean): string {
  return createHash('sha256')
    .update(`${generatorFingerprint()}\n${allErrors ? 'all-errors' : 'fail-fast'}\n${JSON.stringify(schema)}`)
    .digest('hex');
}

/** The server's regExp engine, named in the generated code by the runtime it is given. */
const re2ForCode = Object.assign((pattern: string, flags: string) => re2Engine(pattern, flags), {
  code: 'runtime.re2',
});

/**
 * ajv's standalone code of `schema` as the server compiles it (RE2
 * patterns, our formats and keywords, verbose errors): the body of a
 * function of `runtime`. Strings of the schema (titles, patterns, enum
 * values, property names) appear in it only as escaped JSON literals, and
 * factoryBody refuses code that loads or evaluates code.
 */
export function serverValidatorCode(schema: unknown, allErrors: boolean, checked = false): string {
  const ajv = createAjv({
    allErrors,
    checked,
    code: { source: true, esm: true, optimize: 1, regExp: re2ForCode, formats: _`runtime.formats` },
  });
  return factoryBody(schema, ajv);
}

let runtime: Record<string, unknown> | undefined;

/** What generated code may reach: ajv's two helpers, the server's formats (the very ones createAjv adds), RE2. */
function serverRuntime(): Record<string, unknown> {
  return (runtime ??= Object.freeze({ ucs2length, equal, formats: createAjv().formats, re2: re2Engine }));
}

/** Turns the code serverValidatorCode wrote into the validator, without ajv. */
export function loadValidatorCode(source: string): ValidateFunction {
  // The source is ours: generated by serverValidatorCode from a definition the policy accepted, never a user's text.
  const factory = new Function('runtime', source) as (runtime: unknown) => ValidateFunction;
  const validate = factory(serverRuntime());
  if (typeof validate !== 'function') throw new Error('compiled validator code returned no function');
  return validate;
}

/**
 * The validator of `schema`: from the store when it holds this schema's code
 * for this generator, else generated, kept, and loaded the same way (so a
 * process that compiled and one that read the cache run the same code).
 * Entries that no longer load are replaced. A schema ajv refuses throws, as
 * ajv's compile does.
 */
export function cachedValidator(
  schema: unknown,
  allErrors: boolean,
  store: ValidatorCodeStore,
  checked = false,
): ValidateFunction {
  const key = validatorCodeKey(schema, allErrors);
  const stored = store.read(key);
  if (stored !== undefined) {
    try {
      return loadValidatorCode(stored);
    } catch {
      // Damaged entry: compile again below and overwrite it.
    }
  }
  let source: string;
  try {
    source = serverValidatorCode(schema, allErrors, checked);
  } catch {
    // factoryBody refused the code (a string of the schema reads like `eval(`): compiled here, not cached.
    return createAjv({ allErrors, checked }).compile(schema as object);
  }
  const validate = loadValidatorCode(source);
  store.write(key, source);
  return validate;
}
