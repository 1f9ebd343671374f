import { HttpAddressDirectory, normaliseAddressQuery, parseAddressAnswer } from './addresses';
import { checkAddresses } from './address-check';
import { LookupUnavailableError } from './provider-client';

/** One feature as API Adresse documents it (GET /search/?q=8+bd+du+port&limit=1). */
const documented = {
  type: 'FeatureCollection',
  version: 'draft',
  features: [
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [2.290084, 49.897443] },
      properties: {
        label: '8 Boulevard du Port 80000 Amiens',
        score: 0.49159121588068583,
        housenumber: '8',
        id: '80021_6590_00008',
        type: 'housenumber',
        name: '8 Boulevard du Port',
        postcode: '80000',
        citycode: '80021',
        x: 648952.58,
        y: 6977867.25,
        city: 'Amiens',
        context: '80, Somme, Hauts-de-France',
        importance: 0.6706612694243868,
        street: 'Boulevard du Port',
      },
    },
  ],
  attribution: 'BAN',
  licence: 'ETALAB-2.0',
  query: '8 bd du port',
  limit: 1,
};

describe('API Adresse answers', () => {
  it('reads the documented shape into the field’s address', () => {
    expect(parseAddressAnswer(documented)).toEqual([
      {
        banId: '80021_6590_00008',
        label: '8 Boulevard du Port 80000 Amiens',
        numero: '8',
        voie: 'Boulevard du Port',
        codePostal: '80000',
        commune: 'Amiens',
        codeInsee: '80021',
        lon: 2.290084,
        lat: 49.897443,
        type: 'housenumber',
        score: 0.49159121588068583,
      },
    ]);
  });

  it('reads a street (no number) and a commune, and an empty collection', () => {
    const street = structuredClone(documented.features[0]!) as { properties: Record<string, unknown> };
    Object.assign(street.properties, { type: 'street', id: '80021_6590', label: 'Boulevard du Port 80000 Amiens' });
    delete street.properties.housenumber;
    const town = structuredClone(documented.features[0]!) as { properties: Record<string, unknown> };
    Object.assign(town.properties, { type: 'municipality', id: '80021', name: 'Amiens', label: 'Amiens' });
    delete town.properties.street;
    delete town.properties.housenumber;
    const [s, t] = parseAddressAnswer({ ...documented, features: [street, town] });
    expect(s).toMatchObject({ numero: '', voie: 'Boulevard du Port', type: 'street' });
    expect(t).toMatchObject({ numero: '', voie: '', type: 'municipality', commune: 'Amiens' });
    expect(parseAddressAnswer({ ...documented, features: [] })).toEqual([]);
  });

  it('refuses garbage as the provider not answering usably', () => {
    for (const body of [null, 'x', [], { features: 'no' }, { features: [3] }, { features: [{ properties: {} }] }])
      expect(() => parseAddressAnswer(body)).toThrow(LookupUnavailableError);
  });

  it('skips features the field cannot store (no id, bad postcode, point off the globe)', () => {
    const bad = (patch: Record<string, unknown>, coordinates: unknown = [2.29, 49.89]) => ({
      ...documented.features[0],
      geometry: { type: 'Point', coordinates },
      properties: { ...documented.features[0]!.properties, ...patch },
    });
    expect(
      parseAddressAnswer({
        features: [bad({ id: undefined }), bad({ postcode: '800' }), bad({}, [200, 49]), bad({}, ['2', '49'])],
      }),
    ).toEqual([]);
  });

  it('bounds the query', () => {
    expect(normaliseAddressQuery('  8  bd du   port ')).toBe('8 bd du port');
    expect(normaliseAddressQuery('ab')).toBeNull();
    expect(normaliseAddressQuery('a'.repeat(201))).toBeNull();
    expect(normaliseAddressQuery(['8 bd'])).toBeNull();
  });

  it('asks GET {base}/search/?q=&limit= and shares the answer through the provider client', async () => {
    const urls: string[] = [];
    const fetch = (async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify(documented), { headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof globalThis.fetch;
    const directory = new HttpAddressDirectory({ baseUrl: 'https://data.geopf.fr/geocodage/', fetch });
    await Promise.all([directory.search('8 bd du port'), directory.search('8  BD du port')]);
    expect(urls).toEqual(['https://data.geopf.fr/geocodage/search/?q=8%20bd%20du%20port&limit=5&index=address']);
  });
});

describe('address check at submit', () => {
  const definition = {
    schema: {
      type: 'object',
      properties: {
        lieu: {
          type: 'object',
          properties: {
            label: { type: 'string' },
            numero: { type: 'string' },
            voie: { type: 'string' },
            codePostal: { type: 'string' },
            commune: { type: 'string' },
            codeInsee: { type: 'string' },
            banId: { type: 'string' },
            lon: { type: 'number' },
            lat: { type: 'number' },
            provenance: { type: 'string' },
          },
        },
      },
    },
    uiSchema: { lieu: { 'ui:widget': 'address' } },
  };
  const [amiens] = parseAddressAnswer(documented);
  const up = { search: async () => [amiens!] };
  const down = {
    search: async () => {
      throw new LookupUnavailableError('timeout');
    },
  };
  const chosen = { label: amiens!.label, banId: amiens!.banId, lon: amiens!.lon, lat: amiens!.lat, voie: 'x' };

  it('fills a chosen address from the BAN and says so', async () => {
    const { errors, data } = await checkAddresses(definition, { lieu: chosen }, up);
    expect(errors).toEqual([]);
    expect(data).toEqual({
      lieu: {
        ...chosen,
        numero: '8',
        voie: 'Boulevard du Port',
        codePostal: '80000',
        commune: 'Amiens',
        codeInsee: '80021',
        provenance: 'Base Adresse Nationale',
      },
    });
  });

  it('refuses a tampered label or coordinates with a pointer', async () => {
    const label = await checkAddresses(
      definition,
      { lieu: { ...chosen, label: '9 Boulevard du Port 80000 Amiens' } },
      up,
    );
    expect(label.errors).toEqual([expect.objectContaining({ pointer: '/lieu/label', code: 'adresse_modifiee' })]);
    const lat = await checkAddresses(definition, { lieu: { ...chosen, lat: 48.85 } }, up);
    expect(lat.errors).toEqual([expect.objectContaining({ pointer: '/lieu/lat', code: 'adresse_modifiee' })]);
    const id = await checkAddresses(definition, { lieu: { ...chosen, banId: '80021_6590_00010' } }, up);
    expect(id.errors).toEqual([expect.objectContaining({ pointer: '/lieu/label' })]);
  });

  it('keeps an address as typed, unverified, when the BAN is down or none was chosen', async () => {
    const kept = await checkAddresses(definition, { lieu: chosen }, down);
    expect(kept.errors).toEqual([]);
    expect(kept.data).toEqual({ lieu: { ...chosen, provenance: 'saisie par l’usager, non vérifiée' } });
    const typed = await checkAddresses(definition, { lieu: { label: '3 rue X', lon: 1, lat: 2 } }, up);
    expect(typed.data).toEqual({ lieu: { label: '3 rue X', provenance: 'saisie par l’usager, non vérifiée' } });
  });
});
