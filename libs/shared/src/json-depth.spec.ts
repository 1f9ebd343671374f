import { depthExceeds, jsonBodyProblem } from './json-depth';

describe('jsonBodyProblem', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 'feuille';
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
  };

  it('finds nesting beyond the limit as depthExceeds does, at any depth without recursion', () => {
    for (const depth of [0, 1, 63, 64, 65, 100_000]) {
      const value = nested(depth);
      expect(jsonBodyProblem(value, 64)?.kind === 'too-deep').toBe(depthExceeds(value, 64));
    }
  });

  it('gives the path of a NUL character in a value or a key, inside objects and arrays', () => {
    expect(jsonBodyProblem({ enfants: [{ prénom: 'Léa' }, { prénom: 'Lé\u0000a' }] }, 64)).toEqual({
      kind: 'nul',
      path: ['enfants', '1', 'prénom'],
    });
    expect(jsonBodyProblem({ data: { 'clé\u0000': 1 } }, 64)).toEqual({ kind: 'nul', path: ['data', 'clé\u0000'] });
    expect(jsonBodyProblem('\u0000', 64)).toEqual({ kind: 'nul', path: [] });
  });

  it('gives the path of half a surrogate pair, which jsonb cannot hold, in a value or a key', () => {
    expect(jsonBodyProblem({ a: ['x', { b: 'é\ud800' }] }, 64)).toEqual({ kind: 'surrogate', path: ['a', '1', 'b'] });
    expect(jsonBodyProblem({ data: { ['\udc00clé']: 1 } }, 64)).toEqual({
      kind: 'surrogate',
      path: ['data', '\udc00clé'],
    });
    expect(jsonBodyProblem('\ud83d', 64)).toEqual({ kind: 'surrogate', path: [] });
  });

  it('finds nothing in ordinary bodies, control characters other than NUL and whole surrogate pairs included', () => {
    for (const body of [
      undefined,
      null,
      {},
      [],
      'texte',
      12,
      { a: ['\u0001\t\n', { b: 'é😀\ud83d\ude00' }], c: null },
    ]) {
      expect(jsonBodyProblem(body, 64)).toBeUndefined();
    }
  });
});
