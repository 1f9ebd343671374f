import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { ServiceDefinition } from '@guichet/shared';
import { canteenDefinition, validCanteenData } from '../../../test/fixtures/canteen';
import { choiceDefinition } from '../../../test/fixtures/choice';
import { createAjv } from './ajv';
import { checkDefinition } from './check-definition';
import {
  DiskValidatorCodeStore,
  MemoryValidatorCodeStore,
  cachedValidator,
  generatorFingerprint,
  loadValidatorCode,
  serverValidatorCode,
  validatorCodeKey,
} from './compiled-validators';
import { FormValidator } from './validator';

/** A store that counts what it was asked. */
class CountingStore extends MemoryValidatorCodeStore {
  reads = 0;
  writes = 0;
  override read(key: string) {
    this.reads++;
    return super.read(key);
  }
  override write(key: string, source: string) {
    this.writes++;
    super.write(key, source);
  }
}

const verdicts = (validator: FormValidator, data: unknown) =>
  (['submit', 'draft'] as const).map((mode) => validator.validate(data, { mode }));

describe('compiled validator cache', () => {
  it('compiles and writes on a miss, then loads without compiling on a hit', () => {
    const store = new CountingStore();
    const first = new FormValidator(canteenDefinition(), store);
    expect(store.writes).toBeGreaterThan(0);
    const written = store.writes;
    const second = new FormValidator(canteenDefinition(), store);
    expect(store.writes).toBe(written);
    expect(store.reads).toBe(2 * written);
    expect(verdicts(second, validCanteenData())).toEqual(verdicts(first, validCanteenData()));
  });

  it('a changed schema is a miss (content hash), a reordered equal one is not needed to hit', () => {
    const store = new CountingStore();
    new FormValidator(canteenDefinition(), store);
    const before = store.writes;
    const changed = canteenDefinition();
    (changed.schema.properties as Record<string, Record<string, unknown>>).child = { type: 'string', minLength: 3 };
    new FormValidator(changed, store);
    expect(store.writes).toBeGreaterThan(before);
    expect(validatorCodeKey(changed.schema, true)).not.toBe(validatorCodeKey(canteenDefinition().schema, true));
  });

  it('the key changes with the error mode and with the generator fingerprint', () => {
    const schema = canteenDefinition().schema;
    expect(validatorCodeKey(schema, true)).not.toBe(validatorCodeKey(schema, false));
    expect(generatorFingerprint()).toMatch(/^[0-9a-f]{64}$/);
    // The fingerprint covers our keywords' code: a keyword whose code changed is another generator.
    const key = validatorCodeKey(schema, true);
    jest.isolateModules(() => {
      jest.doMock('./ajv', () => {
        const actual = jest.requireActual<typeof import('./ajv')>('./ajv');
        return {
          ...actual,
          createAjv: (options?: Parameters<typeof actual.createAjv>[0]) => {
            const ajv = actual.createAjv(options);
            ajv.removeKeyword('x-hint');
            ajv.addKeyword({ keyword: 'x-hint', metaSchema: { type: 'string', maxLength: 2000 } });
            return ajv;
          },
        };
      });
      const other = jest.requireActual<typeof import('./compiled-validators')>('./compiled-validators');
      expect(other.validatorCodeKey(schema, true)).not.toBe(key);
    });
  });

  it('a damaged entry is compiled again and replaced', () => {
    const store = new MemoryValidatorCodeStore();
    const schema = canteenDefinition().schema;
    const key = validatorCodeKey(schema, true);
    store.write(key, 'this is not javascript {');
    const validate = cachedValidator(schema, true, store);
    expect(validate(validCanteenData())).toBe(true);
    expect(store.read(key)).toBe(serverValidatorCode(schema, true));
  });

  it('keeps entries on disk across instances, and ignores a file without its own key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-validators-'));
    try {
      const definition = canteenDefinition();
      new FormValidator(definition, new DiskValidatorCodeStore(dir));
      const files = readdirSync(dir);
      expect(files.length).toBeGreaterThan(0);
      expect(files.every((f) => /^[0-9a-f]{64}\.js$/.test(f))).toBe(true);
      const fresh = new DiskValidatorCodeStore(dir);
      const key = validatorCodeKey(definition.schema, true);
      // A published schema passed checkDefinition: compiled without ajv's meta-schema check (checked).
      expect(fresh.read(key)).toBe(serverValidatorCode(definition.schema, true, true));
      writeFileSync(join(dir, `${key}.js`), `// Guichet compiled validator ${'0'.repeat(64)}\nreturn 1;`);
      expect(fresh.read(key)).toBeUndefined();
      expect(() => fresh.read('../etc/passwd')).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the same verdicts loaded as compiled on the examples, valid and broken answers, both modes', () => {
    const store = new MemoryValidatorCodeStore();
    const definitions: ServiceDefinition[] = [canteenDefinition(), choiceDefinition()];
    const forms = join(__dirname, '../../../forms');
    for (const file of readdirSync(forms).filter((name) => name.endsWith('.json'))) {
      const exported = JSON.parse(readFileSync(join(forms, file), 'utf8')) as { definition: ServiceDefinition };
      definitions.push(exported.definition);
    }
    expect(definitions.length).toBeGreaterThan(3);
    for (const definition of definitions) {
      new FormValidator(definition, store); // fills the store
      const loaded = new FormValidator(definition, store);
      const fresh = new FormValidator(definition);
      const samples: unknown[] = [{}, null, 'texte', [], validCanteenData()];
      // Every field given a wrong value of each kind.
      for (const wrong of ['', 'x'.repeat(5000), -1, 1.5, true, [1, 1], { a: 1 }, '2024-13-45', 'pas@', '00000']) {
        const data: Record<string, unknown> = {};
        for (const key of Object.keys(definition.schema.properties ?? {})) data[key] = wrong;
        samples.push(data);
      }
      for (const data of samples) expect(verdicts(loaded, data)).toEqual(verdicts(fresh, data));
    }
  });
});

