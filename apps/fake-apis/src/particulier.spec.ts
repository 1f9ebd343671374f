import {
  HttpFamilyQuotientProvider,
  LookupUnavailableError,
  checkQuotients,
  parseQuotientAnswer,
  quotientIdentity,
  type FamilyQuotientProvider,
} from '@guichet/forms';
import type { ServiceDefinition } from '@guichet/shared';
import { answerQuotient, FAKE_FAMILIES, MISBEHAVING_IDENTITIES, SLOW_QUOTIENT_MS } from './particulier';
import { startFakeApis } from './fake-apis';

const PATH = '/v3/dss/quotient_familial/identite';
const BEARER = { authorization: 'Bearer jeton-de-test-0123456789' };

/** An answer in the shape API Particulier documents for `/v3/dss/quotient_familial/identite` (an MSA couple). */
const documented = {
  data: {
    quotient_familial: { fournisseur: 'MSA', valeur: 150, annee: 2023, mois: 5, annee_calcul: 2024, mois_calcul: 12 },
    allocataires: [
      { nom_naissance: 'ROUX', nom_usage: null, prenoms: 'JEANNE STEPHANIE', date_naissance: '1987-06-27', sexe: 'F' },
      { nom_naissance: 'ROUX', nom_usage: null, prenoms: 'LOIC NATHAN', date_naissance: '1979-05-19', sexe: 'M' },
    ],
    enfants: [{ nom_naissance: 'ROUX', nom_usage: null, prenoms: 'ALEXIS', date_naissance: '2006-04-20', sexe: 'M' }],
    adresse: {
      destinataire: 'Madame ROUX JEANNE',
      complement_information: null,
      complement_information_geographique: null,
      numero_libelle_voie: '1 RUE MONTORGUEIL',
      lieu_dit: null,
      code_postal_ville: '75002 PARIS',
      pays: 'FRANCE',
    },
  },
  links: {},
  meta: {},
};

const MARIE = {
  given_name: 'Marie-Claire Anne',
  family_name: 'DUBOIS',
  birthdate: '1962-08-24',
  birthplace: '45234',
  birthcountry: '99100',
  gender: 'female',
};

