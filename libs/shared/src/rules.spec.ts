import fc from 'fast-check';
import { checkExpr, evaluate, readPointer, type Expr } from './rules';

const data = {
  applicant: { firstName: 'Anne-Sophie', age: 34, birthDate: '1990-05-17', email: '' },
  hasAllergy: 'oui',
  diets: ['sans-porc', 'vegetarien'],
  children: [
    { name: 'Léo', allergy: true },
    { name: 'Inès', allergy: false },
  ],
  'a/b': { '~c': 1 },
};
const ctx = { data, claims: { given_name: 'Anne-Sophie', birthdate: '1990-05-17' } };

describe('evaluate', () => {
  it.each<[Expr, boolean]>([
    [{ eq: [{ field: '/hasAllergy' }, 'oui'] }, true],
    [{ eq: [{ field: '/hasAllergy' }, 'non'] }, false],
    [{ ne: [{ field: '/hasAllergy' }, 'non'] }, true],
    [{ gte: [{ field: '/applicant/age' }, 18] }, true],
    [{ lt: [{ field: '/applicant/age' }, 18] }, false],
    [{ lt: [{ field: '/applicant/birthDate' }, '2000-01-01'] }, true],
    [{ in: [{ field: '/hasAllergy' }, ['oui', 'peut-être']] }, true],
    [{ contains: [{ field: '/diets' }, 'vegetarien'] }, true],
    [{ contains: [{ field: '/diets' }, 'halal'] }, false],
    [{ empty: { field: '/applicant/email' } }, true],
    [{ empty: { field: '/applicant/missing' } }, true],
    [{ empty: { field: '/applicant/firstName' } }, false],
    [{ and: [{ eq: [{ field: '/hasAllergy' }, 'oui'] }, { gt: [{ field: '/applicant/age' }, 30] }] }, true],
    [{ or: [{ eq: [{ field: '/hasAllergy' }, 'non'] }, { eq: [{ claim: 'given_name' }, 'Anne-Sophie'] }] }, true],
    [{ not: { eq: [{ field: '/hasAllergy' }, 'oui'] } }, false],
    [{ eq: [{ field: '/a~1b/~0c' }, 1] }, true],
    [true, true],
    [false, false],
  ])('%j → %s', (expr, expected) => {
    expect(evaluate(expr, ctx)).toBe(expected);
  });

  it('never orders values of different types', () => {
    expect(evaluate({ lt: [{ field: '/applicant/age' }, '40'] }, ctx)).toBe(false);
    expect(evaluate({ gte: [{ field: '/applicant/age' }, '40'] }, ctx)).toBe(false);
    expect(evaluate({ gt: [null, 1] }, ctx)).toBe(false);
  });

  it('binds * to the item being evaluated in a repeatable group', () => {
    const rule: Expr = { eq: [{ field: '/children/*/allergy' }, true] };
    expect(evaluate(rule, { data, indexes: [0] })).toBe(true);
    expect(evaluate(rule, { data, indexes: [1] })).toBe(false);
    expect(evaluate(rule, { data })).toBe(false);
  });

  it('does not read through the prototype', () => {
    expect(readPointer({}, '/constructor')).toBeUndefined();
    expect(readPointer({}, '/__proto__')).toBeUndefined();
    expect(evaluate({ empty: { field: '/toString' } }, { data: {} })).toBe(true);
    expect(evaluate({ empty: { claim: 'constructor' } }, { data: {}, claims: {} })).toBe(true);
  });

  it('is total: any JSON gives a boolean and never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (expr, value) => {
        const result = evaluate(expr as Expr, { data: value, claims: {} });
        expect(typeof result).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('negates exactly', () => {
    const arbExpr = fc.letrec<{ e: Expr }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small' },
        fc.record({
          eq: fc.tuple(
            fc.constantFrom<unknown>({ field: '/hasAllergy' }, 'oui', 1),
            fc.constantFrom<unknown>('oui', 1, null),
          ),
        }) as fc.Arbitrary<Expr>,
        fc.record({ and: fc.array(tie('e'), { minLength: 1, maxLength: 3 }) }) as fc.Arbitrary<Expr>,
        fc.record({ or: fc.array(tie('e'), { minLength: 1, maxLength: 3 }) }) as fc.Arbitrary<Expr>,
        fc.record({ not: tie('e') }) as fc.Arbitrary<Expr>,
      ),
    })).e;
    fc.assert(
      fc.property(arbExpr, (e) => evaluate({ not: e }, ctx) === !evaluate(e, ctx)),
      { numRuns: 500 },
    );
  });
});

describe('checkExpr', () => {
  const options = { fields: new Set(['/hasAllergy', '/applicant', '/applicant/age']), claims: new Set(['given_name']) };

  it('accepts a well-formed rule', () => {
    expect(
      checkExpr(
        { and: [{ eq: [{ field: '/hasAllergy' }, 'oui'] }, { gte: [{ field: '/applicant/age' }, 18] }] },
        ['when'],
        options,
      ),
    ).toEqual([]);
  });

  it.each<[unknown, string, string]>([
    [{ eq: [{ field: '/nope' }, 1] }, 'rule_unknown_field', '/rules/0/when/eq/0/field'],
    [{ eq: [{ claim: 'nir' }, 1] }, 'rule_unknown_claim', '/rules/0/when/eq/0/claim'],
    [{ matches: ['a', 'b'] }, 'rule_unknown_operator', '/rules/0/when'],
    [{ eq: [1] }, 'rule_arity', '/rules/0/when/eq'],
    [{ and: [] }, 'rule_arity', '/rules/0/when/and'],
    [{ eq: [{ field: '/hasAllergy' }, { script: 'alert(1)' }] }, 'rule_operand', '/rules/0/when/eq/1'],
    [{ eq: [1, 2], ne: [1, 2] }, 'rule_unknown_operator', '/rules/0/when'],
    ['eq', 'rule_shape', '/rules/0/when'],
    [{ __proto__: { eq: [1, 1] } }, 'rule_unknown_operator', '/rules/0/when'],
  ])('refuses %j with %s at %s', (expr, code, pointer) => {
    const errors = checkExpr(expr, ['rules', 0, 'when'], options);
    expect(errors).toContainEqual(expect.objectContaining({ code, pointer }));
    for (const e of errors) expect(e.message.length).toBeGreaterThan(10);
  });

  it('bounds depth and size', () => {
    let deep: unknown = true;
    for (let i = 0; i < 10_000; i++) deep = { not: deep };
    expect(checkExpr(deep, [], options)).toContainEqual(expect.objectContaining({ code: 'rule_too_deep' }));
    const wide = { or: Array.from({ length: 5000 }, () => true) };
    expect(checkExpr(wide, [], options)).toEqual([expect.objectContaining({ code: 'rule_too_large' })]);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (expr) => Array.isArray(checkExpr(expr, [], options))),
      { numRuns: 2000 },
    );
  });
});
