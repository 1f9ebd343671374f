import {
  HttpCompanyDirectory,
  LookupUnavailableError,
  PROVENANCE,
  checkSirets,
  normaliseSiret,
  parseSearchAnswer,
  siretFields,
  type Company,
} from '@guichet/forms';
import { answerSearch, MISBEHAVING } from './entreprises';

/** The fake's answer body for a SIRET, as the real API would send it. */
const answerFor = (siret: string) => JSON.parse(answerSearch(new URLSearchParams({ q: siret })).body) as unknown;

describe('normaliseSiret', () => {
  it('keeps 14 digits with a right key, spaces dropped, La Poste included', () => {
    expect(normaliseSiret('912 345 675 00017')).toBe('91234567500017');
    expect(normaliseSiret('91234567500018')).toBeNull();
    expect(normaliseSiret('9123456750001')).toBeNull();
    expect(normaliseSiret('35600000000048')).toBe('35600000000048');
    expect(normaliseSiret(91234567500017)).toBeNull();
  });
});

describe('parseSearchAnswer', () => {
  it('reads the establishment asked for, not the head office', () => {
    expect(parseSearchAnswer(answerFor('91234567500025'), '91234567500025')).toEqual<Company>({
      siret: '91234567500025',
      siren: '912345675',
      raisonSociale: 'BOULANGERIE DU MAIL',
      formeJuridique: 'Société à responsabilité limitée (SARL)',
      natureJuridique: '5499',
      adresse: '3 PLACE JEAN JAURES 37000 TOURS',
      codePostal: '37000',
      commune: 'TOURS',
      codeNaf: '10.71C',
      etat: 'ferme',
    });
    expect(parseSearchAnswer(answerFor('91234567500017'), '91234567500017')?.etat).toBe('actif');
    expect(parseSearchAnswer(answerFor('84512345400017'), '84512345400017')?.formeJuridique).toBe(
      'Association déclarée',
    );
  });

  it('finds nothing in an empty answer, and in an answer about another SIRET', () => {
    expect(parseSearchAnswer(answerFor('73282932000074'), '73282932000074')).toBeNull();
    expect(parseSearchAnswer(answerFor('91234567500017'), '91234567500033')).toBeNull();
  });

  it('refuses what is not the documented shape', () => {
    for (const body of [null, 'results', {}, { results: {} }, { results: [3] }])
      expect(() => parseSearchAnswer(body, '91234567500017')).toThrow(LookupUnavailableError);
    // A result without a name, or whose SIREN is not the SIRET's start.
    const nameless = { results: [{ siren: '912345675', siege: { siret: '91234567500017' } }] };
    expect(() => parseSearchAnswer(nameless, '91234567500017')).toThrow(LookupUnavailableError);
    const foreign = { results: [{ siren: '111111118', nom_complet: 'X', siege: { siret: '91234567500017' } }] };
    expect(() => parseSearchAnswer(foreign, '91234567500017')).toThrow(LookupUnavailableError);
  });
});

