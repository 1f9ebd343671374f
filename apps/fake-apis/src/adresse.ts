import { jsonAnswer, type Answer } from './answer';

/**
 * Fake API Adresse (Base Adresse Nationale; https://data.geopf.fr/geocodage):
 * `GET /search/?q=…&limit=…` answers a GeoJSON FeatureCollection in the
 * documented shape. The addresses are invented (streets of two communes of
 * the Loiret, plausible numbers, ids and coordinates), not the BAN's. A few
 * queries misbehave on purpose, for the tests and for trying the field.
 */

interface FakeAddress {
  id: string;
  housenumber: string | null;
  street: string;
  postcode: string;
  citycode: string;
  city: string;
  lon: number;
  lat: number;
}

/** Queries containing these words misbehave: a 500, garbage, or an answer after `ADDRESS_SLOW_MS`. */
export const ADDRESS_MISBEHAVING = { error: 'panne', garbage: 'charabia', slow: 'lenteur' } as const;
export const ADDRESS_SLOW_MS = 8000;

const CONTEXT: Record<string, string> = {
  '45234': '45, Loiret, Centre-Val de Loire',
  '45284': '45, Loiret, Centre-Val de Loire',
};

function street(
  citycode: string,
  city: string,
  postcode: string,
  code: string,
  name: string,
  numbers: readonly number[],
  [lon, lat]: [number, number],
): FakeAddress[] {
  const base = { street: name, postcode, citycode, city };
  return [
    { ...base, id: `${citycode}_${code}`, housenumber: null, lon, lat },
    ...numbers.map((n, i) => ({
      ...base,
      id: `${citycode}_${code}_${String(n).padStart(5, '0')}`,
      housenumber: String(n),
      // Numbers go along the street, a few metres apart.
      lon: Math.round((lon + (i + 1) * 0.00031) * 1e6) / 1e6,
      lat: Math.round((lat + (i + 1) * 0.00017) * 1e6) / 1e6,
    })),
  ];
}

export const FAKE_ADDRESSES: readonly FakeAddress[] = [
  ...street('45234', 'Orléans', '45000', 'a120', 'Rue des Tilleuls Argentés', [2, 5, 12, 14], [1.90412, 47.90231]),
  ...street('45234', 'Orléans', '45000', 'b305', 'Allée du Puits Carré', [1, 3, 8], [1.91105, 47.89877]),
  ...street('45234', 'Orléans', '45100', 'c418', 'Avenue des Hirondelles', [10, 21, 37], [1.89621, 47.88312]),
  ...street('45234', 'Orléans', '45000', 'd072', 'Place du Marché aux Herbes', [4, 6], [1.90877, 47.90105]),
  ...street('45284', 'Saint-Jean-de-Braye', '45800', 'e211', 'Rue des Vignes Basses', [3, 7, 15], [1.95412, 47.91533]),
  ...street(
    '45284',
    'Saint-Jean-de-Braye',
    '45800',
    'f090',
    'Chemin de la Fontaine Ronde',
    [2, 9],
    [1.96108, 47.91875],
  ),
  ...street('45284', 'Saint-Jean-de-Braye', '45800', 'g356', 'Impasse des Cerisiers', [1, 4], [1.94876, 47.9122]),
];

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const labelOf = (a: FakeAddress) => `${a.housenumber ? `${a.housenumber} ` : ''}${a.street} ${a.postcode} ${a.city}`;

function feature(a: FakeAddress, score: number) {
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [a.lon, a.lat] },
    properties: {
      label: labelOf(a),
      score,
      ...(a.housenumber ? { housenumber: a.housenumber } : {}),
      id: a.id,
      banId: `fa4e-${a.id.replace(/_/g, '-')}`,
      name: a.housenumber ? `${a.housenumber} ${a.street}` : a.street,
      postcode: a.postcode,
      citycode: a.citycode,
      x: 619000 + Math.round((a.lon - 1.9) * 75000),
      y: 6755000 + Math.round((a.lat - 47.9) * 111000),
      city: a.city,
      context: CONTEXT[a.citycode],
      type: a.housenumber ? 'housenumber' : 'street',
      importance: 0.6,
      street: a.street,
      _type: 'address',
    },
  };
}

/** The answer to `GET /search/` (the API also answers `/search` without the slash). */
export function answerAddressSearch(query: URLSearchParams): Answer {
  const q = query.get('q') ?? '';
  const folded = fold(q);
  if (q.trim().length < 3 || folded === '')
    return jsonAnswer(400, {
      code: 400,
      message: 'q must contain between 3 and 200 chars and start with a number or a letter',
    });
  if (folded.includes(ADDRESS_MISBEHAVING.error))
    return jsonAnswer(500, { code: 500, message: 'Internal Server Error' });
  if (folded.includes(ADDRESS_MISBEHAVING.garbage)) return jsonAnswer(200, { results: 'pas une FeatureCollection' });
  const limit = Math.min(Math.max(Number(query.get('limit')) || 5, 1), 20);
  const words = folded.split(' ');
  const found = FAKE_ADDRESSES.map((a) => ({ a, text: ` ${fold(labelOf(a))} ` }))
    .filter(({ text }) =>
      words.every((w, i) => (i === words.length - 1 ? text.includes(` ${w}`) : text.includes(` ${w} `))),
    )
    // Exact labels first, then house numbers before streets, then by label.
    .map(({ a, text }) => ({ a, exact: text.trim() === folded, numbered: a.housenumber !== null }))
    .sort(
      (x, y) =>
        Number(y.exact) - Number(x.exact) ||
        Number(y.numbered) - Number(x.numbered) ||
        labelOf(x.a).localeCompare(labelOf(y.a), 'fr'),
    )
    .slice(0, limit)
    .map(({ a, exact }, i) => feature(a, Math.round((exact ? 0.98 : 0.9 - i * 0.03) * 1e4) / 1e4));
  const body = {
    type: 'FeatureCollection',
    version: 'draft',
    features: found,
    attribution: 'BAN',
    licence: 'ETALAB-2.0',
    query: q,
    filters: {},
    limit,
  };
  return jsonAnswer(200, body, folded.includes(ADDRESS_MISBEHAVING.slow) ? ADDRESS_SLOW_MS : undefined);
}