describe('API Particulier’s family quotient: parser, identity pivot, fake', () => {
  it('reads the documented v3 answer: value, month, body (CNAF → CAF), allocataires', () => {
    expect(parseQuotientAnswer(documented)).toEqual({
      quotient: 150,
      annee: 2023,
      mois: 5,
      regime: 'MSA',
      allocataires: ['JEANNE STEPHANIE ROUX', 'LOIC NATHAN ROUX'],
    });
    const cnaf = structuredClone(documented);
    cnaf.data.quotient_familial.fournisseur = 'CNAF';
    expect(parseQuotientAnswer(cnaf).regime).toBe('CAF');
  });

  it.each([
    ['not an object', 'beaucoup'],
    ['no data', { links: {} }],
    ['no quotient', { data: { allocataires: [] } }],
    [
      'a value that is not a number',
      { data: { quotient_familial: { fournisseur: 'CNAF', valeur: '650', annee: 2026, mois: 1 } } },
    ],
    ['a negative value', { data: { quotient_familial: { fournisseur: 'CNAF', valeur: -1, annee: 2026, mois: 1 } } }],
    ['an unknown body', { data: { quotient_familial: { fournisseur: 'CPAM', valeur: 650, annee: 2026, mois: 1 } } }],
    ['month 13', { data: { quotient_familial: { fournisseur: 'MSA', valeur: 650, annee: 2026, mois: 13 } } }],
  ])('refuses garbage (%s) as the API not answering', (_what, body) => {
    expect(() => parseQuotientAnswer(body)).toThrow(LookupUnavailableError);
  });

  it('takes the identity pivot from FranceConnect’s claims, and nothing from an incomplete one', () => {
    expect(quotientIdentity(MARIE)).toEqual({
      nomNaissance: 'DUBOIS',
      prenoms: ['Marie-Claire', 'Anne'],
      anneeDateNaissance: 1962,
      moisDateNaissance: 8,
      jourDateNaissance: 24,
      sexeEtatCivil: 'F',
      codeCogInseeCommuneNaissance: '45234',
      codeCogInseePaysNaissance: '99100',
    });
    // Born abroad: no birth commune, the country only.
    expect(quotientIdentity({ ...MARIE, birthplace: '', birthcountry: '99134' })).not.toHaveProperty(
      'codeCogInseeCommuneNaissance',
    );
    for (const missing of ['family_name', 'given_name', 'birthdate', 'gender', 'birthcountry'])
      expect(quotientIdentity({ ...MARIE, [missing]: '' })).toBeNull();
    // An agent's claims (ProConnect) are not an identity pivot.
    expect(quotientIdentity({ given_name: 'Sophie', family_name: 'Marchand', email: 'a@b.fr' })).toBeNull();
    expect(quotientIdentity(undefined)).toBeNull();
  });

  it('the fake requires a bearer token (401 without), answers its families in the documented shape, 404 otherwise', () => {
    const query = new URLSearchParams({
      nomNaissance: 'DUBOIS',
      'prenoms[]': 'Marie-Claire',
      anneeDateNaissance: '1962',
      moisDateNaissance: '8',
      jourDateNaissance: '24',
      sexeEtatCivil: 'F',
      codeCogInseeCommuneNaissance: '45234',
      codeCogInseePaysNaissance: '99100',
    });
    expect(answerQuotient(PATH, query, {})!.status).toBe(401);
    expect(answerQuotient(PATH, query, { authorization: 'Basic eDp5' })!.status).toBe(401);
    expect(answerQuotient('/v2/composition-familiale', query, BEARER)).toBeNull();
    const found = answerQuotient(PATH, query, BEARER)!;
    expect(found.status).toBe(200);
    expect(parseQuotientAnswer(JSON.parse(found.body))).toMatchObject({ quotient: 650, regime: 'CAF' });
    for (const family of FAKE_FAMILIES) expect(family.valeur).toBeGreaterThan(0);
    const unknown = new URLSearchParams(query);
    unknown.set('nomNaissance', 'INCONNU');
    expect(answerQuotient(PATH, unknown, BEARER)!.status).toBe(404);
    const garbage = new URLSearchParams(query);
    garbage.set('codeCogInseeCommuneNaissance', MISBEHAVING_IDENTITIES.garbage.codeCogInseeCommuneNaissance);
    expect(() => parseQuotientAnswer(JSON.parse(answerQuotient(PATH, garbage, BEARER)!.body))).toThrow(
      LookupUnavailableError,
    );
  });

  it('the HTTP provider sends the token in a header only, maps 404 to null and a slow answer to unavailable', async () => {
    const fake = await startFakeApis();
    try {
      const identity = quotientIdentity(MARIE)!;
      const provider = new HttpFamilyQuotientProvider({ baseUrl: fake.particulierUrl, token: 'jeton-0123456789' });
      expect(await provider.findByIdentity(identity)).toMatchObject({ quotient: 650, annee: 2026, mois: 10 });
      expect(await provider.findByIdentity({ ...identity, nomNaissance: 'INCONNU' })).toBeNull();
      const tokenless = new HttpFamilyQuotientProvider({ baseUrl: fake.particulierUrl });
      await expect(tokenless.findByIdentity(identity)).rejects.toThrow(LookupUnavailableError);
      const slow = quotientIdentity({
        ...MARIE,
        family_name: MISBEHAVING_IDENTITIES.slow.nomNaissance,
        birthdate: MISBEHAVING_IDENTITIES.slow.dateNaissance,
      })!;
      const hurried = new HttpFamilyQuotientProvider({
        baseUrl: fake.particulierUrl,
        token: 'x'.repeat(16),
        timeoutMs: 300,
      });
      const started = Date.now();
      await expect(hurried.findByIdentity(slow)).rejects.toThrow(LookupUnavailableError);
      expect(Date.now() - started).toBeLessThan(SLOW_QUOTIENT_MS / 4);
    } finally {
      await fake.close();
    }
  });

  const definition = {
    schema: {
      type: 'object',
      properties: {
        qf: {
          type: 'object',
          properties: {
            consentement: { type: 'boolean' },
            quotient: { type: 'integer' },
            periode: { type: 'string' },
            regime: { type: 'string' },
            allocataire: { type: 'string' },
            provenance: { type: 'string' },
          },
        },
      },
    },
    uiSchema: { qf: { 'ui:widget': 'quotient-familial', 'ui:options': { locked: ['quotient', 'periode'] } } },
  } as unknown as Pick<ServiceDefinition, 'schema' | 'uiSchema'>;
  const provider = (answer: 'found' | 'down'): FamilyQuotientProvider & { calls: number } => {
    const p = {
      calls: 0,
      async findByIdentity() {
        p.calls++;
        if (answer === 'down') throw new LookupUnavailableError('timeout');
        return { quotient: 650, annee: 2026, mois: 10, regime: 'CAF' as const, allocataires: ['MARIE DUBOIS'] };
      },
    };
    return p;
  };
  const identity = quotientIdentity(MARIE);

  it('checks at submit: locked values must be the API’s, missing ones filled, provenance recorded', async () => {
    const ok = await checkQuotients(
      definition,
      { qf: { consentement: true, quotient: 650 } },
      provider('found'),
      identity,
    );
    expect(ok).toEqual({
      errors: [],
      data: {
        qf: {
          consentement: true,
          quotient: 650,
          periode: '2026-10',
          provenance: 'Fourni par la CAF via API Particulier',
        },
      },
    });
    const tampered = await checkQuotients(
      definition,
      { qf: { consentement: true, quotient: 120 } },
      provider('found'),
      identity,
    );
    expect(tampered.errors).toEqual([expect.objectContaining({ pointer: '/qf/quotient', code: 'valeur_verrouillee' })]);
    const changed = await checkQuotients(
      definition,
      { qf: { consentement: true, quotient: 650, allocataire: 'Quelqu’un' } },
      provider('found'),
      identity,
    );
    expect((changed.data as { qf: { provenance: string } }).qf.provenance).toBe(
      'Fourni par la CAF via API Particulier, modifié par l’usager',
    );
  });

  it('asks nothing without consent or without a FranceConnect identity, and keeps the typed values when the API is down', async () => {
    for (const [data, who] of [
      [{ qf: { quotient: 120 } }, identity],
      [{ qf: { consentement: true, quotient: 120 } }, null],
    ] as const) {
      const p = provider('found');
      expect(await checkQuotients(definition, data, p, who)).toEqual({
        errors: [],
        data: { qf: { ...data.qf, provenance: 'Déclaré par l’usager' } },
      });
      expect(p.calls).toBe(0);
    }
    const down = await checkQuotients(
      definition,
      { qf: { consentement: true, quotient: 120 } },
      provider('down'),
      identity,
    );
    expect(down).toEqual({
      errors: [],
      data: { qf: { consentement: true, quotient: 120, provenance: 'Déclaré par l’usager' } },
    });
  });
});