describe('HttpCompanyDirectory', () => {
  let clock = 0;
  let calls: string[] = [];
  let behaviour: 'fake' | 'down' | 'hang' = 'fake';
  const fetcher = (async (url: string, init: { signal: AbortSignal }) => {
    calls.push(url);
    if (behaviour === 'down') throw new TypeError('fetch failed');
    if (behaviour === 'hang')
      return new Promise((_resolve, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
    const answer = answerSearch(new URL(url).searchParams);
    return new Response(answer.body, { status: answer.status, headers: { 'content-type': answer.type } });
  }) as unknown as typeof fetch;
  const directory = (options = {}) =>
    new HttpCompanyDirectory({
      baseUrl: 'http://fake/entreprises/',
      fetch: fetcher,
      now: () => clock,
      failuresToOpen: 3,
      openMs: 10_000,
      cacheMs: 60_000,
      ...options,
    });
  beforeEach(() => {
    clock = 0;
    calls = [];
    behaviour = 'fake';
  });

  it('asks GET {base}/search?q={siret} and answers found or null', async () => {
    const d = directory();
    expect((await d.findBySiret('912 345 675 00017'))?.raisonSociale).toBe('BOULANGERIE DU MAIL');
    expect(calls[0]).toBe('http://fake/entreprises/search?q=91234567500017&page=1&per_page=5');
    expect(await d.findBySiret('73282932000074')).toBeNull();
    await expect(d.findBySiret('91234567500018')).rejects.toThrow(RangeError);
  });

  it('keeps answers for a while, found and not found, then asks again', async () => {
    const d = directory();
    await d.findBySiret('91234567500017');
    await d.findBySiret('73282932000074');
    await d.findBySiret('91234567500017');
    await d.findBySiret('73282932000074');
    expect(calls).toHaveLength(2);
    clock = 60_001;
    await d.findBySiret('91234567500017');
    expect(calls).toHaveLength(3);
  });

  it('bounds the cache: the least recently used SIRET is forgotten', async () => {
    const d = directory({ cacheSize: 2 });
    for (const siret of ['91234567500017', '84512345400017', '77856712300014', '91234567500017'])
      await d.findBySiret(siret);
    expect(calls).toHaveLength(4);
  });

  it('answers garbage, an error status and a timeout as unavailable', async () => {
    const d = directory();
    await expect(d.findBySiret(MISBEHAVING.garbage)).rejects.toMatchObject({ reason: 'garbage' });
    await expect(d.findBySiret(MISBEHAVING.error)).rejects.toMatchObject({ reason: 'status' });
    behaviour = 'hang';
    const started = Date.now();
    await expect(directory({ timeoutMs: 200 }).findBySiret('91234567500017')).rejects.toMatchObject({
      reason: 'timeout',
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('opens the breaker after failures in a row, fails fast, then lets one try', async () => {
    const d = directory();
    behaviour = 'down';
    for (const _ of [1, 2, 3])
      await expect(d.findBySiret('91234567500017')).rejects.toMatchObject({ reason: 'network' });
    expect(d.open).toBe(true);
    await expect(d.findBySiret('84512345400017')).rejects.toMatchObject({ reason: 'open' });
    expect(calls).toHaveLength(3);
    clock = 10_001;
    // Half open: one try, failed: open again at once.
    await expect(d.findBySiret('84512345400017')).rejects.toMatchObject({ reason: 'network' });
    await expect(d.findBySiret('84512345400017')).rejects.toMatchObject({ reason: 'open' });
    expect(calls).toHaveLength(4);
    clock = 20_002;
    behaviour = 'fake';
    expect((await d.findBySiret('84512345400017'))?.siren).toBe('845123454');
    expect(d.open).toBe(false);
    expect((await d.findBySiret('77856712300014'))?.siren).toBe('778567123');
  });
});

describe('checkSirets', () => {
  const definition = {
    schema: {
      type: 'object',
      properties: {
        entreprise: {
          type: 'object',
          properties: Object.fromEntries(
            ['siret', 'raisonSociale', 'formeJuridique', 'adresse', 'codeNaf', 'etat', 'provenance'].map((k) => [
              k,
              { type: 'string' },
            ]),
          ),
        },
      },
    },
    uiSchema: { entreprise: { 'ui:widget': 'siret', 'ui:options': { locked: ['raisonSociale', 'etat'] } } },
  };
  const known = new Map<string, Company | null>([
    ['91234567500017', parseSearchAnswer(answerFor('91234567500017'), '91234567500017')],
  ]);
  const up = { findBySiret: async (s: string) => known.get(s) ?? null };
  const down = {
    findBySiret: async () => {
      throw new LookupUnavailableError('network');
    },
  };

  it('finds SIRET fields and their locked values', () => {
    expect(siretFields(definition)).toEqual([
      {
        path: ['entreprise'],
        fills: ['raisonSociale', 'formeJuridique', 'adresse', 'codeNaf', 'etat'],
        locked: ['raisonSociale', 'etat'],
        keepsProvenance: true,
      },
    ]);
  });

  it('accepts the directory’s values, fills missing locked ones, records provenance', async () => {
    const data = { entreprise: { siret: '912 345 675 00017', raisonSociale: 'Boulangerie du mail' } };
    expect(await checkSirets(definition, data, up)).toEqual({
      errors: [],
      data: {
        entreprise: {
          siret: '91234567500017',
          raisonSociale: 'BOULANGERIE DU MAIL',
          etat: 'Actif',
          provenance: PROVENANCE.verified,
        },
      },
    });
  });

  it('refuses a tampered locked value with its pointer, and an unknown SIRET when values are locked', async () => {
    const tampered = { entreprise: { siret: '91234567500017', raisonSociale: 'AUTRE NOM', etat: 'Actif' } };
    expect((await checkSirets(definition, tampered, up)).errors).toEqual([
      expect.objectContaining({ pointer: '/entreprise/raisonSociale', code: 'valeur_verrouillee' }),
    ]);
    const unknown = { entreprise: { siret: '73282932000074', raisonSociale: 'X' } };
    expect((await checkSirets(definition, unknown, up)).errors).toEqual([
      expect.objectContaining({ pointer: '/entreprise/siret', code: 'siret_inconnu' }),
    ]);
  });

  it('keeps the values as typed, unverified, when the directory does not answer', async () => {
    const typed = { entreprise: { siret: '91234567500017', raisonSociale: 'Ma boulangerie' } };
    expect(await checkSirets(definition, typed, down)).toEqual({
      errors: [],
      data: { entreprise: { ...typed.entreprise, provenance: PROVENANCE.typed } },
    });
  });
});
