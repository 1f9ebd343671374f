/**
 * Validation benchmark (issue: service definitions). Goal: compiling the
 * validator of a 300-field definition ≤ 50 ms; validating a 300-field
 * submission ≤ 0.5 ms at the median. Baseline in the same run: raw ajv
 * (draft 2020-12, allErrors, ajv-formats, native RegExp) on the same schema.
 * Three ways to get a validator (issue 22): compiled from scratch (no code
 * store), compiled and written to an empty disk store (a version's first
 * process), loaded from the disk store (every later process and restart).
 *
 *   npm run bench:validation
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskValidatorCodeStore, FormValidator, checkDefinition } from '@guichet/forms';
import type { ServiceDefinition } from '@guichet/shared';
import { figure, machineInfo, packageVersion, resultName, writeResult } from './lib/report';

const FIELDS = 300;
const startedAt = new Date();
const machine = machineInfo({ ajv: packageVersion('ajv') });

function definition(): ServiceDefinition {
  const properties: Record<string, unknown> = {};
  const fields: string[] = [];
  for (let i = 0; i < FIELDS; i++) {
    const key = `champ${i}`;
    fields.push(key);
    switch (i % 6) {
      case 0:
        properties[key] = { type: 'string', minLength: 1, maxLength: 200 };
        break;
      case 1:
        properties[key] = { type: 'integer', minimum: 0, maximum: 100000 };
        break;
      case 2:
        properties[key] = { type: 'string', format: 'email' };
        break;
      case 3:
        properties[key] = { type: 'string', enum: ['oui', 'non', 'ne sait pas'] };
        break;
      case 4:
        properties[key] = { type: 'string', pattern: '^[0-9]{5}$' };
        break;
      default:
        properties[key] = { type: 'string', format: 'date' };
    }
  }
  return {
    formatVersion: 1,
    schema: { type: 'object', additionalProperties: false, required: fields.filter((_, i) => i % 2 === 0), properties },
    pages: Array.from({ length: 10 }, (_, p) => ({
      id: `etape-${p + 1}`,
      title: `Étape ${p + 1}`,
      fields: fields.slice(p * 30, p * 30 + 30),
    })),
    rules: {
      visibility: [{ target: '/champ299', when: { eq: [{ field: '/champ3' }, 'oui'] } }],
      eligibility: [{ id: 'majeur', blockWhen: { lt: [{ field: '/champ1' }, 0] }, message: 'Réservé aux majeurs.' }],
    },
    settings: { signIn: 'none' },
  };
}

function submission(): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (let i = 0; i < FIELDS; i++) {
    data[`champ${i}`] = [`valeur ${i}`, i * 10, `personne${i}@exemple.fr`, 'oui', '45000', '2024-09-02'][i % 6];
  }
  return data;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeEach(runs: number, fn: () => void): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return times;
}

/** Median per-call time over batches, so timer resolution does not dominate a microsecond call. */
function perCall(batches: number, batchSize: number, fn: () => void): number {
  return (
    median(
      timeEach(batches, () => {
        for (let i = 0; i < batchSize; i++) fn();
      }),
    ) / batchSize
  );
}

function rawAjv(validateSchema = true) {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema });
  addFormats(ajv);
  return ajv;
}

const def = definition();
const check = checkDefinition(def);
if (!check.ok) throw new Error(`benchmark definition invalid: ${JSON.stringify(check.errors.slice(0, 3))}`);
const data = submission();

// Warm up both paths (JIT), then measure.
for (let i = 0; i < 3; i++) {
  new FormValidator(def);
  rawAjv().compile(def.schema);
}
const compileOurs = median(timeEach(15, () => new FormValidator(def)));
const compileRaw = median(timeEach(15, () => rawAjv().compile(def.schema)));
// Guichet checks a definition against the meta-schema once, when it is saved (checkDefinition), not at each compile:
// raw ajv with that check off too, printed so the baseline's share of it shows.
const compileRawUnchecked = median(timeEach(15, () => rawAjv(false).compile(def.schema)));
// The code store on disk, as under DATA_DIR/validators: each write run starts from an empty folder.
const storeRoot = mkdtempSync(join(tmpdir(), 'guichet-bench-validators-'));
let storeRun = 0;
const freshStore = () => new DiskValidatorCodeStore(join(storeRoot, String(storeRun++)));
new FormValidator(def, freshStore());
const compileAndWrite = median(timeEach(15, () => new FormValidator(def, freshStore())));
const filled = freshStore();
new FormValidator(def, filled);
// A new store object each time (nothing kept in memory): what another process finds on disk.
for (let i = 0; i < 3; i++) new FormValidator(def, new DiskValidatorCodeStore(filled.directory));
// Timed up to its first verdict: V8 compiles a loaded function lazily, at its first call.
const loadCached = median(
  timeEach(15, () =>
    new FormValidator(def, new DiskValidatorCodeStore(filled.directory)).validate(data, { mode: 'submit' }),
  ),
);
const cachedValidator = new FormValidator(def, new DiskValidatorCodeStore(filled.directory));
rmSync(storeRoot, { recursive: true, force: true });
const checkTime = median(timeEach(15, () => checkDefinition(def)));

