import { trimText, withoutBlankAnswers } from './blank-answers';

describe('withoutBlankAnswers', () => {
  it('trims texts at their ends, zero-width characters included, and keeps what is inside', () => {
    expect(withoutBlankAnswers({ cp: '45000 ', nom: '\u200b Marie  Claire\n', emoji: ' 😀 ' })).toEqual({
      cp: '45000',
      nom: 'Marie  Claire',
      emoji: '😀',
    });
  });

  it('removes a property whose text is blank, at any depth, keeps list items in place, and keeps the key order', () => {
    const out = withoutBlankAnswers({ a: '  ', b: { c: '\u200b\u200b', d: 'x' }, e: ['  ', 'y'], f: '' });
    expect(out).toEqual({ b: { d: 'x' }, e: ['', 'y'], f: '' });
    expect(Object.keys(out as object)).toEqual(['b', 'e', 'f']);
  });

  it('leaves a value the schema names (enum, const) exactly as written, however deep', () => {
    const schema = {
      properties: { choix: { enum: ['Oui ', 'Non'] }, g: { oneOf: [{ const: ' A' }] } },
    };
    expect(withoutBlankAnswers({ choix: 'Oui ', autre: 'Oui ', g: ' A' }, schema)).toEqual({
      choix: 'Oui ',
      autre: 'Oui ',
      g: ' A',
    });
    expect(withoutBlankAnswers({ autre: 'Non ' }, schema)).toEqual({ autre: 'Non' });
  });

  it('hands back the same object when nothing changes, and never mutates its input', () => {
    const clean = { a: 'x', b: [1, { c: 'y' }], d: null };
    expect(withoutBlankAnswers(clean)).toBe(clean);
    const dirty = { a: ' x', b: [{ c: ' ' }] };
    withoutBlankAnswers(dirty);
    expect(dirty).toEqual({ a: ' x', b: [{ c: ' ' }] });
  });

  it('keeps a hostile __proto__ key as a plain key in the copy it makes', () => {
    const input = JSON.parse('{"__proto__": {"nom": "x"}, "ville": " Paris ", "rue": "Haute"}') as object;
    const out = withoutBlankAnswers(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(out, 'nom')).toBe(false);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"nom":"x"},"ville":"Paris","rue":"Haute"}');
  });

  it('trims the ends of texts of every kind of character, in the fast case too', () => {
    for (const [raw, trimmed] of [
      ['a', 'a'],
      ['~x~', '~x~'],
      ['\u00a0x', 'x'],
      ['x\u200b', 'x'],
      ['\u3000é\u2060', 'é'],
      ['\tx y\n', 'x y'],
      ['', ''],
    ])
      expect(trimText(raw!)).toBe(trimmed);
  });
});
