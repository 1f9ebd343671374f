import fc from 'fast-check';
import { checkExpr } from './rule-check';
import { RULE_LIMITS, evaluate, readPointer, type Expr } from './rules';

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

describe('any item of a repeatable block', () => {
  const family = {
    children: [
      { name: 'Léo', school: 'pasteur', days: ['lundi'] },
      { name: 'Inès', school: 'jules-ferry', days: ['mardi', 'jeudi'] },
    ],
    siblings: [{ name: 'Zoé' }],
  };
  const atSchool = (school: string): Expr => ({
    any: [{ field: '/children' }, { eq: [{ field: '/children/*/school' }, school] }],
  });

  it('holds when at least one item makes the condition true', () => {
    expect(evaluate(atSchool('jules-ferry'), { data: family })).toBe(true);
    expect(evaluate(atSchool('pasteur'), { data: family })).toBe(true);
    expect(evaluate(atSchool('curie'), { data: family })).toBe(false);
    expect(evaluate(atSchool('jules-ferry'), { data: { children: [] } })).toBe(false);
    expect(evaluate(atSchool('jules-ferry'), { data: { children: 'x' } })).toBe(false);
    expect(evaluate(atSchool('jules-ferry'), { data: {} })).toBe(false);
  });

  it('reads the first item by its number', () => {
    expect(evaluate({ eq: [{ field: '/children/0/school' }, 'pasteur'] }, { data: family })).toBe(true);
    expect(evaluate({ eq: [{ field: '/children/0/school' }, 'jules-ferry'] }, { data: family })).toBe(false);
  });

  it('binds each * to its own block: nested blocks, and another block inside a repeated field', () => {
    const onThursday: Expr = {
      any: [
        { field: '/children' },
        { any: [{ field: '/children/*/days' }, { eq: [{ field: '/children/*/days/*' }, 'jeudi'] }] },
      ],
    };
    expect(evaluate(onThursday, { data: family })).toBe(true);
    // A condition on /children/*/x (this child is item 0) that looks at any sibling: the sibling's * is the sibling's.
    const siblingZoe: Expr = {
      and: [
        { eq: [{ field: '/children/*/name' }, 'Léo'] },
        { any: [{ field: '/siblings' }, { eq: [{ field: '/siblings/*/name' }, 'Zoé'] }] },
      ],
    };
    expect(evaluate(siblingZoe, { data: family, indexes: [0] })).toBe(true);
    expect(evaluate(siblingZoe, { data: family, indexes: [1] })).toBe(false);
  });

  it('stops at its step budget instead of running for ever', () => {
    // The items' reads are counted (not the time: a loaded machine made a 500 ms bound fail with the budget working).
    let reads = 0;
    const items = new Proxy(
      Array.from({ length: 5_000 }, (_, i) => i),
      {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
          return Reflect.get(target, key, receiver) as unknown;
        },
      },
    );
    const long = { a: items };
    const nested: Expr = {
      any: [{ field: '/a' }, { any: [{ field: '/a' }, { eq: [{ field: '/a/*' }, -1] }] }],
    };
    expect(evaluate(nested, { data: long })).toBe(false);
    // Without the budget, every pair: millions of reads.
    expect(reads).toBeLessThan(10 * RULE_LIMITS.steps);
    // Within the budget, the answer is exact.
    const found: Expr = { any: [{ field: '/a' }, { eq: [{ field: '/a/*' }, 4_999] }] };
    expect(evaluate(found, { data: long })).toBe(true);
    expect(RULE_LIMITS.steps).toBeGreaterThan(2 * 5_000);
  });

  const fields = new Set([
    '/children',
    '/children/*',
    '/children/*/school',
    '/children/*/days',
    '/children/*/days/*',
    '/siblings',
    '/siblings/*',
    '/siblings/*/name',
    '/amount',
  ]);
  const routing = { fields, claims: new Set<string>(), items: [] };

  it('checks: accepted with a block and its items, a number, or nested blocks', () => {
    expect(checkExpr(atSchool('x'), [], routing)).toEqual([]);
    expect(checkExpr({ eq: [{ field: '/children/0/school' }, 'x'] }, [], routing)).toEqual([]);
    expect(
      checkExpr(
        {
          any: [
            { field: '/children' },
            { any: [{ field: '/children/*/days' }, { eq: [{ field: '/children/*/days/*' }, 'jeudi'] }] },
          ],
        },
        [],
        routing,
      ),
    ).toEqual([]);
    // A condition placed on /children/*/x already stands for one child.
    expect(
      checkExpr({ eq: [{ field: '/children/*/school' }, 'x'] }, [], { ...routing, items: ['/children/*'] }),
    ).toEqual([]);
  });

  it.each<[unknown, string, string]>([
    [{ eq: [{ field: '/children/*/school' }, 'x'] }, 'rule_unbound_item', '/when/eq/0/field'],
    [
      { any: [{ field: '/siblings' }, { eq: [{ field: '/children/*/school' }, 'x'] }] },
      'rule_unbound_item',
      '/when/any/1/eq/0/field',
    ],
    [{ any: [{ field: '/amount' }, true] }, 'rule_not_a_list', '/when/any/0/field'],
    [{ any: [{ field: '/nope' }, true] }, 'rule_unknown_field', '/when/any/0/field'],
    [{ any: [{ field: '/children' }] }, 'rule_arity', '/when/any'],
    [{ any: ['/children', true] }, 'rule_operand', '/when/any/0'],
    [{ any: [{ field: '/children' }, { eq: [1] }] }, 'rule_arity', '/when/any/1/eq'],
    [{ eq: [{ field: '/children/x/school' }, 'x'] }, 'rule_unknown_field', '/when/eq/0/field'],
  ])('refuses %j with %s at %s', (expr, code, pointer) => {
    const errors = checkExpr(expr, ['when'], routing);
    expect(errors).toContainEqual(expect.objectContaining({ code, pointer }));
    for (const e of errors) expect(e.message).toMatch(/[a-zé]{4}/);
  });

  it('says in French which item to name', () => {
    const [error] = checkExpr({ eq: [{ field: '/children/*/school' }, 'x'] }, [], routing);
    expect(error!.message).toContain('« au moins un »');
    expect(error!.message).toContain('/children/0');
  });

  it('without items, * is not checked (as before)', () => {
    expect(checkExpr({ eq: [{ field: '/children/*/school' }, 'x'] }, [], { fields, claims: new Set() })).toEqual([]);
  });

  it('never throws on arbitrary JSON under any', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (inner, data) => {
        const expr = { any: [{ field: '/children' }, inner] };
        expect(Array.isArray(checkExpr(expr, [], routing))).toBe(true);
        expect(typeof evaluate(expr as Expr, { data })).toBe('boolean');
        expect(typeof evaluate(expr as Expr, { data: family })).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });
});