const ours = new FormValidator(def);
const raw = rawAjv().compile(def.schema);
if (
  !ours.validate(data, { mode: 'submit' }).valid ||
  !raw(data) ||
  !cachedValidator.validate(data, { mode: 'submit' }).valid
)
  throw new Error('benchmark submission should be valid');
for (let i = 0; i < 2000; i++) {
  ours.validate(data, { mode: 'submit' });
  raw(data);
}
const validateOurs = perCall(50, 200, () => ours.validate(data, { mode: 'submit' }));
const validateRaw = perCall(50, 200, () => raw(data));

const rows = [
  { figure: 'compile validator, 300 fields', unit: 'ms', value: compileOurs, baseline: compileRaw, goal: '≤ 50 ms' },
  {
    figure: 'raw ajv compile with its meta-schema check off (validateSchema: false), 300 fields',
    unit: 'ms',
    value: compileRawUnchecked,
    baseline: compileRaw,
    goal: '—',
  },
  {
    figure: 'validator from the code store (disk) + first validation, 300 fields',
    unit: 'ms',
    value: loadCached,
    baseline: compileRaw,
    goal: '≤ 50 ms',
  },
  {
    figure: 'compile + write to an empty code store, 300 fields',
    unit: 'ms',
    value: compileAndWrite,
    baseline: compileRaw,
    goal: '—',
  },
  {
    figure: 'validate submission, 300 fields (median)',
    unit: 'ms',
    value: validateOurs,
    baseline: validateRaw,
    goal: '≤ 0.5 ms',
  },
  {
    figure: 'check definition (policy + rules + compile)',
    unit: 'ms',
    value: checkTime,
    baseline: compileRaw,
    goal: '—',
  },
];

const fmt = (n: number) => (n < 0.1 ? n.toFixed(4) : n.toFixed(2));
process.stdout.write('\nValidation benchmark (baseline: raw ajv 2020 + ajv-formats, same schema, same run)\n\n');
process.stdout.write('| figure | Guichet | raw ajv | ratio | goal |\n|---|---|---|---|---|\n');
for (const r of rows) {
  process.stdout.write(
    `| ${r.figure} | ${fmt(r.value)} ${r.unit} | ${fmt(r.baseline)} ${r.unit} | ×${(r.value / r.baseline).toFixed(2)} | ${r.goal} |\n`,
  );
}
const baselineLabel = (what: string) => `raw ajv 2020 + ajv-formats ${what}, same schema`;
writeResult({
  name: resultName('validation'),
  startedAt: startedAt.toISOString(),
  durationS: (Date.now() - startedAt.getTime()) / 1000,
  machine,
  figures: [
    figure({
      id: 'validation.compile',
      label: rows[0]!.figure,
      unit: 'ms',
      value: compileOurs,
      baseline: { label: baselineLabel('compile'), value: compileRaw },
      goal: '≤ 50 ms',
      met: compileOurs <= 50,
    }),
    figure({
      id: 'validation.compile-raw-unchecked',
      label: rows[1]!.figure,
      unit: 'ms',
      value: compileRawUnchecked,
      baseline: { label: baselineLabel('compile'), value: compileRaw },
    }),
    figure({
      id: 'validation.load-cached',
      label: rows[2]!.figure,
      unit: 'ms',
      value: loadCached,
      baseline: { label: baselineLabel('compile'), value: compileRaw },
      goal: '≤ 50 ms',
      met: loadCached <= 50,
    }),
    figure({
      id: 'validation.compile-and-store',
      label: rows[3]!.figure,
      unit: 'ms',
      value: compileAndWrite,
      baseline: { label: baselineLabel('compile'), value: compileRaw },
    }),
    figure({
      id: 'validation.validate',
      label: rows[4]!.figure,
      unit: 'ms',
      value: validateOurs,
      baseline: { label: baselineLabel('validate'), value: validateRaw },
      goal: '≤ 0.5 ms',
      met: validateOurs <= 0.5,
    }),
    figure({
      id: 'validation.check-definition',
      label: rows[5]!.figure,
      unit: 'ms',
      value: checkTime,
      baseline: { label: baselineLabel('compile'), value: compileRaw },
    }),
  ],
  details: { fields: FIELDS, rows },
});
