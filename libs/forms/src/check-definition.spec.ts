import fc from 'fast-check';
import { canteenDefinition } from '../../../test/fixtures/canteen';
import { canonicalJson, checkDefinition, definitionHash } from './check-definition';

function errorsOf(input: unknown) {
  const result = checkDefinition(input);
  return result.ok ? [] : result.errors;
}

describe('checkDefinition', () => {
  it('accepts a complete definition', () => {
    expect(errorsOf(canteenDefinition())).toEqual([]);
  });

  it('locates structural problems with pointers', () => {
    const d = canteenDefinition() as unknown as Record<string, unknown>;
    delete d.settings;
    (d.pages as Array<Record<string, unknown>>)[0]!.title = '';
    const errors = errorsOf(d);
    expect(errors).toContainEqual(expect.objectContaining({ pointer: '/settings', code: 'required' }));
    expect(errors).toContainEqual(expect.objectContaining({ pointer: '/pages/0/title', code: 'minLength' }));
    for (const e of errors) expect(e.message).toMatch(/[a-zé]/);
  });

  it('requires every field on exactly one page, and pages to name real fields', () => {
    const d = canteenDefinition();
    d.pages[0]!.fields = ['parent', 'nope'];
    d.pages[1]!.fields.push('parent');
    const errors = errorsOf(d);
    expect(errors).toContainEqual(expect.objectContaining({ pointer: '/pages/0/fields/1', code: 'unknown_field' }));
    expect(errors).toContainEqual(
      expect.objectContaining({ pointer: '/pages/1/fields/2', code: 'field_on_two_pages' }),
    );
    expect(errors).toContainEqual(
      expect.objectContaining({ pointer: '/schema/properties/siret', code: 'field_without_page' }),
    );
  });

  it('refuses rules and prefill that name fields, pages or claims that do not exist', () => {
    const d = canteenDefinition();
    d.rules!.visibility!.push({ target: 'page:ghost', when: true });
    d.rules!.visibility!.push({ target: '/parent/nickname', when: { eq: [{ field: '/parent/age' }, 3] } });
    d.rules!.visibility!.push({ target: '/children/*', when: true });
    d.rules!.eligibility![0]!.blockWhen = { eq: [{ claim: 'nir' }, 'x'] };
    d.settings.prefill!.push({ claim: 'given_name', pointer: '/children/*/firstName' });
    const pointers = errorsOf(d).map((e) => `${e.code} ${e.pointer}`);
    expect(pointers).toEqual(
      expect.arrayContaining([
        'unknown_page /rules/visibility/2/target',
        'unknown_field /rules/visibility/3/target',
        'rule_unknown_field /rules/visibility/3/when/eq/0/field',
        'rule_target /rules/visibility/4/target',
        'rule_unknown_claim /rules/eligibility/0/blockWhen/eq/0/claim',
        'unknown_field /settings/prefill/1/pointer',
      ]),
    );
  });

  it('answers any JSON without throwing', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = checkDefinition(value);
        return result.ok || result.errors.length > 0;
      }),
      { numRuns: 500 },
    );
  });
});

describe('definitionHash', () => {
  it('ignores key order and sees every value', () => {
    expect(definitionHash({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(definitionHash({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(definitionHash({ a: 1 })).not.toBe(definitionHash({ a: 2 }));
    expect(canonicalJson({ b: 1, a: null })).toBe('{"a":null,"b":1}');
  });
});

describe('ui:globalOptions at import and on save', () => {
  const withUi = (uiSchema: Record<string, unknown>) => ({ ...canteenDefinition(), uiSchema });

  it('warns, never refuses, when they are not an object or not at the root', () => {
    for (const [uiSchema, pointer] of [
      [{ 'ui:globalOptions': 'label' }, '/uiSchema/ui:globalOptions'],
      [{ 'ui:globalOptions': ['label'] }, '/uiSchema/ui:globalOptions'],
      [{ parent: { 'ui:globalOptions': { label: false } } }, '/uiSchema/parent/ui:globalOptions'],
    ] as const) {
      const result = checkDefinition(withUi(uiSchema as Record<string, unknown>));
      expect(result.ok).toBe(true);
      if (result.ok)
        expect(result.warnings).toContainEqual(
          expect.objectContaining({
            code: 'ui_global_options',
            pointer,
            message: expect.stringContaining('ui:globalOptions'),
          }),
        );
    }
  });

  it('says nothing of an object at the root', () => {
    const result = checkDefinition(withUi({ 'ui:globalOptions': { label: false, orderable: false } }));
    expect(result.ok && result.warnings.filter((w) => w.code === 'ui_global_options')).toEqual([]);
  });
});
