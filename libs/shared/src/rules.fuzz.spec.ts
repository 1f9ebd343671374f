import fc from 'fast-check';
import { checkExpr } from './rule-check';
import { RULE_LIMITS, evaluate, readPointer, type Expr } from './rules';

/**
 * Property tests of the rules language with inputs shaped like rules (the
 * plain `fc.jsonValue()` of rules.spec.ts almost never builds one): operands
 * that are fields, claims, lists, or garbage; operators with the wrong arity;
 * nesting; and answers shaped like a form's. Run counts are in the titles.
 */
const FIELDS = ['/a', '/a/b', '/list', '/list/*', '/list/*/x', '/list/0/x', '', '/~1odd~0', 'no-slash', '/constructor'];
const CLAIMS = ['given_name', 'birthdate', '__proto__', 'toString'];
const OPERATORS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'contains'] as const;

const literal = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
);
const operand: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: literal },
  { weight: 2, arbitrary: fc.array(literal, { maxLength: 4 }) },
  { weight: 4, arbitrary: fc.constantFrom(...FIELDS).map((field) => ({ field })) },
  { weight: 1, arbitrary: fc.constantFrom(...CLAIMS).map((claim) => ({ claim })) },
  // Malformed operands: a checked rule never has them, a browser might.
  {
    weight: 1,
    arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ field: fc.jsonValue({ maxDepth: 1 }) })),
  },
);

const expr: fc.Arbitrary<unknown> = fc.letrec<{ e: unknown }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.boolean(),
    fc.tuple(fc.constantFrom(...OPERATORS), operand, operand).map(([op, l, r]) => ({ [op]: [l, r] })),
    operand.map((o) => ({ empty: o })),
    fc.array(tie('e'), { maxLength: 3 }).map((and) => ({ and })),
    fc.array(tie('e'), { maxLength: 3 }).map((or) => ({ or })),
    tie('e').map((not) => ({ not })),
    fc.tuple(operand, tie('e')).map(([block, e]) => ({ any: [block, e] })),
    // Wrong shapes: arity, several keys, unknown operators, non-objects.
    fc.tuple(fc.constantFrom(...OPERATORS), fc.array(operand, { maxLength: 3 })).map(([op, args]) => ({ [op]: args })),
    fc.record({ eq: fc.constant([1, 1]), ne: fc.constant([1, 2]) }),
    fc.jsonValue({ maxDepth: 2 }),
  ),
})).e;

const answers: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        a: fc.oneof(literal, fc.record({ b: fc.oneof(literal, fc.array(literal, { maxLength: 3 })) })),
        list: fc.array(fc.record({ x: literal }), { maxLength: 3 }),
        '/odd~': literal,
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
const claims = fc.dictionary(fc.constantFrom(...CLAIMS), literal);
const indexes = fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 2 });

describe('rules language under fuzzing', () => {
  it('evaluate is total on rule-shaped input: a boolean, never an exception (5,000 runs)', () => {
    fc.assert(
      fc.property(expr, answers, claims, indexes, (e, data, c, i) => {
        expect(typeof evaluate(e as Expr, { data, claims: c, indexes: i })).toBe('boolean');
      }),
      { numRuns: 5000 },
    );
  });

  it('evaluate is deterministic and pure: same answer twice, on a copy, and nothing mutated (3,000 runs)', () => {
    fc.assert(
      fc.property(expr, answers, claims, (e, data, c) => {
        const before = structuredClone({ e, data, c });
        const first = evaluate(e as Expr, { data, claims: c });
        expect(evaluate(e as Expr, { data, claims: c })).toBe(first);
        expect(evaluate(structuredClone(e) as Expr, { data: structuredClone(data), claims: { ...c } })).toBe(first);
        expect({ e, data, c }).toEqual(before);
      }),
      { numRuns: 3000 },
    );
  });

  it('whatever checkExpr accepts evaluates quickly, and negates exactly (3,000 runs)', () => {
    const options = { fields: new Set(FIELDS.filter((f) => f.startsWith('/'))), claims: new Set(CLAIMS) };
    let accepted = 0;
    fc.assert(
      fc.property(expr, answers, (e, data) => {
        if (checkExpr(e, [], options).length > 0) return;
        accepted++;
        const value = evaluate(e as Expr, { data, indexes: [0] });
        expect(evaluate({ not: e as Expr }, { data, indexes: [0] })).toBe(!value);
      }),
      { numRuns: 3000 },
    );
    // Enough of the generated rules are well formed for the property to mean something.
    expect(accepted).toBeGreaterThan(300);
  });

  // Counted, not timed (a timed assertion fails on a loaded machine, and says nothing on a fast one): the work is
  // the list items compared, each list read once, so what checkExpr accepts is bounded by nodes × listLength.
  it('the largest rule checkExpr accepts reads each of its lists once, no more', () => {
    let reads = 0;
    const list = new Proxy(
      Array.from({ length: RULE_LIMITS.listLength }, (_, i) => `valeur-${i}`),
      {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
          return Reflect.get(target, key, receiver) as unknown;
        },
      },
    );
    const widest = { or: Array.from({ length: RULE_LIMITS.nodes - 1 }, () => ({ in: [{ field: '/a' }, list] })) };
    const options = { fields: new Set(['/a']), claims: new Set<string>() };
    expect(checkExpr(widest, [], options)).toEqual([]);
    reads = 0;
    expect(evaluate(widest as Expr, { data: { a: 'absente' } })).toBe(false);
    expect(reads).toBe((RULE_LIMITS.nodes - 1) * RULE_LIMITS.listLength);
    // The one that matches stops the scan where it matches.
    reads = 0;
    expect(evaluate(widest as Expr, { data: { a: 'valeur-9' } })).toBe(true);
    expect(reads).toBe(10);
  });

  it('never overflows the stack, however deep the input', () => {
    let deep: unknown = true;
    for (let i = 0; i < 200_000; i++) deep = { not: deep };
    expect(typeof evaluate(deep as Expr, { data: {} })).toBe('boolean');
    let wide: unknown = true;
    for (let i = 0; i < 200_000; i++) wide = { and: [true, wide] };
    expect(evaluate(wide as Expr, { data: {} })).toBe(false);
    // Within the limit checkExpr enforces, nesting means what it says.
    let allowed: unknown = true;
    for (let i = 0; i < RULE_LIMITS.depth / 2; i++) allowed = { not: { not: allowed } };
    expect(checkExpr(allowed, [], { fields: new Set(), claims: new Set() })).toEqual([]);
    expect(evaluate(allowed as Expr, { data: {} })).toBe(true);
  });

  it('reads anything that is not a JSON pointer as absent', () => {
    for (const pointer of ['no-slash', 5, null, undefined, {}, ['/a']]) {
      expect(readPointer({ a: 1 }, pointer as string)).toBeUndefined();
      expect(evaluate({ empty: { field: pointer as string } }, { data: { a: 1 } })).toBe(true);
    }
  });
});
