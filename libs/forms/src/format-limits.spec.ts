import { fullFormats } from 'ajv-formats/dist/formats';
import equal from 'ajv/dist/runtime/equal';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import { CUSTOM_FORMATS, RJSF_FORMATS, checkAnswers, type ServiceDefinition } from '@guichet/shared';
import { checkDefinition } from './check-definition';
import { MemoryValidatorCodeStore } from './compiled-validators';
import { inspectSchema } from './policy';
import { browserValidatorModule } from './standalone';
import { FormValidator } from './validator';

/** A school-year registration: a birth date bounded on both sides, a start date after a day, a slot before a time. */
function definition(): ServiceDefinition {
  return {
    formatVersion: 1,
    schema: {
      type: 'object',
      properties: {
        naissance: {
          type: 'string',
          title: 'Date de naissance de l’enfant',
          format: 'date',
          formatMinimum: '2020-01-01',
          formatMaximum: '2023-12-31',
        },
        rentree: { type: 'string', title: 'Date d’entrée', format: 'date', formatExclusiveMinimum: '2026-09-01' },
        rendezVous: {
          type: 'string',
          title: 'Rendez-vous',
          format: 'date-time',
          formatExclusiveMaximum: '2026-07-01T12:00:00+02:00',
        },
      },
      required: ['naissance'],
    },
    uiSchema: {},
    pages: [{ id: 'enfant', title: 'Enfant', fields: ['naissance', 'rentree', 'rendezVous'] }],
    settings: { signIn: 'none' },
  } as unknown as ServiceDefinition;
}

const valid = { naissance: '2020-01-01', rentree: '2026-09-02', rendezVous: '2026-07-01T11:59:00+02:00' };
const invalid = { naissance: '2024-01-01', rentree: '2026-09-01', rendezVous: '2026-07-01T10:00:00Z' };

describe('formatMinimum, formatMaximum and the exclusive ones', () => {
  it('pass the policy without a warning', () => {
    const { errors, warnings } = inspectSchema(definition().schema);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    const checked = checkDefinition(definition());
    expect(checked.ok).toBe(true);
    if (checked.ok) expect(checked.warnings).toEqual([]);
  });

  it('refuse answers out of bounds on the server, each with its bound in French words', () => {
    const outcome = new FormValidator(definition()).validate(invalid, { mode: 'submit' });
    expect(outcome.valid).toBe(false);
    expect(outcome.errors).toEqual([
      {
        pointer: '/naissance',
        code: 'formatMaximum',
        message: 'Saisissez une date jusqu’au 31 décembre 2023 au plus tard.',
      },
      {
        pointer: '/rentree',
        code: 'formatExclusiveMinimum',
        message: 'Saisissez une date postérieure au 1er septembre 2026.',
      },
      {
        pointer: '/rendezVous',
        code: 'formatExclusiveMaximum',
        message: 'Saisissez une date et une heure antérieures au 1er juillet 2026 à 12:00 (UTC+02:00).',
      },
    ]);
    expect(new FormValidator(definition()).validate(valid, { mode: 'submit' }).valid).toBe(true);
    const early = new FormValidator(definition()).validate({ naissance: '2019-12-31' }, { mode: 'submit' });
    expect(early.errors).toEqual([
      { pointer: '/naissance', code: 'formatMinimum', message: 'Saisissez une date à partir du 1er janvier 2020.' },
    ]);
  });

  it('bind drafts too: a date already typed is final', () => {
    const outcome = new FormValidator(definition()).validate({ rentree: '2026-08-15' }, { mode: 'draft' });
    expect(outcome.errors.map((e) => `${e.pointer} ${e.code}`)).toEqual(['/rentree formatExclusiveMinimum']);
  });

  it('are checked by the cached server code and by the module browsers load, with the same verdict', () => {
    const store = new MemoryValidatorCodeStore();
    const cached = new FormValidator(definition(), store);
    expect(cached.validate(invalid, { mode: 'submit' }).errors).toHaveLength(3);
    // Loaded back from the store, as another process would.
    expect(new FormValidator(definition(), store).validate(invalid, { mode: 'submit' }).errors).toHaveLength(3);

    const source = browserValidatorModule(definition(), 'test');
    expect(source).not.toMatch(/\brequire\(|\beval\(|\bFunction\(/);
    const factories = new Function(
      `${source
        .replace('export default function createValidator', 'function createValidator')
        .replace(
          'export function createDraftValidator',
          'function createDraftValidator',
        )}\nreturn { createValidator, createDraftValidator };`,
    )() as Record<'createValidator' | 'createDraftValidator', (runtime: unknown) => unknown>;
    // The runtime the web app passes in (apps/web/src/form/validation.ts).
    const runtime = { ucs2length, equal, formats: { ...fullFormats, ...CUSTOM_FORMATS, ...RJSF_FORMATS } };
    const validate = factories.createValidator(runtime) as Parameters<typeof checkAnswers>[0];
    const page = checkAnswers(validate, definition(), invalid, { mode: 'submit' });
    expect(page.errors).toEqual(new FormValidator(definition()).validate(invalid, { mode: 'submit' }).errors);
    expect(checkAnswers(validate, definition(), valid, { mode: 'submit' }).valid).toBe(true);
  });

  it.each([
    [
      'a reference to another answer ($data stays off)',
      { type: 'string', format: 'date', formatMinimum: { $data: '1/debut' } },
      /référence à une autre réponse/,
    ],
    [
      'a bound that is not a date',
      { type: 'string', format: 'date', formatMinimum: 'hier' },
      /n’est pas une date valide/,
    ],
    [
      'an impossible date',
      { type: 'string', format: 'date', formatMaximum: '2024-02-30' },
      /n’est pas une date valide/,
    ],
    [
      'a date-time without its zone',
      { type: 'string', format: 'date-time', formatMinimum: '2024-01-01T09:00' },
      /RFC 3339/,
    ],
    ['a string without format', { type: 'string', formatMinimum: '2024-01-01' }, /« "format": "date" »/],
    [
      'a format that has no order',
      { type: 'string', format: 'email', formatExclusiveMaximum: 'a@b.fr' },
      /ici « email »/,
    ],
  ])('refuse %s, with a pointer and a French message', (_what, field, message) => {
    const schema = { type: 'object', properties: { debut: { type: 'string', format: 'date' }, fin: field } };
    const { errors } = inspectSchema(schema);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('format_limit');
    expect(errors[0]!.pointer).toMatch(/^\/schema\/properties\/fin\/format(Exclusive)?(Minimum|Maximum)$/);
    expect(errors[0]!.message).toMatch(message);
  });
});
