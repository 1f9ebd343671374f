import { decodePointerSegment, encodePointerSegment, parseJsonPointer, toJsonPointer } from './json-pointer';

describe('JSON pointers (RFC 6901)', () => {
  it('decodes ~1 as / and ~0 as ~, ~1 first', () => {
    expect(decodePointerSegment('a~1b')).toBe('a/b');
    expect(decodePointerSegment('m~0n')).toBe('m~n');
    expect(decodePointerSegment('~01')).toBe('~1');
    expect(decodePointerSegment('~10')).toBe('/0');
  });

  it('encodes ~ before /, so that decoding gives the segment back', () => {
    for (const segment of ['a/b', 'm~n', '~1', '/~0/', 'plain', '']) {
      expect(decodePointerSegment(encodePointerSegment(segment))).toBe(segment);
    }
    expect(encodePointerSegment('~/')).toBe('~0~1');
    expect(encodePointerSegment(3)).toBe('3');
  });

  it('builds and splits whole pointers', () => {
    expect(toJsonPointer(['a/b', 0, 'c~d'])).toBe('/a~1b/0/c~0d');
    expect(parseJsonPointer('/a~1b/0/c~0d')).toEqual(['a/b', '0', 'c~d']);
    expect(parseJsonPointer('')).toEqual([]);
    expect(parseJsonPointer('/')).toEqual(['']);
    expect(() => parseJsonPointer('a/b')).toThrow('Not a JSON pointer');
  });
});
