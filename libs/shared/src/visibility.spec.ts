import type { ServiceDefinition } from './definition';
import { fieldPointers } from './schema-fields';
import { dropHidden, hiddenPointers, visiblePages, withoutPointers } from './visibility';

const definition: Pick<ServiceDefinition, 'pages' | 'rules'> = {
  pages: [
    { id: 'enfants', title: 'Enfants', fields: ['children', 'hasAllergy'] },
    { id: 'allergies', title: 'Allergies', fields: ['allergyDetails', 'certificate'] },
  ],
  rules: {
    visibility: [
      { target: 'page:allergies', when: { eq: [{ field: '/hasAllergy' }, 'oui'] } },
      { target: '/children/*/diet', when: { eq: [{ field: '/children/*/eatsAtCanteen' }, true] } },
    ],
  },
};

describe('visibility', () => {
  const data = {
    hasAllergy: 'non',
    allergyDetails: 'arachide',
    certificate: 'att-1',
    children: [
      { name: 'Léo', eatsAtCanteen: true, diet: 'sans porc' },
      { name: 'Inès', eatsAtCanteen: false, diet: 'végétarien' },
    ],
  };

  it('hides a page and per-item fields of a repeatable group', () => {
    expect(hiddenPointers({ definition, data })).toEqual(['/allergyDetails', '/certificate', '/children/1/diet']);
    expect(visiblePages({ definition, data })).toEqual(['enfants']);
    expect(visiblePages({ definition, data: { ...data, hasAllergy: 'oui' } })).toEqual(['enfants', 'allergies']);
  });

  it('drops the values of hidden fields and leaves the rest untouched', () => {
    expect(dropHidden({ definition, data })).toEqual({
      hasAllergy: 'non',
      children: [
        { name: 'Léo', eatsAtCanteen: true, diet: 'sans porc' },
        { name: 'Inès', eatsAtCanteen: false },
      ],
    });
    expect(data.allergyDetails).toBe('arachide');
  });
});

describe('fieldPointers', () => {
  it('lists fields, groups, repeatable items and local $refs, and survives recursion', () => {
    const schema = {
      type: 'object',
      $defs: {
        person: { type: 'object', properties: { name: { type: 'string' }, parent: { $ref: '#/$defs/person' } } },
      },
      properties: {
        applicant: { $ref: '#/$defs/person' },
        children: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
      },
    };
    expect([...fieldPointers(schema)].sort()).toEqual([
      '/applicant',
      '/applicant/name',
      '/applicant/parent',
      '/children',
      '/children/*',
      '/children/*/name',
    ]);
  });
});

describe('withoutPointers', () => {
  const data = { a: { b: 1, c: 2 }, list: ['x', 'y', 'z'] };

  it('keeps array indexes by default, and takes items out when asked, never touching the input', () => {
    expect(withoutPointers(data, ['/a/b', '/list/0', '/list/2'])).toEqual({ a: { c: 2 }, list: [null, 'y', null] });
    expect(withoutPointers(data, ['/a/b', '/list/0', '/list/2'], 'remove')).toEqual({ a: { c: 2 }, list: ['y'] });
    expect(data).toEqual({ a: { b: 1, c: 2 }, list: ['x', 'y', 'z'] });
  });

  it('ignores pointers to nothing', () => {
    expect(withoutPointers(data, ['/nope/x', '/list/9', '/list/k', ''])).toEqual(data);
  });
});

describe('withoutPointers', () => {
  it('keeps a hostile __proto__ key as a plain key, and changes nothing in its input', () => {
    const text = '{"__proto__": {"x": 1, "y": 2}, "a": [1, {"b": 2}]}';
    const input = JSON.parse(text) as Record<string, unknown>;
    const copy = withoutPointers(input, ['/a/0', '/__proto__/x']) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(copy, '__proto__')).toBe(true);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"y":2},"a":[null,{"b":2}]}');
    expect(Object.prototype).not.toHaveProperty('y');
    expect(JSON.stringify(input)).toBe(JSON.stringify(JSON.parse(text)));
  });

  it('copies the groups and lists on the way to what it removes, and shares the rest with its input', () => {
    const input = { a: [1, { b: 2 }], c: { d: { e: 3 } }, f: { g: 4 } };
    const copy = withoutPointers(input, ['/a/0', '/c/d/e']) as typeof input;
    expect(copy).toEqual({ a: [null, { b: 2 }], c: { d: {} }, f: { g: 4 } });
    expect(input).toEqual({ a: [1, { b: 2 }], c: { d: { e: 3 } }, f: { g: 4 } });
    expect(copy).not.toBe(input);
    expect(copy.a).not.toBe(input.a);
    expect(copy.c.d).not.toBe(input.c.d);
    expect(copy.a[1]).toBe(input.a[1]);
    expect(copy.f).toBe(input.f);
  });

  it('hands back its input when there is nothing to remove, or nothing where the pointers lead', () => {
    const input = { a: [1], b: 'x' };
    expect(withoutPointers(input, [])).toBe(input);
    expect(withoutPointers(input, ['/z/0', '/a/01', '/b/c'])).toEqual(input);
    expect(input).toEqual({ a: [1], b: 'x' });
  });

  it('takes list items out, deepest first, when asked to', () => {
    const input = { a: [{ b: [1, 2, 3] }, 'x', 'y'] };
    expect(withoutPointers(input, ['/a/1', '/a/0/b/0', '/a/0/b/2'], 'remove')).toEqual({ a: [{ b: [2] }, 'y'] });
    expect(input).toEqual({ a: [{ b: [1, 2, 3] }, 'x', 'y'] });
  });
});