it('gives the same verdicts loaded as compiled on any JSON answers (fast-check)', () => {
  const store = new MemoryValidatorCodeStore();
  for (const definition of [canteenDefinition(), choiceDefinition()]) {
    new FormValidator(definition, store);
    const loaded = new FormValidator(definition, store);
    const fresh = new FormValidator(definition);
    const keys = Object.keys(definition.schema.properties ?? {});
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys, 'autre'), fc.jsonValue()), (data) => {
        expect(verdicts(loaded, data)).toEqual(verdicts(fresh, data));
      }),
      { numRuns: 300 },
    );
  }
});

describe('hostile definitions cannot inject code into the generated module', () => {
  const g = globalThis as { __guichetPwned?: unknown };
  afterEach(() => delete g.__guichetPwned);

  const payloads = [
    '"); globalThis.__guichetPwned = 1; ("',
    "'); globalThis.__guichetPwned = 1; ('",
    '`${globalThis.__guichetPwned = 1}`',
    '*/ globalThis.__guichetPwned = 1; /*',
    '\u2028globalThis.__guichetPwned = 1;\u2029',
    '</script><script>globalThis.__guichetPwned = 1</script>',
    '\\"); globalThis.__guichetPwned = 1; //',
  ];

  it.each(payloads)('payload %j in titles, descriptions, enum, const, property names, hints, patterns', (evil) => {
    const definition: ServiceDefinition = {
      formatVersion: 1,
      schema: {
        type: 'object',
        title: evil,
        description: evil,
        required: [evil],
        properties: {
          [evil]: { type: 'string', title: evil, enum: [evil, 'b'], 'x-hint': evil },
          choix: { type: 'string', const: evil, default: evil, examples: [evil] },
          code: { type: 'string', pattern: `^(${evil.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}|[0-9]{5})$` },
        },
      },
      pages: [{ id: 'p', title: evil, fields: [evil, 'choix', 'code'] }],
      settings: { signIn: 'none' },
    } as unknown as ServiceDefinition;
    const check = checkDefinition(definition);
    // Whatever the policy says of it, the generated code must not run the payload.
    const source = serverValidatorCode(definition.schema, true);
    expect(source).toContain('__guichetPwned');
    const validate = loadValidatorCode(source);
    const fresh = createAjv().compile(definition.schema);
    for (const data of [{ [evil]: evil, choix: evil, code: evil }, { [evil]: 'b', choix: 'x', code: '45000' }, {}]) {
      expect(validate(data)).toBe(fresh(data));
      expect(validate.errors?.map((e) => `${e.instancePath} ${e.keyword}`)).toEqual(
        fresh.errors?.map((e) => `${e.instancePath} ${e.keyword}`),
      );
    }
    expect(g.__guichetPwned).toBeUndefined();
    expect(validate({ [evil]: evil, choix: evil, code: evil })).toBe(true);
    expect(check).toBeDefined();
  });

  it('code mentioning require/eval, even inside a string, is not cached: ajv compiles it in the process instead', () => {
    const text = 'require("fs"); eval("1"); Function("x")';
    const schema = { type: 'string', const: text };
    expect(() => serverValidatorCode(schema, true)).toThrow(/must not load or evaluate code/);
    const store = new CountingStore();
    const validate = cachedValidator(schema, true, store);
    expect(validate(text)).toBe(true);
    expect(validate('autre')).toBe(false);
    expect(store.writes).toBe(0);
  });
});
