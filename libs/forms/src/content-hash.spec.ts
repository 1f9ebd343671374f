import { definitionHash } from './check-definition';
import { authoredHash, sameAuthoredText } from './content-hash';

describe('authoredHash', () => {
  it('tells two orders of the same keys apart, where the canonical hash does not', () => {
    const debutFin = { properties: { debut: { type: 'string' }, fin: { type: 'string' } } };
    const finDebut = { properties: { fin: { type: 'string' }, debut: { type: 'string' } } };
    expect(authoredHash(debutFin)).not.toBe(authoredHash(finDebut));
    expect(definitionHash(debutFin)).toBe(definitionHash(finDebut));
    expect(sameAuthoredText(debutFin, finDebut)).toBe(false);
  });

  it('is the same for the same text, parsed again', () => {
    const text = '{"schema":{"properties":{"nomDeNaissance":{},"nom":{}}},"pages":[]}';
    expect(authoredHash(JSON.parse(text))).toBe(authoredHash(JSON.parse(text)));
    expect(sameAuthoredText(JSON.parse(text), JSON.parse(text))).toBe(true);
    expect(authoredHash({ a: 1 })).not.toBe(authoredHash({ a: 2 }));
  });
});
