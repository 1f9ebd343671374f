import { archiveFileName, layoutJson, safeEntryName } from './format';

describe('layoutJson', () => {
  const value = {
    schema: {
      type: 'object',
      properties: { b: { title: 'B « é » \\"quoted\\" {x}, [y]: z' }, a: { enum: [1, 2.5, null, true] } },
    },
    empty: {},
    none: [],
    nested: [{ x: [] }, [{}]],
  };

  it('lays text out as JSON.stringify(value, null, 2) does, and compacts it as JSON.stringify(value)', () => {
    expect(layoutJson(JSON.stringify(value), 2)).toBe(JSON.stringify(value, null, 2));
    expect(layoutJson(JSON.stringify(value, null, 2), 0)).toBe(JSON.stringify(value));
    expect(layoutJson(JSON.stringify(value, null, 4), 2)).toBe(JSON.stringify(value, null, 2));
  });

  it('keeps keys in the order of the text, integer-like keys included (a parse would move them first)', () => {
    const text = '{"z":1,"10":2,"a":{"2":"x","1":"y"}}';
    expect(layoutJson(text, 0)).toBe(text);
    expect(layoutJson(layoutJson(text, 2), 0)).toBe(text);
    expect(JSON.stringify(JSON.parse(text))).not.toBe(text);
  });
});

describe('safeEntryName', () => {
  it.each(['manifest.json', 'services/cantine/versions/2.json', 'attachments/x/y-certificat é.pdf'])(
    'accepts %s',
    (n) => expect(safeEntryName(n)).toBe(true),
  );
  it.each(['../x', 'a/../../x', '/etc/passwd', 'C:/x', 'a\\..\\x', 'a//b', './a', 'a/\u0000b', ''])('refuses %j', (n) =>
    expect(safeEntryName(n)).toBe(false),
  );
});

describe('archiveFileName', () => {
  it('keeps a readable name without separators nor a leading dot', () => {
    expect(archiveFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(archiveFileName('.bashrc')).toBe('bashrc');
    expect(archiveFileName('certificat n°1 é.pdf')).toBe('certificat n_1 é.pdf');
    expect(archiveFileName('')).toBe('fichier');
  });
});
