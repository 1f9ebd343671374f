import { AppError, ERROR_CODES, errorMessage, isErrorCode, parseJsonPointer, toJsonPointer } from './index';

describe('error registry', () => {
  it.each(Object.entries(ERROR_CODES))('%s has a 4xx/5xx status and both messages', (_code, def) => {
    expect(def.status).toBeGreaterThanOrEqual(400);
    expect(def.status).toBeLessThan(600);
    expect(def.fr.length).toBeGreaterThan(10);
    expect(def.en.length).toBeGreaterThan(10);
    // The same placeholders in both languages, or a message would lose its detail.
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    expect(placeholders(def.fr)).toEqual(placeholders(def.en));
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(errorMessage('PAYLOAD_TOO_LARGE', 'fr', { limit: '1 Mo' })).toBe(
      'La requête est trop volumineuse (limite : 1 Mo).',
    );
    expect(errorMessage('PAYLOAD_TOO_LARGE', 'en')).toContain('{limit}');
  });

  it('does not treat prototype keys as codes', () => {
    expect(isErrorCode('NOT_FOUND')).toBe(true);
    expect(isErrorCode('constructor')).toBe(false);
    expect(isErrorCode('__proto__')).toBe(false);
  });

  it('carries its status and details', () => {
    const err = new AppError('CONFLICT', { errors: [{ pointer: '/a', code: 'stale', message: 'x' }] });
    expect(err.status).toBe(409);
    expect(err.errors).toHaveLength(1);
    expect(err).toBeInstanceOf(Error);
  });
});

describe('JSON pointers', () => {
  it('escapes ~ and / as RFC 6901 says', () => {
    expect(toJsonPointer(['a/b', 'c~d', 0])).toBe('/a~1b/c~0d/0');
    expect(parseJsonPointer('/a~1b/c~0d/0')).toEqual(['a/b', 'c~d', '0']);
    expect(toJsonPointer([])).toBe('');
  });

  it('round-trips awkward keys', () => {
    for (const key of ['~1', '/~0', '', ' ', '__proto__', 'é/è']) {
      expect(parseJsonPointer(toJsonPointer([key]))).toEqual([key]);
    }
  });

  it('refuses a string that is not a pointer', () => {
    expect(() => parseJsonPointer('a/b')).toThrow('Not a JSON pointer');
  });
});
