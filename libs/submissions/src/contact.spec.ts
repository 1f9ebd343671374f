import { searchText } from './contact';

describe('searchText', () => {
  const contact = { contactEmail: 'Jean.Dupont@exemple.fr', contactName: 'Jean Dupont' };

  it('keeps words only, folded, split as the inbox splits what is searched', () => {
    expect(searchText('GCH-2345-ABC7', contact, { city: 'Orléans', nested: { note: "l'Île-Bouchard" } })).toBe(
      'gch 2345 abc7 jean dupont jean dupont exemple fr orleans l ile bouchard',
    );
  });

  it('never lets a segment of digits read as a signed number', () => {
    expect(searchText('GCH-2345-6789', { contactEmail: null, contactName: null }, {})).toBe('gch 2345 6789');
  });

  it('bounds what it keeps', () => {
    expect(
      searchText(null, { contactEmail: null, contactName: null }, { a: 'x'.repeat(101), b: 'y '.repeat(3000) }).length,
    ).toBeLessThanOrEqual(4000);
  });
});
